"""Resettlement (刑满释放人员安置帮教): files on record, releases, hand-overs, placement, visits.

``on_file``, ``key_persons``, ``placed``, ``assisted``, ``lost_contact`` and
``visitation_coverage`` are "now" figures (the files as they stand); the others count the
events of the period by their date. The hand-over rate (衔接率) is hand-overs made over
hand-overs due (both by release date); placement and assistance rates are over the files.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from sifasuo.stats.specs.base import Breakdown, Rate, ReportSpec

SPEC = ReportSpec(
    module="resettlement",
    title=gettext_lazy("Resettlement of released persons"),
    figures={
        "on_file": "resettlement.on_file",
        "key_persons": "resettlement.key_persons",
        "placed": "resettlement.placed",
        "assisted": "resettlement.assisted",
        "lost_contact": "resettlement.lost_contact",
        "released": "resettlement.released",
        "handover_due": "resettlement.handover_due",
        "handed_over": "resettlement.handed_over",
        "placements": "resettlement.placements",
        "assistance_visits": "resettlement.assistance_visits",
        "reoffended": "resettlement.reoffended",
        "visitations": "resettlement.visitations",
        "visitation_coverage": "resettlement.visitation_coverage",
    },
    rates={
        "handover_rate": Rate("handed_over", "handover_due", gettext_lazy("Hand-over rate")),
        "placement_rate": Rate("placed", "on_file", gettext_lazy("Placement rate")),
        "assistance_rate": Rate("assisted", "on_file", gettext_lazy("Assistance rate")),
    },
    records_url_name="stats:records",
    breakdown_figure="released",
    breakdowns={
        "by_release_type": Breakdown(
            "release_type",
            gettext_lazy("Released persons by release type"),
            gettext_lazy("Release type"),
        ),
        "by_status": Breakdown(
            "status", gettext_lazy("Released persons by status"), gettext_lazy("Status")
        ),
        "by_risk_level": Breakdown(
            "risk_level",
            gettext_lazy("Released persons by risk level"),
            gettext_lazy("Risk level"),
        ),
    },
    comparison_figure="on_file",
    cards=(
        "on_file",
        "released",
        "handover_rate",
        "placement_rate",
        "assistance_rate",
        "key_persons",
        "lost_contact",
        "reoffended",
        "visitations",
    ),
)
