"""The review opinion and the opinion summary open in Word and in LibreOffice."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from docx import Document
from pypdf import PdfReader

from sifasuo.governance import documents, services
from sifasuo.governance.choices import Adoption, OpinionSource
from tests.governance import factories as f

pytestmark = pytest.mark.django_db


def _summary(city_officer, citizen, office_clerk) -> tuple[bytes, bytes]:
    draft = f.draft(actor=city_officer, title="养犬管理条例")
    online = services.opinion_submit_online(
        actor=citizen, draft=draft, clause=draft.clauses.first(), text="建议放宽"
    )
    services.opinion_record(
        actor=office_clerk,
        unit=f.unit(),
        draft=draft,
        source=OpinionSource.MEETING,
        meeting="援法议事协商会",
        people_count=9,
        text="建议过渡期",
        submitted_on=draft.opens_on,
    )
    services.opinion_answer(actor=city_officer, opinion=online, adoption=Adoption.ADOPTED)
    opinions = list(draft.opinions.select_related("unit", "clause"))
    review = f.issued(actor=office_clerk)
    return documents.opinion_summary(draft, opinions), documents.review_opinion(review)


def test_the_documents_hold_what_they_should(city_officer, citizen, office_clerk):
    # when
    summary, opinion = _summary(city_officer, citizen, office_clerk)
    # then
    summary_doc = Document(io.BytesIO(summary))
    assert "意见汇总表" in summary_doc.paragraphs[0].text
    rows = [[c.text for c in row.cells] for row in summary_doc.tables[0].rows]
    assert rows[0] == list(documents.SUMMARY_HEADERS)
    (online,) = [r for r in rows if r[2] == "建议放宽"]
    assert online[1:] == ["第一条", "建议放宽", "网民（线上）", "1", "采纳", ""]
    assert any("西一路" in cell and "援法议事协商会" in cell for r in rows for cell in r)
    opinion_doc = Document(io.BytesIO(opinion))
    text = "\n".join(p.text for p in opinion_doc.paragraphs)
    assert "合法性审查意见书" in text
    assert "逐条修改意见" in text
    assert "审查结论：修改后合法。" in text
    checks = [[c.text for c in row.cells] for row in opinion_doc.tables[0].rows]
    assert ["权限", "不符合", "问题"] in checks


@pytest.mark.system_package
def test_libreoffice_opens_the_review_opinion_and_the_summary(
    city_officer, citizen, office_clerk, tmp_path
):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("needs LibreOffice (Debian package libreoffice-writer)")
    # given
    summary, opinion = _summary(city_officer, citizen, office_clerk)
    (tmp_path / "summary.docx").write_bytes(summary)
    (tmp_path / "opinion.docx").write_bytes(opinion)
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
            str(tmp_path / "summary.docx"),
            str(tmp_path / "opinion.docx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    # then
    for name, title in (("summary", "意见汇总表"), ("opinion", "合法性审查意见书")):
        pdf = out / f"{name}.pdf"
        assert pdf.exists(), name
        text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
        assert title in text.replace(" ", ""), name
