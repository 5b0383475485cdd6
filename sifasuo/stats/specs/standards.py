"""Standardisation (六好司法所): the league table in figures, failing checks, rectification.

What offices send upward at the end of a campaign: how many offices were assessed and where
their assessments stand, the average score and how many reach each grade band, the
indicators failed most often, the rectifications still open or overdue, and the
demonstration units of the year (``sifasuo/standards/measures.py``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from sifasuo.stats.specs.base import Breakdown, Rate, ReportSpec

SPEC = ReportSpec(
    module="standards",
    title=gettext_lazy("Standardisation"),
    figures={
        "assessments": "standards.assessments",
        "submitted": "standards.assessments_submitted",
        "accepted": "standards.assessments_accepted",
        "returned": "standards.assessments_returned",
        "assessments_overdue": "standards.assessments_overdue",
        "score_total": "standards.score_total",
        "meeting_standard": "standards.meeting_standard",
        "top_grade": "standards.top_grade",
        "failed_items": "standards.failed_items",
        "rectifications_opened": "standards.rectifications_opened",
        "rectifications_verified": "standards.rectifications_verified",
        "rectifications_open": "standards.rectifications_open",
        "rectifications_overdue": "standards.rectifications_overdue",
        "demonstration_units": "standards.demonstration_units",
    },
    rates={
        "submission_rate": Rate("submitted", "assessments", gettext_lazy("Submission rate")),
        "average_score": Rate("score_total", "submitted", gettext_lazy("Average submitted score")),
        "standard_rate": Rate(
            "meeting_standard", "submitted", gettext_lazy("Share reaching the standard")
        ),
    },
    records_url_name="stats:records",
    breakdown_figure="failed_items",
    breakdowns={
        "by_indicator": Breakdown(
            "indicator", gettext_lazy("Indicators failed most"), gettext_lazy("Indicator")
        ),
        "by_dimension": Breakdown(
            "dimension", gettext_lazy("Failed indicators by dimension"), gettext_lazy("Dimension")
        ),
        "by_rule": Breakdown(
            "rule", gettext_lazy("Failed indicators by rule"), gettext_lazy("Rule")
        ),
    },
    comparison_figure="meeting_standard",
    cards=(
        "assessments",
        "submitted",
        "average_score",
        "meeting_standard",
        "top_grade",
        "failed_items",
        "rectifications_open",
        "rectifications_overdue",
        "demonstration_units",
    ),
)
