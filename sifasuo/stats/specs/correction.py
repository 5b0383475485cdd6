"""Community correction (受委托社区矫正): the caseload, its flows and the lost-contact board.

``under_correction`` and ``lost_contact`` are "now" figures (no date: the caseload as it
stands today); the others count the events of the period. The comparison across the child
units is the lost-contact board: where subjects are out of contact beyond the grace.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from sifasuo.stats.specs.base import Breakdown, Rate, ReportSpec

SPEC = ReportSpec(
    module="correction",
    title=gettext_lazy("Community correction"),
    figures={
        "under_correction": "correction.subjects",
        "lost_contact": "correction.lost_contact",
        "received": "correction.received",
        "ended": "correction.ended",
        "revoked": "correction.revocations",
        "commendations": "correction.commendations",
        "admonitions": "correction.admonitions",
        "warnings": "correction.warnings",
        "revocation_proposals": "correction.revocation_proposals",
    },
    rates={
        "lost_contact_rate": Rate(
            "lost_contact", "under_correction", gettext_lazy("Lost-contact rate")
        ),
    },
    records_url_name="stats:records",
    breakdown_figure="received",
    breakdowns={
        "by_category": Breakdown(
            "category",
            gettext_lazy("Subjects received by category"),
            gettext_lazy("Correction category"),
        ),
        "by_class": Breakdown(
            "supervision_class",
            gettext_lazy("Subjects received by supervision class"),
            gettext_lazy("Supervision class"),
        ),
    },
    comparison_figure="lost_contact",
    cards=(
        "under_correction",
        "lost_contact",
        "lost_contact_rate",
        "received",
        "ended",
        "revoked",
        "warnings",
        "admonitions",
    ),
)
