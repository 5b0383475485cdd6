"""Rule-of-law work: legality review, enforcement supervision, opinions, jurors, three rules.

The figures of the rule-of-law returns: legality reviews by type, conclusion and status,
on time or overdue; enforcement supervision and the rectifications it asked for;
legislative opinions collected and adopted; juror candidates drawn and selected; inquiries
and interference recorded under the three rules (``sifasuo/governance/measures.py``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from sifasuo.stats.specs.base import Breakdown, Rate, ReportSpec

SPEC = ReportSpec(
    module="governance",
    title=gettext_lazy("Rule-of-law work"),
    figures={
        "reviews": "governance.reviews",
        "reviews_issued": "governance.reviews_issued",
        "reviews_on_time": "governance.reviews_on_time",
        "reviews_open": "governance.reviews_open",
        "reviews_overdue": "governance.reviews_overdue",
        "supervision_activities": "governance.supervision_activities",
        "supervision_findings": "governance.supervision_findings",
        "rectifications_requested": "governance.supervision_rectifications",
        "rectifications_completed": "governance.supervision_rectified",
        "rectifications_overdue": "governance.supervision_rectifications_overdue",
        "opinions": "governance.opinions",
        "opinions_adopted": "governance.opinions_adopted",
        "juror_candidates": "governance.juror_candidates",
        "jurors_selected": "governance.jurors_selected",
        "interference_records": "governance.interference_records",
    },
    rates={
        "on_time_rate": Rate(
            "reviews_on_time", "reviews_issued", gettext_lazy("Opinions issued on time")
        ),
        "adoption_rate": Rate("opinions_adopted", "opinions", gettext_lazy("Opinions adopted")),
        "rectification_rate": Rate(
            "rectifications_completed",
            "rectifications_requested",
            gettext_lazy("Share of requested rectifications completed"),
        ),
    },
    records_url_name="stats:records",
    breakdown_figure="reviews",
    breakdowns={
        "by_type": Breakdown(
            "matter_type", gettext_lazy("Reviews by type of matter"), gettext_lazy("Type")
        ),
        "by_conclusion": Breakdown(
            "conclusion", gettext_lazy("Reviews by conclusion"), gettext_lazy("Conclusion")
        ),
        "by_status": Breakdown("status", gettext_lazy("Reviews by status"), gettext_lazy("Status")),
    },
    comparison_figure="reviews",
    cards=(
        "reviews",
        "on_time_rate",
        "reviews_overdue",
        "supervision_activities",
        "supervision_findings",
        "rectifications_overdue",
        "opinions",
        "adoption_rate",
        "juror_candidates",
        "interference_records",
    ),
)
