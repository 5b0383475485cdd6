"""Printable forms of a mediation case (人民调解文书) and the whole case file (卷宗) as one PDF.

Every form is written once, as a list of blocks (title, paragraph, key/value table, signature
lines …). One renderer turns the blocks into an A4 Word document (python-docx), the other
into the pages of the case-file PDF (reportlab), so the Word form and its page in the 卷宗
cannot drift apart.

The forms are official Chinese documents whatever the reader's language, so they are built
with Chinese active. Parties' names are shown in full (they sign these documents); ID
numbers and phones only masked, as everywhere else.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, ParamSpec, TypeAlias, TypeVar
from xml.sax.saxutils import escape

from django.utils import translation
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from sifasuo.core.models import Attachment
from sifasuo.mediation.choices import CaseSource, Outcome, PartyKind, PartyRole, RecordKind
from sifasuo.mediation.models import CaseParty, CaseRecord, MediationCase, ReturnVisit
from sifasuo.people.choices import Sex

# Page and type: A4, 2.5 cm margins; 宋体 for the text, 黑体 for titles (GB/T 9704 habits).
PAGE_WIDTH_CM, PAGE_HEIGHT_CM, MARGIN_CM = 21.0, 29.7, 2.5
CONTENT_WIDTH_CM = PAGE_WIDTH_CM - 2 * MARGIN_CM
SONG, HEI, LATIN = "宋体", "黑体", "Times New Roman"
TITLE_PT, HEADING_PT, BODY_PT, TABLE_PT = 18, 13, 12, 10.5
PDF_FONT = "STSong-Light"  # reportlab's built-in CID font: no font file to ship

BLANK_DATE = "　　　　年　　月　　日"
SIGN_HERE = "＿＿＿＿＿＿＿＿＿＿"
NONE = "无"

RECORD_TITLES = {
    RecordKind.INVESTIGATION: "人民调解调查记录",
    RecordKind.EVIDENCE: "人民调解取证材料",
    RecordKind.SESSION: "人民调解记录",
}
RECORD_OWNER_TYPE = CaseRecord._meta.label_lower
# The parties' titles are terms of the forms themselves, not labels of the interface.
ROLE_WORDS = {PartyRole.APPLICANT: "申请人", PartyRole.RESPONDENT: "被申请人"}

# DOMAIN.md §2.2: the canonical order of a 人民调解卷宗.
CASE_FILE_SECTIONS = (
    "人民调解受理登记表",
    "人民调解调查记录",
    "人民调解取证材料",
    "人民调解记录",
    "人民调解协议书",
    "人民调解回访记录",
    "司法确认有关材料",
    "卷宗情况说明",
    "封底",
)
CHINESE_NUMERALS = "一二三四五六七八九十"


# Blocks: what a form says, independent of the file format -------------------------------


@dataclass(frozen=True)
class Title:
    text: str


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Para:
    """Running text; each line of ``text`` is a paragraph of its own."""

    text: str
    align: str = "justify"
    indent: bool = True


@dataclass(frozen=True)
class Fields:
    """A two-column table of labels and values."""

    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Grid:
    """A table with a header row; ``widths`` are fractions of the text width."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] = ()


@dataclass(frozen=True)
class Signatures:
    """Lines to sign, then the seal and the date, right-aligned."""

    lines: tuple[str, ...]
    seal: str = ""
    on: str = ""


@dataclass(frozen=True)
class Break:
    """Start a new page (between documents of one case-file section)."""


Block: TypeAlias = Title | Heading | Para | Fields | Grid | Signatures | Break

P = ParamSpec("P")
R = TypeVar("R")


def _in_chinese(builder: Callable[P, R]) -> Callable[P, R]:
    """Build with Chinese active: choice labels are the form's wording, not the UI's."""

    @functools.wraps(builder)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with translation.override("zh-hans"):
            return builder(*args, **kwargs)

    return wrapper


# Content helpers shared by the forms ------------------------------------------------------


def _date(day: date | None, missing: str = BLANK_DATE) -> str:
    """A date as written on forms; ``missing`` (a line to fill in by hand) if there is none."""
    return f"{day.year}年{day.month}月{day.day}日" if day else missing


def _yuan(amount: Decimal | None) -> str:
    return f"{amount or 0:,.2f} 元"


def _or_none(text: str) -> str:
    return text.strip() or NONE


def _parties(case: MediationCase) -> list[CaseParty]:
    # APPLICANT sorts before RESPONDENT: applicants first, as the forms list them.
    return list(case.parties.select_related("person").order_by("role", "pk"))


def _role(party: CaseParty) -> str:
    return ROLE_WORDS.get(PartyRole(party.role), party.get_role_display())


def _party_label(party: CaseParty) -> str:
    return f"{_role(party)} {party.display_name}"


def _party_names(case: MediationCase) -> str:
    return "；".join(_party_label(p) for p in _parties(case))


def _applicant_names(case: MediationCase) -> str:
    return "、".join(p.display_name for p in _parties(case) if p.role == PartyRole.APPLICANT)


def _mediator_names(mediators: Any) -> str:
    return "、".join(m.person.name for m in mediators.select_related("person"))


def _party_grid(case: MediationCase) -> Grid:
    """The parties' basic information: never a plaintext ID number or phone."""
    rows = []
    for party in _parties(case):
        person = party.person
        if party.kind == PartyKind.ORGANISATION or person is None:
            rows.append((_role(party), party.display_name, "—", "—", "—", "—"))
            continue
        rows.append(
            (
                _role(party),
                person.name,
                "" if person.sex == Sex.UNKNOWN else person.get_sex_display(),
                f"{person.birth_year}年" if person.birth_year else "",
                person.id_number_masked,
                person.phone_masked,
            )
        )
    return Grid(
        headers=("身份", "姓名或名称", "性别", "出生年份", "身份证件号码", "联系电话"),
        rows=tuple(rows),
        widths=(0.13, 0.2, 0.08, 0.12, 0.27, 0.2),
    )


def _party_signatures(case: MediationCase, how: str = "签名、盖章或按指印") -> tuple[str, ...]:
    return tuple(f"{_party_label(p)}（{how}）" for p in _parties(case))


def _mediator_signatures(mediators: Any) -> tuple[str, ...]:
    names = [m.person.name for m in mediators.select_related("person")]
    return tuple(f"人民调解员 {name}（签名）" for name in names) or ("人民调解员（签名）",)


def _number_line(case: MediationCase) -> Para:
    return Para(f"编号：{case.number}", align="right", indent=False)


def _seal(case: MediationCase) -> str:
    return f"{case.unit.name}（印章）"


# The forms ----------------------------------------------------------------------------------


def _intake_blocks(case: MediationCase) -> list[Block]:
    source = case.get_source_display()
    if case.source == CaseSource.REFERRAL and case.referral_organ:
        source += f"（移送机关：{case.get_referral_organ_display()}）"
    if case.accepted_on:
        decision = (
            f"经审查，本纠纷属于人民调解范围，决定受理。受理日期：{_date(case.accepted_on)}。"
        )
        names = _mediator_names(case.mediators)
        if names:
            decision += f"\n指派人民调解员：{names}。"
    elif case.refusal_reason:
        decision = f"经审查，决定不予受理。理由：{case.get_refusal_reason_display()}。"
    else:
        decision = "待审查。"
    return [
        Title("人民调解受理登记表"),
        _number_line(case),
        Fields(
            (
                ("人民调解委员会", case.unit.name),
                ("登记日期", _date(case.received_on)),
                ("案件来源", source),
                ("纠纷类别", case.category.name),
                ("涉案金额", _yuan(case.amount_involved)),
                ("涉及人数", f"{case.people_involved} 人"),
            )
        ),
        Heading("当事人基本情况"),
        _party_grid(case),
        Heading("纠纷简要情况"),
        Para(case.summary),
        Heading("受理意见"),
        Para(decision),
        Signatures(lines=("登记人（签名）",), on=_date(case.received_on)),
    ]


def _refusal_blocks(case: MediationCase) -> list[Block]:
    blocks: list[Block] = [
        Title("不予受理通知书"),
        _number_line(case),
        Para(f"{_applicant_names(case)}：", indent=False),
        Para(
            f"你（们）于{_date(case.received_on)}向本委员会申请调解的{case.category.name}纠纷，"
            f"经审查，因{case.get_refusal_reason_display()}，根据《中华人民共和国人民调解法》"
            "及有关规定，本委员会决定不予受理。"
        ),
    ]
    if case.refusal_note:
        blocks.append(Para(f"说明：{case.refusal_note}"))
    blocks += [
        # 人民调解法 art. 3: mediation must not block the other routes; name them.
        Para("你（们）可以依法通过仲裁、行政、司法等途径维护自己的合法权益。"),
        Para("特此通知。"),
        Signatures(lines=(), seal=_seal(case), on=BLANK_DATE),
    ]
    return blocks


def _record_blocks(record: CaseRecord) -> list[Block]:
    case = record.case
    names = _mediator_names(record.mediators)
    blocks: list[Block] = [
        Title(RECORD_TITLES.get(RecordKind(record.kind), "人民调解记录")),
        _number_line(case),
        Fields(
            (
                ("类别", record.get_kind_display()),
                ("时间", _date(record.held_on)),
                ("地点", record.place or "—"),
                ("人民调解员", names or "—"),
                ("当事人", _party_names(case)),
                ("纠纷类别", case.category.name),
            )
        ),
        Heading("记录内容"),
        Para(record.content),
    ]
    attachments = [
        a.original_name
        for a in Attachment.objects.filter(
            owner_type=RECORD_OWNER_TYPE, owner_id=str(record.pk)
        ).order_by("created_at", "pk")
    ]
    if attachments:
        blocks += [
            Heading("附件"),
            Para("\n".join(f"{n}. {name}" for n, name in enumerate(attachments, 1)), indent=False),
        ]
    blocks.append(
        Signatures(
            lines=(
                *_party_signatures(case, "签名或按指印"),
                *_mediator_signatures(record.mediators),
                "记录人（签名）",
            ),
            on=_date(record.held_on),
        )
    )
    return blocks


def _agreement_terms_blocks(case: MediationCase) -> list[Block]:
    """What an agreement says (art. 29), written or oral."""
    return [
        Heading("纠纷主要事实、争议事项及各方当事人的责任"),
        Para(_or_none(case.facts)),
        Heading("经人民调解委员会调解，双方当事人自愿达成如下协议"),
        Para(case.agreement_terms),
        Heading("履行协议的方式、地点、期限"),
        Para(
            f"履行方式：{_or_none(case.performance_manner)}\n"
            f"履行期限：{_date(case.performance_deadline, NONE)}"
            f"\n协议涉及金额：{_yuan(case.agreement_amount)}"
        ),
    ]


def _agreement_blocks(case: MediationCase) -> list[Block]:
    if case.outcome != Outcome.WRITTEN:
        raise ValueError(f"Case {case.number} has no written mediation agreement.")
    return [
        Title("人民调解协议书"),
        _number_line(case),
        Heading("当事人基本情况"),
        _party_grid(case),
        *_agreement_terms_blocks(case),
        Heading("协议的效力"),
        Para(
            "本协议自各方当事人签名、盖章或者按指印，人民调解员签名并加盖人民调解委员会印章"
            "之日起生效，具有法律约束力，当事人应当按照约定履行（《中华人民共和国人民调解法》"
            "第二十九条、第三十一条）。"
        ),
        Para("本协议一式三份，双方当事人各执一份，人民调解委员会留存一份。"),
        Para(
            "双方当事人认为有必要的，可以自本协议生效之日起三十日内共同向人民法院申请司法确认"
            "（《中华人民共和国人民调解法》第三十三条）。"
        ),
        Signatures(
            lines=(*_party_signatures(case), *_mediator_signatures(case.mediators)),
            seal=_seal(case),
            on=_date(case.concluded_on),
        ),
    ]


def _oral_agreement_blocks(case: MediationCase) -> list[Block]:
    return [
        Title("口头调解协议"),
        _number_line(case),
        Para(
            f"双方当事人于{_date(case.concluded_on)}经调解达成口头协议，协议自达成之日起生效。"
            "人民调解员记录协议内容如下（《中华人民共和国人民调解法》第二十八条、第三十条）。"
        ),
        *_agreement_terms_blocks(case),
        Signatures(lines=_mediator_signatures(case.mediators), on=_date(case.concluded_on)),
    ]


def _termination_blocks(case: MediationCase) -> list[Block]:
    routes = "已" if case.routes_informed else "未"
    return [
        Title("调解终止"),
        _number_line(case),
        Para(f"本纠纷经调解未能达成协议，于{_date(case.concluded_on)}终止调解。"),
        Para(f"终止原因：{_or_none(case.termination_note)}"),
        Para(
            f"{routes}告知当事人可以依法通过仲裁、行政、司法等途径维护自己的权利"
            "（《中华人民共和国人民调解法》第二十六条）。"
        ),
        Signatures(lines=_mediator_signatures(case.mediators), on=_date(case.concluded_on)),
    ]


def _confirmation_blocks(case: MediationCase) -> list[Block]:
    if case.outcome != Outcome.WRITTEN:
        raise ValueError(f"Case {case.number} has no written agreement to confirm.")
    court = case.confirmation_court or "＿＿＿＿＿＿＿＿人民法院"
    concluded = _date(case.concluded_on)
    return [
        Title("司法确认申请书"),
        Heading("申请人"),
        _party_grid(case),
        Heading("请求事项"),
        Para(
            f"请求人民法院依法确认申请人于{concluded}在{case.unit.name}主持下达成的人民调解"
            f"协议（编号：{case.number}）有效。"
        ),
        Heading("事实和理由"),
        Para(
            f"申请人之间因{case.category.name}纠纷，经{case.unit.name}调解，于{concluded}自愿"
            f"达成人民调解协议书（编号：{case.number}），协议约定：\n{case.agreement_terms}"
        ),
        Para(
            "申请人依照《中华人民共和国人民调解法》第三十三条，自调解协议生效之日起三十日内"
            "共同申请司法确认。申请人保证：出于解决纠纷的目的自愿达成协议，没有恶意串通、规避"
            "法律的行为；如因协议内容损害他人合法权益，自愿承担相应的法律责任。"
        ),
        Para(f"此致\n{court}", indent=False),
        Para("附：人民调解协议书一份", indent=False),
        Signatures(lines=_party_signatures(case), on=_date(case.confirmation_applied_on)),
    ]


def _visit_blocks(visit: ReturnVisit) -> list[Block]:
    case = visit.case
    return [
        Title("人民调解回访记录"),
        _number_line(case),
        Fields(
            (
                ("当事人", _party_names(case)),
                ("协议日期", _date(case.concluded_on)),
                ("履行期限", _date(case.performance_deadline, NONE)),
                ("回访日期", _date(visit.visited_on)),
                ("回访方式", visit.get_method_display()),
                ("履行情况", visit.get_performance_display()),
                ("当事人满意程度", visit.get_satisfaction_display()),
            )
        ),
        Heading("回访情况"),
        Para(_or_none(visit.notes)),
        Signatures(lines=("回访人（签名）", "被回访人（签名）"), on=_date(visit.visited_on)),
    ]


# Word rendering -----------------------------------------------------------------------------


def _set_fonts(element: Any, east_asia: str) -> None:
    """Name the Latin and the East Asian font: Word and LibreOffice read ``w:eastAsia``."""
    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), LATIN)
    fonts.set(qn("w:eastAsia"), east_asia)


def _new_document(title: str, author: str) -> Any:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(PAGE_WIDTH_CM), Cm(PAGE_HEIGHT_CM)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(MARGIN_CM))
    normal = document.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    _set_fonts(normal.element, SONG)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "en-US")
    language.set(qn("w:eastAsia"), "zh-CN")
    normal.element.get_or_add_rPr().append(language)
    properties = document.core_properties
    properties.title, properties.author, properties.last_modified_by = title, author, author
    properties.comments = ""
    return document


def _docx_run(
    paragraph: DocxParagraph,
    text: str,
    *,
    font: str = SONG,
    size: float = BODY_PT,
    bold: bool = False,
) -> None:
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    _set_fonts(run.element, font)


DOCX_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


def _docx_paragraph(
    document: Any,
    text: str,
    *,
    align: str = "justify",
    indent: bool = False,
    font: str = SONG,
    size: float = BODY_PT,
    bold: bool = False,
    space_before: float = 0,
) -> None:
    for line in text.split("\n"):
        paragraph = document.add_paragraph()
        paragraph.alignment = DOCX_ALIGN[align]
        fmt = paragraph.paragraph_format
        fmt.line_spacing = 1.5
        fmt.space_before, fmt.space_after = Pt(space_before), Pt(0)
        if indent:
            fmt.first_line_indent = Pt(2 * size)  # two characters, as Chinese text is set
        _docx_run(paragraph, line, font=font, size=size, bold=bold)


def _docx_cell(cell: _Cell, text: str, *, bold: bool = False) -> None:
    for n, line in enumerate(text.split("\n")):
        paragraph = cell.paragraphs[0] if n == 0 else cell.add_paragraph()
        _docx_run(paragraph, line, size=TABLE_PT, bold=bold)


def _docx_table(
    document: Any, rows: Sequence[Sequence[str]], widths: Sequence[float], *, header: bool
) -> None:
    table = document.add_table(rows=len(rows), cols=len(widths))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, fraction in zip(table.columns, widths, strict=True):
        # Word reads the cell widths, LibreOffice the grid: set both.
        column.width = Cm(CONTENT_WIDTH_CM * fraction)
        for cell in column.cells:
            cell.width = Cm(CONTENT_WIDTH_CM * fraction)
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            # Labels (the first column of a key/value table, or the header row) in bold.
            _docx_cell(table.cell(r, c), value, bold=(r == 0) if header else c == 0)


def _render_docx(blocks: Iterable[Block], *, title: str, author: str) -> bytes:
    document = _new_document(title, author)
    for block in blocks:
        match block:
            case Title(text):
                _docx_paragraph(document, text, align="center", font=HEI, size=TITLE_PT)
            case Heading(text):
                _docx_paragraph(document, text, font=HEI, size=HEADING_PT, space_before=6)
            case Para(text, align, indent):
                _docx_paragraph(document, text, align=align, indent=indent)
            case Fields(rows):
                _docx_table(document, rows, (0.25, 0.75), header=False)
            case Grid(headers, rows, widths):
                even = tuple(1 / len(headers) for _ in headers)
                _docx_table(document, (headers, *rows), widths or even, header=True)
            case Signatures(lines, seal, on):
                for line in lines:
                    _docx_paragraph(document, f"{line}：{SIGN_HERE}", space_before=12)
                for text in (seal, on):
                    if text:
                        _docx_paragraph(document, text, align="right", space_before=12)
            case Break():
                document.add_page_break()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx(blocks: list[Block], case: MediationCase) -> bytes:
    title = next((b.text for b in blocks if isinstance(b, Title)), "")
    return _render_docx(blocks, title=f"{title} {case.number}", author=case.unit.name)


# The Word documents (the views call these) --------------------------------------------------


@_in_chinese
def intake_form(case: MediationCase) -> bytes:
    """Return the 人民调解受理登记表 of ``case`` as .docx."""
    return _docx(_intake_blocks(case), case)


@_in_chinese
def refusal_notice(case: MediationCase) -> bytes:
    """Return the 不予受理通知书 of a refused case as .docx."""
    if not case.refusal_reason:
        raise ValueError(f"Case {case.number} was not refused.")
    return _docx(_refusal_blocks(case), case)


@_in_chinese
def session_record(record: CaseRecord) -> bytes:
    """Return the record of an investigation, evidence or mediation session as .docx."""
    return _docx(_record_blocks(record), record.case)


@_in_chinese
def agreement(case: MediationCase) -> bytes:
    """Return the 人民调解协议书 (art. 29) as .docx; ``ValueError`` without a written one."""
    return _docx(_agreement_blocks(case), case)


@_in_chinese
def confirmation_application(case: MediationCase) -> bytes:
    """Return the parties' joint 司法确认申请书 (art. 33) as .docx."""
    return _docx(_confirmation_blocks(case), case)


@_in_chinese
def return_visit_record(visit: ReturnVisit) -> bytes:
    """Return the 人民调解回访记录 of a return visit as .docx."""
    return _docx(_visit_blocks(visit), visit.case)


def _has_written_agreement(case: MediationCase) -> bool:
    return case.outcome == Outcome.WRITTEN


# The case-wide Word documents, in the order a case produces them; slug → (label, applies?).
DOCUMENTS: dict[str, tuple[str, Callable[[MediationCase], bool]]] = {
    "intake": ("人民调解受理登记表", lambda case: True),
    # By the reason rather than the status, so a refused case keeps its notice once closed.
    "refusal": ("不予受理通知书", lambda case: bool(case.refusal_reason)),
    "agreement": ("人民调解协议书", _has_written_agreement),
    "confirmation": ("司法确认申请书", _has_written_agreement),
}
_BUILDERS: dict[str, Callable[[MediationCase], bytes]] = {
    "intake": intake_form,
    "refusal": refusal_notice,
    "agreement": agreement,
    "confirmation": confirmation_application,
}


def available_documents(case: MediationCase) -> list[tuple[str, str]]:
    """Return (slug, label) of the case-wide documents that apply to ``case``."""
    return [(slug, label) for slug, (label, applies) in DOCUMENTS.items() if applies(case)]


def build(slug: str, case: MediationCase) -> bytes:
    """Build the document ``slug`` of ``DOCUMENTS``; ``KeyError`` if unknown,
    ``ValueError`` if it does not apply to the case."""
    label, applies = DOCUMENTS[slug]
    if not applies(case):
        raise ValueError(f"{slug} does not apply to case {case.number}.")
    return _BUILDERS[slug](case)


def _safe_name(text: str) -> str:
    return "".join("-" if ch in '/\\:*?"<>|' else ch for ch in text)


def docx_filename(case: MediationCase, slug: str) -> str:
    """The download name of a case document, e.g. ``（2024）…第0001号-人民调解协议书.docx``."""
    return _safe_name(f"{case.number}-{DOCUMENTS[slug][0]}.docx")


def case_file_filename(case: MediationCase) -> str:
    return _safe_name(f"{case.number}-人民调解卷宗.pdf")


# PDF rendering ------------------------------------------------------------------------------


@functools.cache
def _pdf_styles() -> dict[str, ParagraphStyle]:
    pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    body = ParagraphStyle(
        "body",
        fontName=PDF_FONT,
        fontSize=11,
        leading=19,
        alignment=TA_JUSTIFY,
        wordWrap="CJK",  # break lines between any two Chinese characters
    )
    return {
        "justify": body,
        "indent": ParagraphStyle("indent", parent=body, firstLineIndent=22),
        "left": ParagraphStyle("left", parent=body, alignment=TA_LEFT),
        "center": ParagraphStyle("center", parent=body, alignment=TA_CENTER),
        "right": ParagraphStyle("right", parent=body, alignment=TA_RIGHT),
        "title": ParagraphStyle(
            "title", parent=body, fontSize=18, leading=28, alignment=TA_CENTER, spaceAfter=8
        ),
        "cover": ParagraphStyle("cover", parent=body, fontSize=30, leading=44, alignment=TA_CENTER),
        "heading": ParagraphStyle(
            "heading", parent=body, fontSize=13, leading=20, spaceBefore=8, spaceAfter=2
        ),
        "section": ParagraphStyle(
            "section", parent=body, fontSize=9, leading=12, alignment=TA_RIGHT, textColor="#555555"
        ),
        "cell": ParagraphStyle("cell", parent=body, fontSize=10, leading=15, alignment=TA_LEFT),
        "toc": ParagraphStyle("toc", parent=body, fontSize=12, leading=26, alignment=TA_LEFT),
    }


def _markup(text: str) -> str:
    """Escape user text for reportlab's paragraph markup."""
    return escape(text).replace("\n", "<br/>")


def _pdf_table(rows: Sequence[Sequence[str]], widths: Sequence[float], *, header: bool) -> Flowable:
    cell = _pdf_styles()["cell"]
    data = [[Paragraph(_markup(value), cell) for value in values] for values in rows]
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (0 if not header else -1, 0 if header else -1), "#eeeeee"),
    ]
    return Table(
        data,
        colWidths=[CONTENT_WIDTH_CM * f * cm for f in widths],
        style=TableStyle(style),
        repeatRows=1 if header else 0,
        spaceBefore=4,
        spaceAfter=6,
    )


def _flowables(blocks: Iterable[Block]) -> list[Flowable]:
    styles = _pdf_styles()
    story: list[Flowable] = []
    for block in blocks:
        match block:
            case Title(text):
                story.append(Paragraph(_markup(text), styles["title"]))
            case Heading(text):
                heading = Paragraph(_markup(text), styles["heading"])
                heading.keepWithNext = True
                story.append(heading)
            case Para(text, align, indent):
                style = styles["indent" if indent and align == "justify" else align]
                story += [Paragraph(_markup(line), style) for line in text.split("\n")]
            case Fields(rows):
                story.append(_pdf_table(rows, (0.25, 0.75), header=False))
            case Grid(headers, rows, widths):
                even = tuple(1 / len(headers) for _ in headers)
                story.append(_pdf_table((headers, *rows), widths or even, header=True))
            case Signatures(lines, seal, on):
                story.append(Spacer(1, 6))
                for line in lines:
                    story.append(Paragraph(_markup(f"{line}：{SIGN_HERE}"), styles["left"]))
                    story.append(Spacer(1, 8))
                story += [Paragraph(_markup(t), styles["right"]) for t in (seal, on) if t]
            case Break():
                story.append(PageBreak())
    return story


class _SectionMark(Paragraph):
    """The small running label that opens a case-file section and makes its TOC entry."""

    def __init__(self, text: str, key: str) -> None:
        super().__init__(_markup(f"人民调解卷宗 · {text}"), _pdf_styles()["section"])
        self.toc_text, self.toc_key = text, key


class _PageTotal(Flowable):
    """The line "本卷共 M 页"; the canvas writes it here once every page is laid out."""

    def __init__(self) -> None:
        super().__init__()
        self.style = _pdf_styles()["left"]

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return avail_width, self.style.leading

    def draw(self) -> None:
        x, y = self.canv.absolutePosition(0, self.style.leading - self.style.fontSize)
        self.canv.total_marks.append((self.canv.getPageNumber(), x, y))


class _NumberedCanvas(Canvas):
    """Hold every page until the end, then number them "第 N 页 共 M 页" (not the cover)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.saved_pages: list[dict[str, Any]] = []
        self.total_marks: list[tuple[int, float, float]] = []

    def showPage(self) -> None:
        self.saved_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self.saved_pages)
        marks = list(self.total_marks)
        for state in self.saved_pages:
            self.__dict__.update(state)
            page = self.getPageNumber()
            self.setFont(PDF_FONT, 9)
            if page > 1:
                self.drawCentredString(A4[0] / 2, 1.3 * cm, f"第 {page} 页　共 {total} 页")
            self.setFont(PDF_FONT, 11)
            for mark_page, x, y in marks:
                if mark_page == page:
                    self.drawString(x, y, f"本卷共 {total} 页（含封面、目录、封底）")
            super().showPage()
        super().save()


class _CaseFileTemplate(BaseDocTemplate):
    """A4 pages; each section mark becomes a TOC entry and a PDF bookmark."""

    def __init__(self, buffer: io.BytesIO, *, title: str, author: str) -> None:
        margin = MARGIN_CM * cm
        super().__init__(
            buffer,
            pagesize=A4,
            leftMargin=margin,
            rightMargin=margin,
            topMargin=margin,
            bottomMargin=margin,
            title=title,
            author=author,
            creator="sifasuo",
        )
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate(id="page", frames=[frame])])

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, _SectionMark):
            self.canv.bookmarkPage(flowable.toc_key)
            self.canv.addOutlineEntry(flowable.toc_text, flowable.toc_key, level=0)
            self.notify("TOCEntry", (0, flowable.toc_text, self.page, flowable.toc_key))


def _joined(documents: Sequence[list[Block]]) -> list[Block]:
    """Several documents of one section, each on its own page; "无" if there are none."""
    if not documents:
        return [Para(NONE, indent=False)]
    blocks: list[Block] = []
    for n, document in enumerate(documents):
        blocks += ([Break()] if n else []) + document
    return blocks


def _outcome_blocks(case: MediationCase) -> list[Block]:
    if case.outcome == Outcome.WRITTEN:
        return _agreement_blocks(case)
    if case.outcome == Outcome.ORAL:
        return _oral_agreement_blocks(case)
    if case.outcome == Outcome.FAILED:
        return _termination_blocks(case)
    return []


def _confirmation_section(case: MediationCase) -> list[Block]:
    if not case.confirmation_applied_on:
        if case.confirmation_due:
            return [
                Para(NONE, indent=False),
                Para(f"（当事人未申请司法确认；申请期限至{_date(case.confirmation_due)}。）"),
            ]
        return []
    return [
        *_confirmation_blocks(case),
        Heading("司法确认情况"),
        Fields(
            (
                ("申请日期", _date(case.confirmation_applied_on)),
                ("受理法院", case.confirmation_court or "—"),
                ("确认结果", case.get_confirmation_result_display() or "—"),
            )
        ),
    ]


def _archive_blocks(case: MediationCase, records: Sequence[CaseRecord], visits: int) -> list[Block]:
    def count(kind: str) -> int:
        return sum(1 for r in records if r.kind == kind)

    return [
        Title("卷宗情况说明"),
        Fields(
            (
                ("案号", case.number),
                ("案件状态", case.get_status_display()),
                ("调解结果", case.get_outcome_display() or "—"),
                ("协议履行情况", case.get_performance_display() or "—"),
                ("受理日期", _date(case.accepted_on, "—")),
                ("调结日期", _date(case.concluded_on, "—")),
                ("结案归档日期", _date(case.closed_on, "—")),
                ("卷宗说明", _or_none(case.archive_note)),
            )
        ),
        Para(
            f"本卷收录调查记录 {count(RecordKind.INVESTIGATION)} 份、取证材料 "
            f"{count(RecordKind.EVIDENCE)} 份、调解记录 {count(RecordKind.SESSION)} 份、"
            f"回访记录 {visits} 份。"
        ),
    ]


def _back_cover_blocks(case: MediationCase) -> list[Block]:
    return [
        Title("封底"),
        Fields(
            (
                ("立卷单位", case.unit.name),
                ("案号", case.number),
                ("立卷人", ""),
                ("检查人", ""),
                ("立卷日期", _date(case.closed_on)),
            )
        ),
    ]


def _cover(case: MediationCase) -> list[Flowable]:
    styles = _pdf_styles()
    return [
        Spacer(1, 3 * cm),
        Paragraph("人民调解卷宗", styles["cover"]),
        Spacer(1, 2 * cm),
        *_flowables(
            [
                Fields(
                    (
                        ("人民调解委员会", case.unit.name),
                        ("案号", case.number),
                        ("当事人", _party_names(case)),
                        ("纠纷类别", case.category.name),
                        ("受理日期", _date(case.accepted_on, "—")),
                        ("结案日期", _date(case.closed_on, "—")),
                    )
                )
            ]
        ),
    ]


def _case_file_sections(case: MediationCase) -> list[list[Block]]:
    """The blocks of each section of ``CASE_FILE_SECTIONS``, in that order."""
    records = list(case.records.order_by("held_on", "pk"))
    visits = list(case.visits.order_by("visited_on", "pk"))

    def of_kind(kind: str) -> list[list[Block]]:
        return [_record_blocks(r) for r in records if r.kind == kind]

    return [
        _intake_blocks(case),
        _joined(of_kind(RecordKind.INVESTIGATION)),
        _joined(of_kind(RecordKind.EVIDENCE)),
        _joined(of_kind(RecordKind.SESSION)),
        _joined([_outcome_blocks(case)] if case.outcome else []),
        _joined([_visit_blocks(v) for v in visits]),
        _confirmation_section(case) or _joined([]),
        _archive_blocks(case, records, len(visits)),
        _back_cover_blocks(case),
    ]


@_in_chinese
def case_file_pdf(case: MediationCase) -> bytes:
    """Return the whole 卷宗 as one A4 PDF: cover, contents with page numbers, sections."""
    styles = _pdf_styles()
    contents = TableOfContents(levelStyles=[styles["toc"]], dotsMinLevel=0)
    story: list[Flowable] = [*_cover(case), PageBreak()]
    story += [Paragraph("目　录", styles["title"]), Spacer(1, 12), contents]
    sections = _case_file_sections(case)
    for n, (name, blocks) in enumerate(zip(CASE_FILE_SECTIONS, sections, strict=True)):
        heading = f"{CHINESE_NUMERALS[n]}、{name}"
        story += [PageBreak(), _SectionMark(heading, f"section-{n + 1}"), *_flowables(blocks)]
    story.append(_PageTotal())
    buffer = io.BytesIO()
    template = _CaseFileTemplate(buffer, title=f"人民调解卷宗 {case.number}", author=case.unit.name)
    template.multiBuild(story, canvasmaker=_NumberedCanvas)
    return buffer.getvalue()
