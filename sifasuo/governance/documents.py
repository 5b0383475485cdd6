"""Word documents of the rule-of-law ledgers: the review opinion and the opinion summary.

Official Chinese documents whatever the reader's language, so they are built with Chinese
active. A4, 宋体 text, 黑体 titles (GB/T 9704 habits), as the mediation forms are. The
summary of opinions (意见汇总表) names no citizen: an online comment is “网民”.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.utils import timezone, translation
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from sifasuo.governance.choices import (
    Adoption,
    CheckResult,
    Conclusion,
    MatterType,
    OpinionSource,
)
from sifasuo.governance.models import Draft, LegalityReview, Opinion

SONG, HEI, LATIN = "宋体", "黑体", "Times New Roman"

# The documents' own wording (terms of the forms, not labels of the interface).
MATTER_WORDS: dict[str, str] = {
    MatterType.NORMATIVE: "行政规范性文件",
    MatterType.MAJOR_DECISION: "重大行政决策",
    MatterType.MAJOR_ENFORCEMENT: "重大行政执法决定",
    MatterType.CONTRACT: "行政机关合同",
    MatterType.VILLAGE_RULES: "村规民约",
    MatterType.OTHER: "其他事项",
}
CONCLUSION_WORDS: dict[str, str] = {
    Conclusion.LAWFUL: "合法",
    Conclusion.LAWFUL_AFTER_CHANGES: "修改后合法",
    Conclusion.UNLAWFUL: "不合法",
    Conclusion.PROCEDURE: "程序不完备，补正程序后再行审查",
}
CHECK_WORDS: dict[str, str] = {
    CheckResult.PASS: "符合",
    CheckResult.FAIL: "不符合",
    CheckResult.NA: "不适用",
}
ADOPTION_WORDS: dict[str, str] = {
    Adoption.ADOPTED: "采纳",
    Adoption.PARTLY: "部分采纳",
    Adoption.NOT_ADOPTED: "不予采纳",
}
TITLE_PT, HEADING_PT, BODY_PT, TABLE_PT = 18, 13, 12, 10.5
MARGIN_CM = 2.5


def _date(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "　　　　年　　月　　日"


def _fonts(element: Any, east_asia: str) -> None:
    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), LATIN)
    fonts.set(qn("w:eastAsia"), east_asia)


class _Doc:
    """A small writer over python-docx: titles, paragraphs, tables, signature lines."""

    def __init__(self, title: str, author: str, *, landscape: bool = False) -> None:
        self.document = Document()
        section = self.document.sections[0]
        width, height = Cm(21.0), Cm(29.7)
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            width, height = height, width
        section.page_width, section.page_height = width, height
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(MARGIN_CM))
        self.text_width_cm = (29.7 if landscape else 21.0) - 2 * MARGIN_CM
        normal = self.document.styles["Normal"]
        normal.font.size = Pt(BODY_PT)
        _fonts(normal.element, SONG)
        language = OxmlElement("w:lang")
        language.set(qn("w:val"), "en-US")
        language.set(qn("w:eastAsia"), "zh-CN")
        normal.element.get_or_add_rPr().append(language)
        properties = self.document.core_properties
        properties.title, properties.author, properties.last_modified_by = title, author, author

    def para(
        self,
        text: str,
        *,
        align: str = "justify",
        font: str = SONG,
        size: float = BODY_PT,
        bold: bool = False,
        indent: bool = False,
        space_before: float = 0,
    ) -> None:
        alignment = {
            "left": WD_ALIGN_PARAGRAPH.LEFT,
            "center": WD_ALIGN_PARAGRAPH.CENTER,
            "right": WD_ALIGN_PARAGRAPH.RIGHT,
            "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
        }[align]
        for line in (text or "").split("\n"):
            paragraph = self.document.add_paragraph()
            paragraph.alignment = alignment
            fmt = paragraph.paragraph_format
            fmt.line_spacing = 1.5
            fmt.space_before, fmt.space_after = Pt(space_before), Pt(0)
            if indent:
                fmt.first_line_indent = Pt(2 * size)
            run = paragraph.add_run(line)
            run.font.size = Pt(size)
            run.bold = bold
            _fonts(run.element, font)

    def title(self, text: str) -> None:
        self.para(text, align="center", font=HEI, size=TITLE_PT)

    def heading(self, text: str) -> None:
        self.para(text, font=HEI, size=HEADING_PT, space_before=6)

    def table(
        self, rows: Sequence[Sequence[str]], widths: Sequence[float], *, header: bool
    ) -> None:
        table = self.document.add_table(rows=len(rows), cols=len(widths))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for column, fraction in zip(table.columns, widths, strict=True):
            column.width = Cm(self.text_width_cm * fraction)
            for cell in column.cells:
                cell.width = Cm(self.text_width_cm * fraction)
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                cell = table.cell(r, c)
                for n, line in enumerate(str(value).split("\n")):
                    paragraph = cell.paragraphs[0] if n == 0 else cell.add_paragraph()
                    run = paragraph.add_run(line)
                    run.font.size = Pt(TABLE_PT)
                    run.bold = (r == 0) if header else c == 0
                    _fonts(run.element, SONG)

    def content(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


def _safe(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "-", text).strip("-")[:60] or "document"


# The review opinion (合法性审查意见书) -----------------------------------------------------


def review_opinion(review: LegalityReview) -> bytes:
    """The legality-review opinion: the matter, the checklist, the conclusion, the changes."""
    with translation.override("zh-hans"):
        doc = _Doc(f"合法性审查意见书 {review.number}", review.unit.name)
        doc.title("合法性审查意见书")
        doc.para(f"编号：{review.number}", align="right")
        doc.para(f"{review.submitting_body}：", indent=False)
        doc.para(
            f"你单位于{_date(review.received_on)}送审的《{review.title}》"
            f"（{MATTER_WORDS.get(review.matter_type, '')}）收悉。经审查，现提出如下意见：",
            indent=True,
        )
        doc.heading("一、审查要点")
        rows: list[tuple[str, str, str]] = [("审查事项", "审查结果", "说明")]
        for check in review.checks.select_related("item").order_by("item__sort_order"):
            rows.append((check.item.name, CHECK_WORDS.get(check.result, ""), check.note or "—"))
        doc.table(rows, (0.25, 0.15, 0.6), header=True)
        doc.heading("二、审查结论")
        doc.para(f"审查结论：{CONCLUSION_WORDS.get(review.conclusion, '')}。", indent=True)
        doc.para(review.opinion_text, indent=True)
        changes = list(review.changes.order_by("position"))
        if changes:
            doc.heading("三、逐条修改意见")
            change_rows = [("序号", "条款", "存在问题", "修改意见")]
            change_rows += [(str(c.position), c.clause, c.problem, c.suggestion) for c in changes]
            doc.table(change_rows, (0.08, 0.14, 0.39, 0.39), header=True)
        doc.para(
            "本意见仅就送审稿的合法性提出，供你单位决策参考。请将采纳情况及时反馈本所。",
            indent=True,
            space_before=6,
        )
        reviewer = str(review.reviewer) if review.reviewer else ""
        doc.para(f"审查人：{reviewer or '＿＿＿＿＿＿'}", space_before=12)
        doc.para(f"{review.unit.name}（印章）", align="right", space_before=12)
        doc.para(_date(review.opinion_issued_on), align="right")
        return doc.content()


def review_filename(review: LegalityReview) -> str:
    return f"合法性审查意见书-{_safe(review.number)}.docx"


# The summary of opinions (意见汇总表) -----------------------------------------------------

SUMMARY_HEADERS = ("序号", "条款", "意见内容", "来源", "人数", "采纳情况", "理由")


def _origin(opinion: Opinion) -> str:
    if opinion.source == OpinionSource.ONLINE:
        return "网民（线上）"
    where = f"：{opinion.meeting}" if opinion.meeting else ""
    return f"{opinion.unit.name}{where}"


def summary_rows(opinions: Sequence[Opinion]) -> tuple[list[str], list[list[Any]]]:
    """The summary's header and rows: no citizen is named, an office is."""
    with translation.override("zh-hans"):
        rows = [
            [
                n,
                o.clause.heading if o.clause else "总体意见",
                o.text,
                _origin(o),
                o.people_count,
                ADOPTION_WORDS.get(o.adoption, "未答复"),
                o.answer_reason,
            ]
            for n, o in enumerate(opinions, start=1)
        ]
    return list(SUMMARY_HEADERS), rows


def opinion_summary(draft: Draft, opinions: Sequence[Opinion]) -> bytes:
    """The summary table of the opinions on a draft, with the answers (landscape A4)."""
    _, rows = summary_rows(opinions)
    with translation.override("zh-hans"):
        doc = _Doc(f"《{draft.title}》意见汇总表", draft.unit.name, landscape=True)
        doc.title(f"《{draft.title}》意见汇总表")
        people = sum(o.people_count for o in opinions)
        answered = sum(1 for o in opinions if o.adoption)
        doc.para(
            f"征求意见期间：{_date(draft.opens_on)}至{_date(draft.closes_on)}；"
            f"起草单位：{draft.issuing_body}；共收到意见{len(opinions)}条（涉及{people}人），"
            f"已答复{answered}条。",
            indent=True,
        )
        table_rows = [list(SUMMARY_HEADERS)] + [[str(v) for v in row] for row in rows]
        doc.table(table_rows, (0.05, 0.08, 0.35, 0.16, 0.06, 0.1, 0.2), header=True)
        doc.para(f"{draft.unit.name}", align="right", space_before=12)
        doc.para(_date(timezone.localdate()), align="right")
        return doc.content()


def summary_filename(draft: Draft, extension: str) -> str:
    return f"意见汇总表-{_safe(draft.title)}.{extension}"
