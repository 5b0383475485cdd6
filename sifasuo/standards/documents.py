"""The assessment of an office as an A4 PDF for signing (六好司法所评价表).

ReportLab with its built-in CID font ``STSong-Light`` (no font file to ship). A submitted
assessment prints the results frozen on submission; a draft prints the live results and
says so.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from django.utils import translation
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from sifasuo.standards.choices import AssessmentStep
from sifasuo.standards.selectors import AssessmentOverview

PDF_FONT = "STSong-Light"
MARGIN = 2 * cm
CONTENT_WIDTH = A4[0] - 2 * MARGIN
SIGN_HERE = "＿＿＿＿＿＿＿＿＿＿"


@functools.cache
def _styles() -> dict[str, ParagraphStyle]:
    pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    body = ParagraphStyle(
        "body", fontName=PDF_FONT, fontSize=10.5, leading=16, alignment=TA_LEFT, wordWrap="CJK"
    )
    return {
        "body": body,
        "title": ParagraphStyle(
            "title", parent=body, fontSize=17, leading=26, alignment=TA_CENTER, spaceAfter=6
        ),
        "subtitle": ParagraphStyle("subtitle", parent=body, alignment=TA_CENTER, spaceAfter=8),
        "heading": ParagraphStyle(
            "heading", parent=body, fontSize=12.5, leading=19, spaceBefore=8, spaceAfter=3
        ),
        "cell": ParagraphStyle("cell", parent=body, fontSize=9, leading=13),
        "right": ParagraphStyle("right", parent=body, alignment=TA_RIGHT),
        "note": ParagraphStyle("note", parent=body, fontSize=9, textColor="#555555"),
    }


def _p(text: Any, style: str = "body") -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), _styles()[style])


def _table(rows: Sequence[Sequence[Any]], widths: Sequence[float], *, header: bool) -> Table:
    data = [[_p(value, "cell") for value in row] for row in rows]
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), "#eeeeee"))
    else:
        style.append(("BACKGROUND", (0, 0), (0, -1), "#eeeeee"))
    return Table(
        data,
        colWidths=[CONTENT_WIDTH * w for w in widths],
        style=TableStyle(style),
        repeatRows=1 if header else 0,
        spaceBefore=3,
        spaceAfter=6,
    )


def _day(value: date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else "—"


def _points(value: Any) -> str:
    return "—" if value is None else f"{value}"


def _result(passed: bool | None, assessed: bool = True) -> str:
    if not assessed:
        return "未评"
    if passed is None:
        return "—"
    return "达到" if passed else "未达到"


def _story(overview: AssessmentOverview) -> list[Flowable]:
    assessment = overview.assessment
    campaign = assessment.campaign
    frozen = assessment.is_frozen
    card = overview.card
    story: list[Flowable] = [
        _p(f"{campaign.year}年度“六好司法所”建设评价表", "title"),
        _p(campaign.framework.name, "subtitle"),
        _table(
            [
                ("司法所", assessment.unit.name),
                (
                    "所属区县（开发区）司法局",
                    assessment.unit.parent.name if assessment.unit.parent else "—",
                ),
                (
                    "评价活动",
                    f"{campaign.name}{'（' + campaign.batch + '）' if campaign.batch else ''}",
                ),
                ("状态", assessment.get_status_display()),
                ("自评提交日期", _day(assessment.submitted_on)),
                ("区县审核日期", _day(assessment.district_decided_on)),
                ("市局验收日期", _day(assessment.city_decided_on)),
            ],
            (0.3, 0.7),
            header=False,
        ),
    ]
    if not frozen:
        story.append(_p("自评尚未提交：下列自动指标结果为按当前年度填报实时计算的结果。", "note"))
    total = assessment.submitted_score if frozen else card.total
    grade = card.table.grade(total) if total is not None else None
    story.append(
        _p(
            f"总分：{_points(total)} 分（满分 {card.table.total_points} 分）；"
            f"等次：{grade.name if grade else '未达标'}；"
            f"九项自动检查通过 "
            f"{assessment.submitted_checks_passed if frozen else card.checks_passed}/9 项。",
            "heading",
        )
    )
    for dimension, live_score, frozen_score, rows in overview.dimensions:
        shown = frozen_score if frozen else live_score
        story.append(
            _p(f"{dimension.name}（{dimension.points} 分，得 {_points(shown)} 分）", "heading")
        )
        table_rows: list[Sequence[Any]] = [
            ("编号", "评价内容", "分值", "评价方法", "结果与说明", "得分")
        ]
        for row in rows:
            indicator = row.item.indicator
            if frozen:
                outcome = _result(row.item.frozen_passed)
                why = row.item.frozen_explanation
                points = row.item.frozen_score
            else:
                outcome = _result(row.live.passed, row.live.assessed)
                why = row.live.explanation
                points = row.live.score
            table_rows.append(
                (
                    indicator.code,
                    indicator.content,
                    indicator.points,
                    f"{indicator.get_evidence_method_display()}\n{indicator.get_scoring_method_display()}",
                    f"{outcome}：{why}",
                    _points(points),
                )
            )
        story.append(_table(table_rows, (0.14, 0.3, 0.07, 0.14, 0.27, 0.08), header=True))
    comments = [e for e in overview.events if e.comment]
    if comments:
        story.append(_p("审核意见", "heading"))
        story.append(
            _table(
                [("日期", "环节", "意见")]
                + [(_day(e.created_at.date()), e.get_step_display(), e.comment) for e in comments],
                (0.2, 0.25, 0.55),
                header=True,
            )
        )
    if overview.rectifications:
        story.append(_p("整改事项", "heading"))
        story.append(
            _table(
                [("指标", "问题", "整改措施", "责任人", "期限", "状态")]
                + [
                    (
                        r.indicator.code,
                        r.problem,
                        r.measure or "—",
                        r.owner or "—",
                        _day(r.due_on),
                        r.get_status_display(),
                    )
                    for r in overview.rectifications
                ],
                (0.14, 0.3, 0.22, 0.1, 0.12, 0.12),
                header=True,
            )
        )
    story += [Spacer(1, 12), *_signatures(overview)]
    return story


def _signatures(overview: AssessmentOverview) -> list[Flowable]:
    steps = {e.step: e for e in overview.events}
    blocks = [
        ("司法所所长（签字）", steps.get(AssessmentStep.SUBMIT)),
        ("区县（开发区）司法局审核意见（盖章）", steps.get(AssessmentStep.DISTRICT_ACCEPT)),
        ("市司法局验收意见（盖章）", steps.get(AssessmentStep.CITY_ACCEPT)),
    ]
    result: list[Flowable] = []
    for label, event in blocks:
        result.append(_p(f"{label}：{SIGN_HERE}"))
        when = _day(event.created_at.date()) if event else "　　　　年　　月　　日"
        result += [_p(when, "right"), Spacer(1, 10)]
    return result


def assessment_pdf(overview: AssessmentOverview) -> bytes:
    """Return the assessment as an A4 PDF with signature lines."""
    assessment = overview.assessment
    with translation.override("zh-hans"):
        buffer = io.BytesIO()
        document = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN,
            title=f"{assessment.unit.name} {assessment.campaign.year}年度六好司法所评价表",
            author=assessment.unit.name,
            creator="sifasuo",
        )
        document.build(_story(overview))
        return buffer.getvalue()


def pdf_filename(overview: AssessmentOverview) -> str:
    assessment = overview.assessment
    return f"{assessment.unit.name}-{assessment.campaign.year}年度六好司法所评价表.pdf"
