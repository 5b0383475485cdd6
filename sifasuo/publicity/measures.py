"""The publicity figures, defined once (DESIGN "measures").

Activities and their reach count in the period they were held. 法律明白人, demonstration
households and demonstration villages are stocks: those standing now (the period is not
applied). Coverage is the share of villages served by the unit's offices that have at
least the target number of 法律明白人; adviser norms count the advisers that met the
on-site and lecture norms in every complete month of the period (by default the last
complete month).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sifasuo.core.measures import Measure, registry
from sifasuo.orgs.choices import DivisionLevel, UnitKind
from sifasuo.orgs.models import Division, Unit
from sifasuo.publicity import selectors
from sifasuo.publicity.choices import (
    NORM_LITERATES_PER_VILLAGE,
    HouseholdStatus,
    LiterateStatus,
    ReviewResult,
)
from sifasuo.publicity.models import (
    DemonstrationHousehold,
    DemonstrationVillage,
    LegalLiterate,
    PublicityActivity,
    VillageAdviser,
)
from sifasuo.publicity.services import norm

ACTIVITY_BREAKDOWNS = {"by_target": "target", "by_law": "laws__code", "by_form": "form"}


@dataclass(frozen=True)
class ComputedMeasure(Measure):
    """A figure whose records are chosen in Python (a norm met), or a percentage of them."""

    select: Callable[..., QuerySet[Any]] | None = None
    # A percentage: (records chosen, all records) -> the share, instead of the count.
    ratio_of: Callable[..., QuerySet[Any]] | None = None

    def queryset(
        self, user: Any, *, unit: Any = None, start: Any = None, end: Any = None
    ) -> QuerySet[Any]:
        if self.select is None:
            return super().queryset(user, unit=unit, start=start, end=end)
        return self.select(user, unit=unit, start=start, end=end)

    def value(self, user: Any, **kwargs: Any) -> Any:
        chosen = self.queryset(user, **kwargs).count()
        if self.ratio_of is None:
            return chosen
        total = self.ratio_of(user, **kwargs).count()
        if not total:
            return Decimal("0.0")
        return (Decimal(100 * chosen) / total).quantize(Decimal("0.1"), ROUND_HALF_UP)

    def breakdown(self, user: Any, name: str, **kwargs: Any) -> dict[str, int]:
        raise KeyError(name)


def _activities(user: Any) -> QuerySet[PublicityActivity]:
    return PublicityActivity.objects.visible_to(user)


def _literates(user: Any) -> QuerySet[LegalLiterate]:
    return LegalLiterate.objects.visible_to(user).filter(status=LiterateStatus.ACTIVE)


def _households(user: Any) -> QuerySet[DemonstrationHousehold]:
    return DemonstrationHousehold.objects.visible_to(user).filter(status=HouseholdStatus.ACTIVE)


def _titles(user: Any) -> QuerySet[DemonstrationVillage]:
    return DemonstrationVillage.objects.visible_to(user).exclude(
        review_result__in=[ReviewResult.REVOKED, ReviewResult.CANCELLED]
    )


def _offices(user: Any, unit: Any) -> QuerySet[Unit]:
    offices = Unit.objects.visible_to(user).filter(kind=UnitKind.OFFICE, is_active=True)
    if unit is not None:
        offices = offices.filter(path__startswith=unit.path)
    return offices.prefetch_related("other_divisions")


def _villages(user: Any, *, unit: Any = None, start: Any = None, end: Any = None) -> Any:
    towns = selectors.offices_town_ids(_offices(user, unit))
    return Division.objects.filter(level=DivisionLevel.VILLAGE, parent_id__in=towns)


def _villages_at_target(
    user: Any, *, unit: Any = None, start: Any = None, end: Any = None
) -> QuerySet[Division]:
    from django.db.models import Count, Q

    literates = _literates(user)
    if end is not None:
        literates = literates.filter(appointed_on__lt=end)
    return (
        _villages(user, unit=unit)
        .annotate(n=Count("legal_literates", filter=Q(legal_literates__in=literates)))
        .filter(n__gte=norm(NORM_LITERATES_PER_VILLAGE))
    )


def _advisers_meeting(
    user: Any, *, unit: Any = None, start: Any = None, end: Any = None
) -> QuerySet[VillageAdviser]:
    advisers = VillageAdviser.objects.visible_to(user)
    if unit is not None:
        advisers = advisers.filter(unit__path__startswith=unit.path)
    met = selectors.advisers_meeting_norms(advisers, _as_date(start), _as_date(end))
    return VillageAdviser.objects.filter(pk__in=met)


def _as_date(value: Any) -> date | None:
    return value if value is None or isinstance(value, date) else date.fromisoformat(str(value))


# code, label, records, date field, breakdowns, summed field
MEASURES = [
    (
        "publicity.activities",
        _("Publicity activities"),
        _activities,
        "held_on",
        ACTIVITY_BREAKDOWNS,
        None,
    ),
    (
        "publicity.participants",
        _("People reached by publicity activities"),
        _activities,
        "held_on",
        {},
        "participants",
    ),
    (
        "publicity.legal_literates",
        _("Legal-literate villagers serving"),
        _literates,
        None,
        {"by_pool": "pool"},
        None,
    ),
    (
        "publicity.demonstration_households",
        _("Demonstration households"),
        _households,
        None,
        {"by_year": "year"},
        None,
    ),
    (
        "publicity.demonstration_villages",
        _("Rule-of-law demonstration villages"),
        _titles,
        None,
        {"by_level": "level"},
        None,
    ),
]

for code, label, records, date_field, breakdowns, sum_field in MEASURES:
    registry.register(
        Measure(
            code=code,
            label=label,
            records=records,
            date_field=date_field,
            breakdowns=breakdowns,
            sum_field=sum_field,
        )
    )

registry.register(
    ComputedMeasure(
        code="publicity.legal_literate_coverage",
        label=_("Villages with the target number of legal-literate villagers (%)"),
        records=_literates,
        description="villages at target / villages served, percent",
        select=_villages_at_target,
        ratio_of=_villages,
    )
)
registry.register(
    ComputedMeasure(
        code="publicity.adviser_norms_met",
        label=_("Village advisers meeting the service norms"),
        records=lambda user: VillageAdviser.objects.visible_to(user),
        description="advisers meeting the on-site and lecture norms in every complete month",
        select=_advisers_meeting,
    )
)
