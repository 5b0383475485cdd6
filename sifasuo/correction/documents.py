"""The Word certificate of release from community correction (解除社区矫正证明书).

Built with python-docx, A4, as the mediation documents are. The certificate names the
person, the decision and the period; it carries no criminal history (that stays behind the
reveal control), and every download is audited as ``print``.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from sifasuo.correction.models import CorrectionSubject

SONG, HEI = "宋体", "黑体"


def _paragraph(
    document: Any,
    text: str,
    *,
    size: float = 14,
    font: str = SONG,
    align: Any = WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent: bool = False,
) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.line_spacing = 1.5
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(2 * size)
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    fonts = run.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), font)


def _date(day: Any) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def release_certificate(subject: CorrectionSubject) -> bytes:
    """Return the 解除社区矫正证明书 of a subject released at the end of the period."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.5))
    agency = subject.entrusting_agency.name
    document.core_properties.title = f"解除社区矫正证明书 {subject.certificate_number}"
    document.core_properties.author = agency
    person = subject.person
    _paragraph(document, agency, size=16, font=HEI, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, "解除社区矫正证明书", size=22, font=HEI, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, subject.certificate_number, align=WD_ALIGN_PARAGRAPH.RIGHT)
    sex = person.get_sex_display()
    born = f"{person.birth_year}年生" if person.birth_year else ""
    _paragraph(
        document,
        f"社区矫正对象{person.name}，{sex}，{born}。经{subject.decision_organ}"
        f"（{subject.decision_document}）决定，于{_date(subject.period_start)}起在"
        f"{subject.unit.name}接受社区矫正（{subject.get_category_display()}），"
        f"矫正期限至{_date(subject.period_end)}。",
        indent=True,
    )
    _paragraph(
        document,
        f"该社区矫正对象矫正期满，依照《中华人民共和国社区矫正法》的规定，"
        f"自{_date(subject.ended_on)}起解除社区矫正。",
        indent=True,
    )
    _paragraph(document, "特此证明。", indent=True)
    _paragraph(document, f"{agency}（公章）", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(document, _date(subject.ended_on), align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(
        document,
        "抄送：决定机关、人民检察院、公安机关；执行地司法所：" + subject.unit.name,
        size=10.5,
    )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
