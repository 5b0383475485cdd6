"""Reads of the publicity ledgers, always through scope; coverage and adviser norms."""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Prefetch, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from sifasuo.core.scope import get_for_user
from sifasuo.orgs.choices import DivisionLevel, UnitKind
from sifasuo.orgs.models import Division, Unit
from sifasuo.orgs.selectors import unit_for_user
from sifasuo.people.models import Person
from sifasuo.publicity.choices import (
    NORM_LECTURES_PER_QUARTER,
    NORM_LITERATES_PER_VILLAGE,
    NORM_ONSITE_DAYS,
    LiterateStatus,
    ServiceMode,
)
from sifasuo.publicity.models import (
    AdviserServiceLog,
    DemonstrationHousehold,
    DemonstrationVillage,
    LawTopic,
    LegalLiterate,
    PublicityActivity,
    TownAdviser,
    VillageAdviser,
    quarter_start,
)
from sifasuo.publicity.services import norm

# The ledgers -------------------------------------------------------------------------------


def activity_list(*, user: Any) -> QuerySet[PublicityActivity]:
    """Activities in scope, with their office, village and laws."""
    return (
        PublicityActivity.objects.visible_to(user)
        .select_related("unit", "village")
        .prefetch_related(Prefetch("laws", queryset=LawTopic.objects.order_by("sort_order")))
    )


def literate_list(*, user: Any) -> QuerySet[LegalLiterate]:
    """法律明白人 in scope, with the person, village and training hours."""
    return (
        LegalLiterate.objects.visible_to(user)
        .select_related("unit", "village", "village__parent", "person")
        .annotate(training_hours=Sum("trainings__hours"))
        .order_by("village__code", "appointed_on", "pk")
    )


def household_list(*, user: Any) -> QuerySet[DemonstrationHousehold]:
    return DemonstrationHousehold.objects.visible_to(user).select_related("unit", "village", "head")


def adviser_list(*, user: Any) -> QuerySet[VillageAdviser]:
    return (
        VillageAdviser.objects.visible_to(user)
        .select_related("unit", "village")
        .annotate(log_count=Count("logs"))
        .order_by("village__code", "-contract_start", "pk")
    )


def village_list(*, user: Any) -> QuerySet[DemonstrationVillage]:
    return DemonstrationVillage.objects.visible_to(user).select_related("unit", "village")


def town_adviser_list(*, user: Any) -> QuerySet[TownAdviser]:
    return (
        TownAdviser.objects.visible_to(user)
        .select_related("unit")
        .annotate(matter_count=Count("matters"))
        .order_by("-contract_end", "pk")
    )


def record_for_user(*, queryset: QuerySet[Any], user: Any, public_id: Any, action: str) -> Any:
    """One record: 404 alike for missing and out of scope, 403 without the right."""
    return get_for_user(queryset, user, action, public_id=public_id)


def literates_of_person(*, user: Any, person: Person) -> QuerySet[LegalLiterate]:
    return literate_list(user=user).filter(person=person)


def households_of_person(*, user: Any, person: Person) -> QuerySet[DemonstrationHousehold]:
    return household_list(user=user).filter(head=person)


# Villages in scope -------------------------------------------------------------------------


def scope_offices(*, user: Any, unit: str = "") -> QuerySet[Unit]:
    """The offices in ``user``'s scope (under ``unit``, a code, when given: 404 out of scope)."""
    qs = Unit.objects.visible_to(user).filter(kind=UnitKind.OFFICE, is_active=True)
    if unit:
        scope_unit = unit_for_user(user=user, code=unit)
        qs = qs.filter(path__startswith=scope_unit.path)
    return qs.select_related("parent", "division").prefetch_related("other_divisions")


def villages_by_office(offices: Iterable[Unit]) -> tuple[list[Division], dict[int, Unit]]:
    """The villages the offices serve and, per village, the office serving it (first by code)."""
    town_office: dict[int, Unit] = {}
    for office in sorted(offices, key=lambda o: o.code):
        towns = {office.division_id} if office.division_id else set()
        towns |= {d.pk for d in office.other_divisions.all()}
        for town in towns:
            town_office.setdefault(town, office)
    villages = list(
        Division.objects.filter(level=DivisionLevel.VILLAGE, parent_id__in=town_office)
        .select_related("parent")
        .order_by("code")
    )
    return villages, {v.pk: town_office[v.parent_id] for v in villages if v.parent_id}


@dataclass
class OfficeRow:
    """One office's line of a coverage page: its villages, how many are at the norm."""

    office: Unit
    villages: int = 0
    met: int = 0
    count: int = 0

    @property
    def below(self) -> int:
        return self.villages - self.met

    @property
    def rate(self) -> int:
        return round(100 * self.met / self.villages) if self.villages else 0


@dataclass
class VillageRow:
    village: Division
    office: Unit
    count: int = 0
    target: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def met(self) -> bool:
        return self.count >= self.target


@dataclass
class Coverage:
    """A coverage page: per office, and the villages that fall short."""

    target: int
    offices: list[OfficeRow]
    villages: list[VillageRow]

    @property
    def total(self) -> int:
        return len(self.villages)

    @property
    def met(self) -> int:
        return sum(1 for v in self.villages if v.met)

    @property
    def rate(self) -> int:
        return round(100 * self.met / self.total) if self.total else 0

    @property
    def below(self) -> list[VillageRow]:
        return [v for v in self.villages if not v.met]


def _summarise(rows: list[VillageRow], offices: Iterable[Unit]) -> list[OfficeRow]:
    by_office = {o.pk: OfficeRow(o) for o in sorted(offices, key=lambda o: o.code)}
    for row in rows:
        line = by_office[row.office.pk]
        line.villages += 1
        line.count += row.count
        line.met += int(row.met)
    return [line for line in by_office.values() if line.villages]


def literate_coverage(*, user: Any, unit: str = "", on: date | None = None) -> Coverage:
    """法律明白人 per village against the target (≥ 3 per administrative village by 2025)."""
    on = on or timezone.localdate()
    offices = list(scope_offices(user=user, unit=unit))
    villages, office_of = villages_by_office(offices)
    counts = dict(
        LegalLiterate.objects.visible_to(user)
        .filter(status=LiterateStatus.ACTIVE, appointed_on__lte=on, village__in=villages)
        .order_by()
        .values("village_id")
        .annotate(n=Count("pk"))
        .values_list("village_id", "n")
    )
    target = norm(NORM_LITERATES_PER_VILLAGE)
    rows = [VillageRow(v, office_of[v.pk], counts.get(v.pk, 0), target) for v in villages]
    return Coverage(target, _summarise(rows, offices), rows)


# Adviser service norms ---------------------------------------------------------------------


def month_bounds(month: date) -> tuple[date, date]:
    """First and last day of ``month``'s month."""
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def last_complete_month(today: date | None = None) -> date:
    today = today or timezone.localdate()
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


@dataclass
class AdviserMonth:
    """An adviser's record against the norms in one month and that month's quarter."""

    adviser: VillageAdviser
    onsite_days: int
    onsite_norm: int
    lectures: int
    lecture_norm: int
    quarter_complete: bool

    @property
    def onsite_met(self) -> bool:
        return self.onsite_days >= self.onsite_norm

    @property
    def lectures_met(self) -> bool:
        return self.lectures >= self.lecture_norm

    @property
    def met(self) -> bool:
        # A quarter still running is not failed for want of its lecture yet.
        return self.onsite_met and (self.lectures_met or not self.quarter_complete)


def _month_figures(
    advisers: list[VillageAdviser], start: date, end: date
) -> dict[tuple[int, date], tuple[int, int]]:
    """(adviser, month) -> (distinct on-site days, lectures), in one grouped query each."""
    figures: dict[tuple[int, date], list[int]] = defaultdict(lambda: [0, 0])
    logs = AdviserServiceLog.objects.filter(
        adviser__in=advisers, served_on__gte=start, served_on__lte=end
    ).order_by()
    onsite = (
        logs.filter(mode=ServiceMode.ON_SITE)
        .annotate(month=TruncMonth("served_on"))
        .values("adviser_id", "month")
        .annotate(days=Count("served_on", distinct=True))
        .values_list("adviser_id", "month", "days")
    )
    for adviser_id, month, days in onsite:
        figures[(adviser_id, _as_date(month))][0] = days
    lectures = (
        logs.annotate(month=TruncMonth("served_on"))
        .values("adviser_id", "month")
        .annotate(n=Sum("lectures"))
        .values_list("adviser_id", "month", "n")
    )
    for adviser_id, month, n in lectures:
        figures[(adviser_id, _as_date(month))][1] = n or 0
    return {k: (v[0], v[1]) for k, v in figures.items()}


def _as_date(value: Any) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def adviser_months(
    advisers: Iterable[VillageAdviser], month: date, today: date | None = None
) -> list[AdviserMonth]:
    """Each adviser under contract in ``month``: on-site days and the quarter's lectures."""
    today = today or timezone.localdate()
    first, last = month_bounds(month)
    q_start = quarter_start(first)
    q_end = month_bounds(date(q_start.year, q_start.month + 2, 1))[1]
    current = [a for a in advisers if a.contract_start <= last and a.contract_end >= first]
    figures = _month_figures(current, q_start, last)
    onsite_norms: dict[str, int] = {str(k): norm(code) for k, code in NORM_ONSITE_DAYS.items()}
    lecture_norm = norm(NORM_LECTURES_PER_QUARTER)
    rows = []
    for adviser in current:
        days = figures.get((adviser.pk, first), (0, 0))[0]
        lectures = 0
        m = q_start
        while m <= first:
            lectures += figures.get((adviser.pk, m), (0, 0))[1]
            m = month_bounds(m)[1] + timedelta(days=1)
        rows.append(
            AdviserMonth(
                adviser,
                days,
                onsite_norms[adviser.village_kind],
                lectures,
                lecture_norm,
                quarter_complete=first.month == q_end.month and last < today,
            )
        )
    return rows


@dataclass
class AdviserNorms:
    """The adviser-norms page: per adviser this month, and the villages without an adviser."""

    month: date
    rows: list[AdviserMonth]
    without: list[VillageRow]
    offices: list[OfficeRow]

    @property
    def met(self) -> int:
        return sum(1 for r in self.rows if r.met)


def adviser_norms(*, user: Any, month: date, unit: str = "") -> AdviserNorms:
    """Which villages' advisers meet the norms in ``month``; villages without an adviser."""
    offices = list(scope_offices(user=user, unit=unit))
    villages, office_of = villages_by_office(offices)
    first, last = month_bounds(month)
    advisers = list(
        VillageAdviser.objects.visible_to(user)
        .filter(
            unit__in=offices,
            contract_start__lte=last,
            contract_end__gte=first,
        )
        .select_related("unit", "village")
        .order_by("village__code", "pk")
    )
    rows = adviser_months(advisers, first)
    served = {r.adviser.village_id: r for r in rows}
    village_rows = [
        VillageRow(v, office_of[v.pk], int(v.pk in served), 1, {"row": served.get(v.pk)})
        for v in villages
    ]
    lines = _summarise(village_rows, offices)
    met_by_office: dict[int, int] = defaultdict(int)
    for r in rows:
        met_by_office[r.adviser.unit_id] += int(r.met)
    for line in lines:
        line.count = met_by_office[line.office.pk]
    return AdviserNorms(first, rows, [v for v in village_rows if not v.met], lines)


def advisers_meeting_norms(
    advisers: QuerySet[VillageAdviser], start: date | None, end: date | None
) -> list[int]:
    """The advisers that met the norms in every complete month of [start, end) they served."""
    today = timezone.localdate()
    last_month = last_complete_month(today)
    first_month = (start or last_month).replace(day=1)
    stop = min(end - timedelta(days=1) if end else last_month, month_bounds(last_month)[1])
    advisers_list = list(advisers.filter(contract_start__lte=stop, contract_end__gte=first_month))
    judged: dict[int, bool] = {}
    month = first_month
    while month <= stop:
        for row in adviser_months(advisers_list, month, today):
            judged[row.adviser.pk] = judged.get(row.adviser.pk, True) and row.met
        month = month_bounds(month)[1] + timedelta(days=1)
    return [pk for pk, ok in judged.items() if ok]


def offices_town_ids(offices: Iterable[Unit]) -> set[int]:
    """The towns of all ``offices``: their main towns and the others assigned (one query)."""
    offices = list(offices)
    towns = {office.division_id for office in offices if office.division_id}
    through = Unit.other_divisions.through.objects.filter(unit__in=offices)
    towns |= set(through.values_list("division_id", flat=True))
    return towns
