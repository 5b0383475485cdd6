"""The publicity figures, defined once (DESIGN "measures").

Activities and their reach count in the period they were held; 法律明白人 appointed and
their trainings in the period of the appointment or training; demonstration village titles
in the period they were conferred; adviser services and town advisers' matters in the
period they were given or handled, under the adviser's office. 法律明白人 serving,
demonstration households and demonstration villages are stocks: those standing now (the
period is not applied); advisers under contract and titles past their review date are
stocks of today (live). Coverage is the share of villages served by the unit's offices that
have at least the target number of 法律明白人; adviser norms count the advisers that met
the on-site and lecture norms in every complete month of the period (by default the last
complete month). Both are computed from other rows and today's date: live.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
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
    AdviserServiceLog,
    DemonstrationHousehold,
    DemonstrationVillage,
    LegalLiterate,
    LiterateTraining,
    PublicityActivity,
    TownAdviser,
    TownAdviserMatter,
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


def _literates_appointed(user: Any) -> QuerySet[LegalLiterate]:
    return LegalLiterate.objects.visible_to(user)


def _trainings(user: Any) -> QuerySet[LiterateTraining]:
    return LiterateTraining.objects.visible_to(user)


def _advisers_current(user: Any) -> QuerySet[VillageAdviser]:
    today = timezone.localdate()
    return VillageAdviser.objects.visible_to(user).filter(
        contract_start__lte=today, contract_end__gte=today
    )


def _adviser_services(user: Any) -> QuerySet[AdviserServiceLog]:
    return AdviserServiceLog.objects.visible_to(user)


def _titles_named(user: Any) -> QuerySet[DemonstrationVillage]:
    return DemonstrationVillage.objects.visible_to(user)


def _reviews_overdue(user: Any) -> QuerySet[DemonstrationVillage]:
    return _titles(user).filter(review_due__lt=timezone.localdate())


def _town_advisers_current(user: Any) -> QuerySet[TownAdviser]:
    today = timezone.localdate()
    return TownAdviser.objects.visible_to(user).filter(
        contract_start__lte=today, contract_end__gte=today
    )


def _town_matters(user: Any) -> QuerySet[TownAdviserMatter]:
    return TownAdviserMatter.objects.visible_to(user)


_BY_ADVISER = "adviser__unit__path"

MEASURES: list[Measure] = [
    # Activities and their reach, in the period they were held.
    Measure(
        code="publicity.activities",
        label=_("Publicity activities"),
        records=_activities,
        date_field="held_on",
        breakdowns=ACTIVITY_BREAKDOWNS,
    ),
    Measure(
        code="publicity.participants",
        label=_("People reached by publicity activities"),
        records=_activities,
        date_field="held_on",
        sum_field="participants",
    ),
    Measure(
        code="publicity.materials",
        label=_("Publicity materials distributed"),
        records=_activities,
        date_field="held_on",
        sum_field="materials",
    ),
    # 法律明白人: serving now (a stock); appointed and trained in the period.
    Measure(
        code="publicity.legal_literates",
        label=_("Legal-literate villagers serving"),
        records=_literates,
        breakdowns={"by_pool": "pool"},
    ),
    Measure(
        code="publicity.literates_appointed",
        label=_("Legal-literate villagers appointed"),
        records=_literates_appointed,
        date_field="appointed_on",
        breakdowns={"by_pool": "pool"},
    ),
    Measure(
        code="publicity.literate_trainings",
        label=_("Trainings attended by legal-literate villagers"),
        records=_trainings,
        date_field="trained_on",
        unit_path_field="literate__unit__path",
    ),
    # Demonstration households and villages: standing now (stocks); villages named.
    Measure(
        code="publicity.demonstration_households",
        label=_("Demonstration households"),
        records=_households,
        breakdowns={"by_year": "year"},
    ),
    Measure(
        code="publicity.demonstration_villages",
        label=_("Rule-of-law demonstration villages"),
        records=_titles,
        breakdowns={"by_level": "level"},
    ),
    Measure(
        code="publicity.villages_named",
        label=_("Rule-of-law demonstration village titles conferred"),
        records=_titles_named,
        date_field="designated_on",
        breakdowns={"by_level": "level"},
    ),
    Measure(
        code="publicity.village_reviews_overdue",
        label=_("Demonstration village titles past their review date (now)"),
        records=_reviews_overdue,
        live=True,
        breakdowns={"by_level": "level"},
    ),
    # Village advisers (一村一法律顾问) and town advisers.
    Measure(
        code="publicity.advisers_current",
        label=_("Village legal advisers under contract (now)"),
        records=_advisers_current,
        live=True,
        breakdowns={"by_village_kind": "village_kind"},
    ),
    Measure(
        code="publicity.adviser_services",
        label=_("Services recorded by village legal advisers"),
        records=_adviser_services,
        date_field="served_on",
        unit_path_field=_BY_ADVISER,
        breakdowns={"by_mode": "mode"},
    ),
    Measure(
        code="publicity.town_advisers_current",
        label=_("Town legal advisers and public-sector lawyers under contract (now)"),
        records=_town_advisers_current,
        live=True,
        breakdowns={"by_kind": "kind"},
    ),
    Measure(
        code="publicity.town_adviser_matters",
        label=_("Matters handled by town legal advisers"),
        records=_town_matters,
        date_field="handled_on",
        unit_path_field=_BY_ADVISER,
        breakdowns={"by_kind": "kind"},
    ),
]

for measure in MEASURES:
    registry.register(measure)

# Computed in Python over other rows (norms, service logs, villages) and today's date: live.
registry.register(
    ComputedMeasure(
        code="publicity.legal_literate_coverage",
        label=_("Villages with the target number of legal-literate villagers (%)"),
        records=_literates,
        description="villages at target / villages served, percent",
        select=_villages_at_target,
        ratio_of=_villages,
        live=True,
    )
)
registry.register(
    ComputedMeasure(
        code="publicity.villages_served",
        label=_("Villages and communities served"),
        records=_literates,
        description="villages of the towns the unit's offices serve",
        select=_villages,
        live=True,
    )
)
registry.register(
    ComputedMeasure(
        code="publicity.villages_at_target",
        label=_("Villages with the target number of legal-literate villagers"),
        records=_literates,
        description="villages served with at least the norm of serving legal-literate villagers",
        select=_villages_at_target,
        live=True,
    )
)
registry.register(
    ComputedMeasure(
        code="publicity.adviser_norms_met",
        label=_("Village advisers meeting the service norms"),
        records=lambda user: VillageAdviser.objects.visible_to(user),
        description="advisers meeting the on-site and lecture norms in every complete month",
        select=_advisers_meeting,
        live=True,
    )
)
