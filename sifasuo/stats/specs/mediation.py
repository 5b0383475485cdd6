"""People's mediation: the report offices send upward (cases by category, source, outcome)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from sifasuo.stats.specs.base import Breakdown, Rate, ReportSpec

SPEC = ReportSpec(
    module="mediation",
    title=gettext_lazy("People's mediation"),
    figures={
        "received": "mediation.received",
        "total": "mediation.accepted",
        "succeeded": "mediation.succeeded",
        "failed": "mediation.failed",
        "refused": "mediation.refused",
        "on_time": "mediation.on_time",
        "overdue": "mediation.overdue",
        "agreement_amount": "mediation.agreement_amount",
    },
    rates={
        "success_rate": Rate("succeeded", "total", gettext_lazy("Success rate")),
    },
    records_url_name="mediation:case_list",
    breakdown_figure="total",
    breakdowns={
        "by_category": Breakdown(
            "category", gettext_lazy("By dispute category"), gettext_lazy("Dispute category")
        ),
        "by_source": Breakdown("source", gettext_lazy("By source"), gettext_lazy("Source")),
        "by_outcome": Breakdown("outcome", gettext_lazy("By outcome"), gettext_lazy("Outcome")),
        "by_committee_type": Breakdown(
            "committee_type",
            gettext_lazy("By committee type"),
            gettext_lazy("Committee type"),
        ),
    },
    comparison_figure="total",
    cards=(
        "received",
        "total",
        "succeeded",
        "success_rate",
        "agreement_amount",
        "on_time",
        "overdue",
        "refused",
        "failed",
    ),
)
