"""Legal publicity and rule-of-law villages: activities, 法律明白人, advisers, 示范村.

The figures the publicity returns carry upward: activities by the "eight into" target, the
laws and the form, the people reached, 法律明白人 serving and the villages that have enough,
demonstration households and villages, and the work of village and town legal advisers
(``sifasuo/publicity/measures.py``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from sifasuo.stats.specs.base import Breakdown, Rate, ReportSpec

SPEC = ReportSpec(
    module="publicity",
    title=gettext_lazy("Legal publicity and rule-of-law villages"),
    figures={
        "activities": "publicity.activities",
        "participants": "publicity.participants",
        "materials": "publicity.materials",
        "legal_literates": "publicity.legal_literates",
        "literates_appointed": "publicity.literates_appointed",
        "literate_trainings": "publicity.literate_trainings",
        "villages_served": "publicity.villages_served",
        "villages_at_target": "publicity.villages_at_target",
        "demonstration_households": "publicity.demonstration_households",
        "demonstration_villages": "publicity.demonstration_villages",
        "villages_named": "publicity.villages_named",
        "village_reviews_overdue": "publicity.village_reviews_overdue",
        "advisers": "publicity.advisers_current",
        "adviser_services": "publicity.adviser_services",
        "advisers_meeting_norms": "publicity.adviser_norms_met",
        "town_advisers": "publicity.town_advisers_current",
        "town_adviser_matters": "publicity.town_adviser_matters",
    },
    rates={
        "literate_coverage": Rate(
            "villages_at_target",
            "villages_served",
            gettext_lazy("Villages with enough legal-literate villagers"),
        ),
    },
    records_url_name="stats:records",
    breakdown_figure="activities",
    breakdowns={
        "by_target": Breakdown(
            "target", gettext_lazy('By "eight into" target'), gettext_lazy("Target")
        ),
        "by_law": Breakdown("law", gettext_lazy("By law covered"), gettext_lazy("Law")),
        "by_form": Breakdown("form", gettext_lazy("By form"), gettext_lazy("Form")),
    },
    comparison_figure="activities",
    cards=(
        "activities",
        "participants",
        "legal_literates",
        "literate_coverage",
        "demonstration_villages",
        "advisers",
        "adviser_services",
        "advisers_meeting_norms",
        "village_reviews_overdue",
    ),
)
