"""Reads of the office profile: returns in scope, one return as a whole, honours, experiences."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from sifasuo.core.models import Attachment
from sifasuo.core.scope import get_for_user, unit_reach_q
from sifasuo.offices.choices import EquipmentCategory, ExperienceStatus, RoomKind, SystemKind
from sifasuo.offices.models import (
    Equipment,
    Honour,
    ManagementSystem,
    OfficeReturn,
    OfficeRoom,
    TypicalExperience,
)
from sifasuo.offices.services import EXPERIENCE_DECIDERS, EXPERIENCE_STEPS
from sifasuo.orgs.choices import UnitKind
from sifasuo.orgs.models import Unit
from sifasuo.orgs.selectors import unit_for_user
from sifasuo.people.models import Person
from sifasuo.staff.choices import Establishment
from sifasuo.staff.models import StaffMember, Training
from sifasuo.staff.selectors import office_staff_people
from sifasuo.standards.checks import PLAN, CheckResult, run_checks, with_check_data

ROOM_COUNT = len(RoomKind.values)
SIGNS = ("sign_emblem", "sign_office_plaque", "sign_station_plaque")
RETURN_SORTS = ("unit__code", "year", "business_area", "rooms_present", "establishment_quota")


def year_end(year: int) -> date:
    """31 December of ``year``: the day a return describes."""
    return date(year, 12, 31)


def _within(qs: QuerySet[Any], user: Any, lookup: str, district: str, office: str) -> Any:
    """Restrict ``qs`` to a district's or an office's subtree; a code out of scope is 404."""
    for code in (district, office):
        if code.strip():
            unit = unit_for_user(user=user, code=code.strip())
            qs = qs.filter(**{f"{lookup}__path__startswith": unit.path})
    return qs


# Returns ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Staffing:
    """The staff figures of a return on 31 December: on post, quota, vacancies."""

    on_post: int
    politics_law_on_post: int
    quota: int

    @property
    def vacancies(self) -> int:
        """Quota less the politics-and-law staff on post on 31 December, never below 0."""
        return max(self.quota - self.politics_law_on_post, 0)


def staffing(office_return: OfficeReturn) -> Staffing:
    """Count the return's staff on post on 31 Dec (prefetch ``staff`` for many returns)."""
    end = year_end(office_return.year)
    on_post = [m for m in office_return.staff.all() if m.on_post(end)]
    return Staffing(
        on_post=len(on_post),
        politics_law_on_post=sum(
            1 for m in on_post if m.establishment == Establishment.POLITICS_LAW
        ),
        quota=office_return.establishment_quota,
    )


def signage_ok(office_return: OfficeReturn) -> bool:
    """The emblem and both plaques are up (一徽两牌)."""
    return all(getattr(office_return, name) for name in SIGNS)


def return_list(
    *,
    user: Any,
    district: str = "",
    office: str = "",
    year: int | None = None,
    action: str = "view",
) -> QuerySet[OfficeReturn]:
    """Returns in scope, with rooms present counted and the staff prefetched (fixed queries).

    ``district`` (managing bureau) and ``office`` are unit codes: out of scope is 404.
    """
    qs = OfficeReturn.objects.visible_to(user, action)
    qs = _within(qs, user, "unit", district, office)
    if year:
        qs = qs.filter(year=year)
    return (
        qs.select_related("unit", "unit__parent")
        .annotate(rooms_present=Count("rooms", filter=Q(rooms__present=True), distinct=True))
        .prefetch_related(
            Prefetch(
                "staff",
                queryset=StaffMember.objects.only(
                    "id", "office_return_id", "establishment", "on_post_on", "off_post_on"
                ),
            )
        )
        .order_by("-year", "unit__path")
    )


def return_for_user(*, user: Any, public_id: Any, action: str = "view") -> OfficeReturn:
    """One return with what its checks read: 404 out of scope, 403 without the right."""
    queryset = with_check_data(OfficeReturn.objects.select_related("unit", "unit__parent"))
    found: OfficeReturn = get_for_user(queryset, user, action, public_id=public_id)
    return found


def previous_return(*, office: Unit, year: int) -> OfficeReturn | None:
    """The office's return of the year before ``year`` (the one to copy forward)."""
    return OfficeReturn.objects.filter(unit=office, year=year - 1).first()


def offices_for(*, user: Any, model: Any = OfficeReturn, action: str = "create") -> QuerySet[Unit]:
    """The offices where ``user`` may ``action`` records of ``model`` (a new return's office)."""
    return Unit.objects.filter(
        unit_reach_q(user, model, action), kind=UnitKind.OFFICE, is_active=True
    ).order_by("path")


def district_choices(*, user: Any) -> QuerySet[Unit]:
    """District bureaus and development zones in scope (for a list's district filter)."""
    return (
        Unit.objects.visible_to(user)
        .filter(kind__in=[UnitKind.DISTRICT, UnitKind.DEVZONE], is_active=True)
        .order_by("code")
    )


def office_choices(*, user: Any) -> QuerySet[Unit]:
    """Offices in scope (for a list's office filter)."""
    return Unit.objects.visible_to(user).filter(kind=UnitKind.OFFICE).order_by("code")


def return_years(*, user: Any) -> list[int]:
    """The years that returns in scope exist for, latest first."""
    years = (
        OfficeReturn.objects.visible_to(user).values_list("year", flat=True).distinct().order_by()
    )
    return sorted(set(years), reverse=True)


# One return as a whole --------------------------------------------------------------------


@dataclass(frozen=True)
class RoomRow:
    kind: str
    label: Any
    room: OfficeRoom | None
    photos: list[Attachment]


@dataclass(frozen=True)
class SystemRow:
    kind: str
    label: Any
    system: ManagementSystem | None
    documents: list[Attachment]


@dataclass(frozen=True)
class StaffRow:
    member: StaffMember
    on_post: bool


@dataclass
class TrainingTotal:
    """A person's trainings starting in the return's year, against the standard's minimum."""

    person: Any
    trainings: list[Training] = field(default_factory=list)
    days: Decimal = Decimal("0")
    hours: Decimal = Decimal("0")

    @property
    def meets(self) -> bool:
        return self.days >= PLAN.training_days or self.hours >= PLAN.training_hours


@dataclass(frozen=True)
class ReturnSheet:
    """Everything the return's page shows."""

    office_return: OfficeReturn
    rooms: list[RoomRow]
    equipment: list[tuple[Any, list[Equipment]]]
    systems: list[SystemRow]
    staff: list[StaffRow]
    staffing: Staffing
    trainings: list[TrainingTotal]
    party_members: list[StaffMember]
    checks: list[CheckResult]
    training_days: Decimal = PLAN.training_days
    training_hours: Decimal = PLAN.training_hours


def attachments_of(*, user: Any, owners: Iterable[Any]) -> dict[tuple[str, str], list[Attachment]]:
    """The attachments in scope of several records, by (owner type, owner id)."""
    keys = {(o._meta.label_lower, str(o.pk)) for o in owners}
    if not keys:
        return {}
    q = Q(pk__in=[])
    for owner_type in {k[0] for k in keys}:
        q |= Q(owner_type=owner_type, owner_id__in=[k[1] for k in keys if k[0] == owner_type])
    found: dict[tuple[str, str], list[Attachment]] = {}
    for attachment in Attachment.objects.visible_to(user).filter(q).order_by("created_at"):
        found.setdefault((attachment.owner_type, attachment.owner_id), []).append(attachment)
    return found


def _key(obj: Any) -> tuple[str, str]:
    return obj._meta.label_lower, str(obj.pk)


def return_sheet(*, user: Any, office_return: OfficeReturn) -> ReturnSheet:
    """Gather the whole return (fetched through ``return_for_user``) and run its checks."""
    rooms = {r.kind: r for r in office_return.rooms.all()}
    systems = {s.kind: s for s in office_return.systems.all()}
    files = attachments_of(user=user, owners=[*rooms.values(), *systems.values()])
    by_category: dict[str, list[Equipment]] = {}
    for item in office_return.equipment.all():
        by_category.setdefault(item.category, []).append(item)
    end = year_end(office_return.year)
    members = list(office_return.staff.all())
    totals: dict[int, TrainingTotal] = {}
    for member in members:
        totals[member.person_id] = TrainingTotal(person=member.person)
    for training in office_return.trainings.select_related("person").order_by("start_date", "pk"):
        total = totals.setdefault(training.person_id, TrainingTotal(person=training.person))
        total.trainings.append(training)
        if training.start_date.year == office_return.year:
            total.days += training.days
            total.hours += training.hours
    return ReturnSheet(
        office_return=office_return,
        rooms=[
            RoomRow(
                kind,
                label,
                rooms.get(kind),
                files.get(_key(rooms[kind]), []) if kind in rooms else [],
            )
            for kind, label in RoomKind.choices
        ],
        equipment=[
            (label, by_category[code])
            for code, label in EquipmentCategory.choices
            if code in by_category
        ],
        systems=[
            SystemRow(
                kind,
                label,
                systems.get(kind),
                files.get(_key(systems[kind]), []) if kind in systems else [],
            )
            for kind, label in SystemKind.choices
        ],
        staff=[StaffRow(m, m.on_post(end)) for m in members],
        staffing=staffing(office_return),
        trainings=list(totals.values()),
        party_members=[m for m in members if m.is_party_member and m.on_post(end)],
        checks=run_checks(office_return),
    )


# Honours and typical experiences ----------------------------------------------------------

HONOUR_SORTS = ("awarded_on", "level", "unit__code")
EXPERIENCE_SORTS = ("published_on", "created_at", "status", "unit__code")


def honour_list(
    *,
    user: Any,
    district: str = "",
    office: str = "",
    level: str = "",
    subject: str = "",
    year: int | None = None,
    action: str = "view",
) -> QuerySet[Honour]:
    """Honours in scope; ``subject`` "office" or "staff" keeps one kind."""
    qs = Honour.objects.visible_to(user, action).select_related("unit", "unit__parent", "person")
    qs = _within(qs, user, "unit", district, office)
    if level:
        qs = qs.filter(level=level)
    if subject == "office":
        qs = qs.filter(person__isnull=True)
    elif subject == "staff":
        qs = qs.filter(person__isnull=False)
    if year:
        qs = qs.filter(awarded_on__year=year)
    return qs.order_by("-awarded_on", "pk")


def honour_people(*, user: Any) -> QuerySet[Person]:
    """People on a staff list of an office where ``user`` may record honours."""
    return office_staff_people(offices=offices_for(user=user, model=Honour))


def experience_list(
    *,
    user: Any,
    district: str = "",
    office: str = "",
    status: str = "",
    action: str = "view",
) -> QuerySet[TypicalExperience]:
    """Typical experiences in scope, by status."""
    qs = TypicalExperience.objects.visible_to(user, action).select_related("unit", "unit__parent")
    qs = _within(qs, user, "unit", district, office)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-published_on", "-created_at", "pk")


def experience_for_user(*, user: Any, public_id: Any, action: str = "view") -> TypicalExperience:
    """One typical experience: 404 out of scope, 403 without the right."""
    found: TypicalExperience = get_for_user(
        TypicalExperience.objects.select_related("unit", "unit__parent"),
        user,
        action,
        public_id=public_id,
    )
    return found


def experience_steps_for(*, user: Any, experience: TypicalExperience) -> list[str]:
    """The steps ``user``'s unit may take on ``experience`` in its present status."""
    unit = getattr(user, "unit", None)
    if unit is None:
        return []
    return [
        step
        for step, (allowed_from, _target) in EXPERIENCE_STEPS.items()
        if experience.status in allowed_from and unit.kind in EXPERIENCE_DECIDERS[step]
    ]


def published_experiences(*, user: Any) -> QuerySet[TypicalExperience]:
    """The published collection in scope (for its Excel export)."""
    return experience_list(user=user, status=ExperienceStatus.PUBLISHED, action="export")


def public_experiences() -> QuerySet[TypicalExperience]:
    """The typical experiences the city has published, for the citizens' site (public)."""
    return (
        TypicalExperience.objects.filter(status=ExperienceStatus.PUBLISHED)
        .select_related("unit", "unit__parent")
        .order_by("-published_on", "-pk")
    )
