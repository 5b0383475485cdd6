"""The printable forms of a mediation case and the case file (卷宗) PDF."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm
from pypdf import PdfReader

from sifasuo.mediation import documents, services
from sifasuo.mediation.choices import (
    CaseSource,
    Outcome,
    PartyRole,
    Performance,
    RecordKind,
    RefusalReason,
    Satisfaction,
    VisitMethod,
)
from sifasuo.mediation.models import DisputeCategory, MediationCase
from sifasuo.mediation.services import PartyInput
from sifasuo.orgs.models import Unit
from sifasuo.people import services as people_services
from sifasuo.people.demo import synthetic_id_number
from tests.core.test_attachments import PNG

ID_NUMBER = synthetic_id_number("610102", date(1980, 1, 1), 7, male=True)
PHONE = "13812345678"
FACTS = "李四修缮房屋时堆放的建材堵塞了张三家门前的通道，双方发生争执。李四负主要责任。"
TERMS = "一、李四于三日内清理通道上的建材；二、李四赔偿张三损失人民币三千元。"
MANNER = "现金当面交付"
COURT = "西安市新城区人民法院"

SECTIONS = [
    "人民调解受理登记表",
    "人民调解调查记录",
    "人民调解取证材料",
    "人民调解记录",
    "人民调解协议书",
    "人民调解回访记录",
    "司法确认有关材料",
    "卷宗情况说明",
    "封底",
]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _register(actor, **overrides) -> MediationCase:
    fields = {
        "actor": actor,
        "committee": Unit.objects.get(code="610102001T01"),
        "source": CaseSource.APPLICATION,
        "category": DisputeCategory.objects.get(code="NEIGHBOUR"),
        "summary": "邻居堆放建材堵塞通道。",
        "received_on": date(2024, 3, 1),
        "parties": [
            PartyInput(role=PartyRole.APPLICANT, name="张三", id_number=ID_NUMBER, phone=PHONE),
            PartyInput(role=PartyRole.RESPONDENT, name="李四"),
        ],
        "amount_involved": Decimal("5000"),
    }
    fields.update(overrides)
    return services.case_register(**fields)


def _accepted(actor) -> MediationCase:
    committee = Unit.objects.get(code="610102001T01")
    person = people_services.person_create(actor=actor, unit=committee, name="王调解")
    mediator = services.mediator_add(actor=actor, committee=committee, person=person)
    case = _register(actor)
    return services.case_accept(
        actor=actor, case=case, accepted_on=date(2024, 3, 2), mediators=[mediator]
    )


@pytest.fixture
def written_case(mediator, media) -> MediationCase:
    """A case with every step on file: records, a written agreement, confirmation, visit."""
    case = _accepted(mediator)
    for kind, day, content, files in [
        (RecordKind.INVESTIGATION, 4, "走访邻居，核实通道被堵情况。", []),
        (RecordKind.EVIDENCE, 5, "拍摄现场照片。", [SimpleUploadedFile("现场照片.png", PNG)]),
        (RecordKind.SESSION, 10, "双方陈述意见，调解员释法说理。", []),
    ]:
        services.case_add_record(
            actor=mediator,
            case=case,
            kind=kind,
            held_on=date(2024, 3, day),
            content=content,
            place="西一路社区调解室",
            mediators=list(case.mediators.all()),
            files=files,
        )
    services.case_conclude(
        actor=mediator,
        case=case,
        outcome=Outcome.WRITTEN,
        concluded_on=date(2024, 3, 12),
        facts=FACTS,
        agreement_terms=TERMS,
        performance_manner=MANNER,
        performance_deadline=date(2024, 3, 31),
        agreement_amount=Decimal("3000"),
    )
    services.case_apply_confirmation(
        actor=mediator, case=case, applied_on=date(2024, 3, 15), court=COURT
    )
    services.case_return_visit(
        actor=mediator,
        case=case,
        visited_on=date(2024, 4, 5),
        method=VisitMethod.PHONE,
        performance=Performance.PERFORMED,
        satisfaction=Satisfaction.SATISFIED,
        notes="协议已履行完毕。",
    )
    return MediationCase.objects.get(pk=case.pk)


def _docx_text(content: bytes) -> str:
    """Every paragraph of the body and of its tables, one a line."""
    document = Document(io.BytesIO(content))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def _docx_xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "".join(
            archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.endswith((".xml", ".rels"))
        )


def _every_docx(case: MediationCase) -> dict[str, bytes]:
    files = {
        slug: documents.build(slug, case)
        for slug, (_label, applies) in documents.DOCUMENTS.items()
        if applies(case)
    }
    for record in case.records.all():
        files[f"record-{record.pk}"] = documents.session_record(record)
    for visit in case.visits.all():
        files[f"visit-{visit.pk}"] = documents.return_visit_record(visit)
    return files


def _masked_id(case: MediationCase) -> str:
    return case.parties.get(role=PartyRole.APPLICANT).person.id_number_masked


@pytest.mark.django_db
def test_the_agreement_holds_what_article_29_requires(written_case):
    # when
    text = _docx_text(documents.agreement(written_case))
    # then: parties' basic information, facts and liability, terms, manner and time limit
    assert text.splitlines()[0] == "人民调解协议书"
    assert written_case.number in text
    assert "张三" in text
    assert "李四" in text
    assert _masked_id(written_case) in text
    assert FACTS in text
    assert TERMS in text
    assert f"履行方式：{MANNER}" in text
    assert "履行期限：2024年3月31日" in text
    assert "3,000.00 元" in text
    # effect on signature and seal, three originals, judicial confirmation within 30 days
    assert "签名、盖章或者按指印，人民调解员签名并加盖人民调解委员会印章" in text
    assert "一式三份，双方当事人各执一份，人民调解委员会留存一份" in text
    assert "三十日内共同向人民法院申请司法确认" in text
    # signature blocks: each party, the mediator, the committee's seal, the date
    assert "申请人 张三（签名、盖章或按指印）" in text
    assert "被申请人 李四（签名、盖章或按指印）" in text
    assert "人民调解员 王调解（签名）" in text
    assert f"{written_case.unit.name}（印章）" in text
    assert "2024年3月12日" in text


@pytest.mark.django_db
def test_no_document_holds_a_plaintext_id_number_or_phone(written_case):
    # given
    masked = _masked_id(written_case)
    assert masked != ID_NUMBER
    # when
    files = _every_docx(written_case)
    pdf = documents.case_file_pdf(written_case)
    # then: masked where shown, never in clear, not even in the XML
    assert {"intake", "agreement", "confirmation"} <= set(files)
    for slug in ("intake", "agreement", "confirmation"):
        assert masked in _docx_text(files[slug])
    for slug, content in files.items():
        xml = _docx_xml(content)
        for secret in (ID_NUMBER, PHONE, ID_NUMBER[6:14]):
            assert secret not in xml, slug
            assert secret.encode() not in content, slug
    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert masked in pdf_text
    assert ID_NUMBER not in pdf_text
    assert PHONE not in pdf_text


@pytest.mark.django_db
def test_the_word_documents_are_a4_with_chinese_fonts(written_case):
    # when
    content = documents.intake_form(written_case)
    # then
    document = Document(io.BytesIO(content))
    section = document.sections[0]
    # (Word stores twentieths of a point: A4 is 11906 × 16838 of them.)
    assert abs(section.page_width - Cm(21)) < Cm(0.01)
    assert abs(section.page_height - Cm(29.7)) < Cm(0.01)
    for margin in ("left", "right", "top", "bottom"):
        assert abs(getattr(section, f"{margin}_margin") - Cm(2.5)) < Cm(0.01)
    fonts = {
        paragraph.text: paragraph.runs[0].element.rPr.rFonts.get(qn("w:eastAsia"))
        for paragraph in document.paragraphs
        if paragraph.runs
    }
    assert fonts["人民调解受理登记表"] == "黑体"
    assert fonts["当事人基本情况"] == "黑体"
    assert fonts["邻居堆放建材堵塞通道。"] == "宋体"
    cell_fonts = {
        run.element.rPr.rFonts.get(qn("w:eastAsia"))
        for table in document.tables
        for cell in table._cells
        for paragraph in cell.paragraphs
        for run in paragraph.runs
    }
    assert cell_fonts == {"宋体"}
    assert 'w:eastAsia="zh-CN"' in _docx_xml(content)


@pytest.mark.django_db
def test_the_intake_form_lists_the_registration(written_case):
    # when
    text = _docx_text(documents.intake_form(written_case))
    # then
    assert written_case.unit.name in text
    assert "登记日期 | 2024年3月1日" in text
    assert "纠纷类别 | 邻里" in text
    assert "5,000.00 元" in text
    assert "邻居堆放建材堵塞通道。" in text
    assert "受理日期：2024年3月2日" in text
    assert "王调解" in text
    assert "1980年" in text
    assert "登记人（签名）" in text


@pytest.mark.django_db
def test_the_agreement_is_refused_for_a_case_without_a_written_agreement(mediator):
    # given
    case = _accepted(mediator)
    services.case_conclude(
        actor=mediator,
        case=case,
        outcome=Outcome.FAILED,
        concluded_on=date(2024, 3, 20),
        routes_informed=True,
        termination_note="被申请人拒绝继续调解。",
    )
    # when / then
    with pytest.raises(ValueError, match="written"):
        documents.agreement(case)
    with pytest.raises(ValueError, match="does not apply"):
        documents.build("agreement", case)
    assert [slug for slug, _label in documents.available_documents(case)] == ["intake"]


@pytest.mark.django_db
def test_the_refusal_notice_names_the_reason_and_the_other_routes(mediator):
    # given
    case = _register(mediator)
    services.case_refuse(
        actor=mediator, case=case, reason=RefusalReason.ALREADY_ACCEPTED, note="法院已立案。"
    )
    # when
    text = _docx_text(documents.build("refusal", case))
    # then
    with translation.override("zh-hans"):
        reason = case.get_refusal_reason_display()
    assert text.splitlines()[0] == "不予受理通知书"
    assert "张三：" in text
    assert f"因{reason}，" in text
    assert "说明：法院已立案。" in text
    assert "仲裁、行政、司法等途径" in text
    assert f"{case.unit.name}（印章）" in text
    assert [slug for slug, _label in documents.available_documents(case)] == [
        "intake",
        "refusal",
    ]


@pytest.mark.django_db
def test_the_documents_that_apply_follow_the_case(mediator, written_case):
    # given
    registered = _register(mediator, summary="另一起纠纷。")
    # when / then
    assert [s for s, _ in documents.available_documents(registered)] == ["intake"]
    assert [s for s, _ in documents.available_documents(written_case)] == [
        "intake",
        "agreement",
        "confirmation",
    ]
    with pytest.raises(ValueError, match="does not apply"):
        documents.build("refusal", written_case)
    with pytest.raises(KeyError):
        documents.build("nonsense", written_case)
    name = documents.docx_filename(written_case, "agreement")
    assert name == f"{written_case.number}-人民调解协议书.docx"


@pytest.mark.django_db
def test_the_confirmation_application_names_the_court_and_the_agreement(written_case):
    # when
    text = _docx_text(documents.confirmation_application(written_case))
    # then
    assert text.splitlines()[0] == "司法确认申请书"
    assert COURT in text
    assert f"编号：{written_case.number}" in text
    assert "2024年3月12日" in text
    assert "请求人民法院依法确认" in text
    assert "申请人 张三（签名、盖章或按指印）" in text
    assert "被申请人 李四（签名、盖章或按指印）" in text
    assert "2024年3月15日" in text


@pytest.mark.django_db
def test_the_record_and_visit_documents_hold_their_step(written_case):
    # given
    session = written_case.records.get(kind=RecordKind.SESSION)
    evidence = written_case.records.get(kind=RecordKind.EVIDENCE)
    visit = written_case.visits.get()
    # when
    session_text = _docx_text(documents.session_record(session))
    evidence_text = _docx_text(documents.session_record(evidence))
    visit_text = _docx_text(documents.return_visit_record(visit))
    # then
    assert session_text.splitlines()[0] == "人民调解记录"
    assert "时间 | 2024年3月10日" in session_text
    assert "地点 | 西一路社区调解室" in session_text
    assert "人民调解员 | 王调解" in session_text
    assert "双方陈述意见，调解员释法说理。" in session_text
    assert "申请人 张三（签名或按指印）" in session_text
    assert "人民调解员 王调解（签名）" in session_text
    assert "1. 现场照片.png" in evidence_text
    assert visit_text.splitlines()[0] == "人民调解回访记录"
    assert "回访日期 | 2024年4月5日" in visit_text
    assert "协议已履行完毕。" in visit_text
    assert "回访人（签名）" in visit_text


def _toc_entries(reader: PdfReader) -> list[tuple[str, int]]:
    """(section title, page number) as printed in the table of contents (page 2).

    The page numbers are drawn after their titles, so pair the two lists in order.
    """
    text = reader.pages[1].extract_text()
    titles = re.findall(r"^[一二三四五六七八九]、(\S+)$", text, re.MULTILINE)
    pages = [int(n) for n in re.findall(r"^[ .]+ (\d+)$", text, re.MULTILINE)]
    return list(zip(titles, pages, strict=True))


@pytest.mark.django_db
def test_the_case_file_has_its_sections_in_order_where_the_contents_say(written_case):
    # when
    reader = PdfReader(io.BytesIO(documents.case_file_pdf(written_case)))
    # then: the cover, then the contents in the canonical order of the 卷宗
    cover = reader.pages[0].extract_text()
    assert "人民调解卷宗" in cover
    assert written_case.number in cover
    assert "申请人 张三；被申请人 李四" in cover
    assert "目" in reader.pages[1].extract_text()
    entries = _toc_entries(reader)
    assert [title for title, _page in entries] == SECTIONS
    pages = [page for _title, page in entries]
    assert pages == sorted(pages)
    assert pages[0] == 3
    for n, (title, page) in enumerate(entries):
        text = reader.pages[page - 1].extract_text()
        assert f"人民调解卷宗 · {'一二三四五六七八九'[n]}、{title}" in text
        assert f"第 {page} 页" in text
        # the section starts there: the page before belongs to the section before
        if n:
            previous = reader.pages[page - 2].extract_text()
            assert f"、{title}" not in previous
    # the sections hold the case's documents, the last page counts the pages
    assert "现场照片.png" in reader.pages[entries[2][1] - 1].extract_text()
    assert TERMS in reader.pages[entries[4][1] - 1].extract_text()
    assert COURT in reader.pages[entries[6][1] - 1].extract_text()
    last = reader.pages[-1].extract_text()
    assert f"本卷共 {len(reader.pages)} 页" in last
    assert [item.title for item in reader.outline] == [
        f"{'一二三四五六七八九'[n]}、{t}" for n, t in enumerate(SECTIONS)
    ]


@pytest.mark.django_db
def test_the_case_file_of_a_refused_case_says_none_where_nothing_is_on_file(mediator):
    # given
    case = _register(mediator)
    services.case_refuse(actor=mediator, case=case, reason=RefusalReason.OUT_OF_SCOPE)
    # when
    reader = PdfReader(io.BytesIO(documents.case_file_pdf(case)))
    # then
    entries = dict(_toc_entries(reader))
    assert list(entries) == SECTIONS
    for title in SECTIONS[1:7]:
        lines = reader.pages[entries[title] - 1].extract_text().splitlines()
        assert "无" in [line.strip() for line in lines], title
    assert "不予受理" in reader.pages[entries["人民调解受理登记表"] - 1].extract_text()


@pytest.mark.django_db
def test_the_case_file_of_a_failed_mediation_files_the_termination(mediator):
    # given
    case = _accepted(mediator)
    services.case_conclude(
        actor=mediator,
        case=case,
        outcome=Outcome.FAILED,
        concluded_on=date(2024, 3, 20),
        routes_informed=True,
        termination_note="被申请人拒绝继续调解。",
    )
    # when
    reader = PdfReader(io.BytesIO(documents.case_file_pdf(case)))
    # then: section five holds the end of the mediation instead of an agreement
    entries = dict(_toc_entries(reader))
    outcome = reader.pages[entries["人民调解协议书"] - 1].extract_text()
    assert "调解终止" in outcome
    assert "终止原因：被申请人拒绝继续调解。" in outcome
    assert "已告知当事人可以依法通过仲裁、行政、司法等途径" in outcome
    assert "一式三份" not in outcome


@pytest.mark.system_package
@pytest.mark.django_db
def test_libreoffice_opens_every_word_document_of_the_case(written_case, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("needs LibreOffice (Debian package libreoffice-writer)")
    # given
    titles = {
        "intake": "人民调解受理登记表",
        "agreement": "人民调解协议书",
        "confirmation": "司法确认申请书",
    }
    files = _every_docx(written_case)
    for record in written_case.records.all():
        titles[f"record-{record.pk}"] = documents.RECORD_TITLES[record.kind]
    for visit in written_case.visits.all():
        titles[f"visit-{visit.pk}"] = "人民调解回访记录"
    assert set(files) == set(titles)
    sources = []
    for slug, content in files.items():
        path = tmp_path / f"{slug}.docx"
        path.write_bytes(content)
        sources.append(str(path))
    out = tmp_path / "pdf"
    # when
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *sources,
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    # then
    for slug, title in titles.items():
        pdf = out / f"{slug}.pdf"
        assert pdf.exists(), slug
        assert pdf.stat().st_size > 0, slug
        reader = PdfReader(pdf)
        text = "".join(page.extract_text() for page in reader.pages)
        assert title in text.replace(" ", ""), slug
