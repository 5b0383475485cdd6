"""Reads of the staff lists, trainings, rotations and party meetings, always through scope."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Max, QuerySet

from sifasuo.core.scope import get_for_user
from sifasuo.offices.models import OfficeReturn
from sifasuo.orgs.choices import UnitKind
from sifasuo.orgs.models import Unit
from sifasuo.orgs.selectors import unit_for_user
from sifasuo.people import idnumbers
from sifasuo.people.models import Person
from sifasuo.staff.choices import MeetingKind
from sifasuo.staff.models import Movement, PartyMeeting, StaffMember

# [U] How often each meeting of 三会一课 is due, in days: the branch general meeting and the
# party lecture once a quarter, the branch committee and the party group once a month (the
# party's rules on branch work). Data, not code: change it here when the bureau says so.
MEETING_EVERY_DAYS: dict[str, int] = {
    MeetingKind.GENERAL: 92,
    MeetingKind.COMMITTEE: 31,
    MeetingKind.GROUP: 31,
    MeetingKind.LECTURE: 92,
}

STAFF_SORTS = (
    "office_return__unit__code",
    "office_return__year",
    "person__name",
    "establishment",
    "post",
    "on_post_on",
)
MOVEMENT_SORTS = ("start_date", "end_date", "kind", "unit__code")
MEETING_SORTS = ("held_on", "kind", "unit__code")


def _within(qs: QuerySet[Any], user: Any, lookup: str, district: str, office: str) -> Any:
    """Restrict to a district's or an office's subtree; a unit code out of scope is 404."""
    for code in (district, office):
        if code.strip():
            unit = unit_for_user(user=user, code=code.strip())
            qs = qs.filter(**{f"{lookup}__path__startswith": unit.path})
    return qs


def staff_list(
    *,
    user: Any,
    district: str = "",
    office: str = "",
    year: int | None = None,
    establishment: str = "",
    post: str = "",
    party_member: bool | None = None,
    action: str = "view",
) -> QuerySet[StaffMember]:
    """Staff members of the returns in scope, filtered; with their return, office and person."""
    qs = StaffMember.objects.visible_to(user, action)
    qs = _within(qs, user, "office_return__unit", district, office)
    if year:
        qs = qs.filter(office_return__year=year)
    if establishment:
        qs = qs.filter(establishment=establishment)
    if post:
        qs = qs.filter(post=post)
    if party_member is not None:
        qs = qs.filter(is_party_member=party_member)
    return qs.select_related(
        "office_return", "office_return__unit", "office_return__unit__parent", "person"
    ).order_by("-office_return__year", "office_return__unit__path", "post", "pk")


def member_for_user(*, user: Any, public_id: Any, action: str = "view") -> StaffMember:
    """One staff member: 404 out of scope, 403 without the right."""
    found: StaffMember = get_for_user(
        StaffMember.objects.select_related("office_return", "office_return__unit", "person"),
        user,
        action,
        public_id=public_id,
    )
    return found


def person_for_document(*, id_type: str, id_number: str) -> Person | None:
    """The registry person with this document number (blind index), if there is one.

    The registry is shared (enter once): the person may have been registered by another
    unit. Callers check that the name matches before linking.
    """
    number = idnumbers.normalize(id_number)
    if not number:
        return None
    index = Person._meta.get_field("id_number_bidx").index_of(number)  # type: ignore[union-attr]
    return Person.objects.filter(id_type=id_type, id_number_bidx=index).first()


def return_people(*, office_return: OfficeReturn) -> QuerySet[Person]:
    """The people on a return's staff list (whom a training can be recorded for)."""
    return Person.objects.filter(
        pk__in=StaffMember.objects.filter(office_return=office_return).values("person")
    ).order_by("name", "pk")


def office_staff_people(*, offices: QuerySet[Unit]) -> QuerySet[Person]:
    """The people on any staff list of ``offices``."""
    return Person.objects.filter(
        pk__in=StaffMember.objects.filter(office_return__unit__in=offices).values("person")
    ).order_by("name", "pk")


def is_staff_of(*, person: Person, office: Unit) -> bool:
    """Whether ``person`` is on any staff list of ``office``."""
    return StaffMember.objects.filter(office_return__unit=office, person=person).exists()


def movement_list(
    *,
    user: Any,
    district: str = "",
    office: str = "",
    kind: str = "",
    year: int | None = None,
    action: str = "view",
) -> QuerySet[Movement]:
    """Rotations and secondments in scope."""
    qs = Movement.objects.visible_to(user, action)
    qs = _within(qs, user, "unit", district, office)
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(start_date__year=year)
    return qs.select_related("unit", "unit__parent", "person").order_by("-start_date", "pk")


def meeting_list(
    *,
    user: Any,
    district: str = "",
    office: str = "",
    kind: str = "",
    year: int | None = None,
    action: str = "view",
) -> QuerySet[PartyMeeting]:
    """Party meetings (三会一课) in scope."""
    qs = PartyMeeting.objects.visible_to(user, action)
    qs = _within(qs, user, "unit", district, office)
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(held_on__year=year)
    return qs.select_related("unit", "unit__parent").order_by("-held_on", "pk")


def meeting_offices(*, user: Any, district: str = "", office: str = "") -> QuerySet[Unit]:
    """The offices in scope whose 三会一课 are followed (one district's or one office)."""
    qs = Unit.objects.visible_to(user).filter(kind=UnitKind.OFFICE, is_active=True)
    for code in (district, office):
        if code.strip():
            qs = qs.filter(path__startswith=unit_for_user(user=user, code=code.strip()).path)
    return qs.order_by("code")


@dataclass(frozen=True)
class MeetingDue:
    """One kind of meeting at one office: when it was last held, whether it is overdue."""

    kind: str
    label: Any
    last: date | None
    every_days: int
    overdue: bool


@dataclass(frozen=True)
class OfficeMeetings:
    office: Unit
    kinds: list[MeetingDue]

    @property
    def overdue_count(self) -> int:
        return sum(1 for k in self.kinds if k.overdue)


def is_overdue(last: date | None, every_days: int, today: date) -> bool:
    """Overdue when never held, or when the last one is older than the frequency."""
    return last is None or (today - last).days > every_days


def meeting_status(*, user: Any, offices: Sequence[Unit], today: date) -> list[OfficeMeetings]:
    """Per office and kind: the last meeting in scope and whether the next one is overdue."""
    last: dict[tuple[int, str], date] = {
        (row["unit_id"], row["kind"]): row["last"]
        for row in PartyMeeting.objects.visible_to(user)
        .filter(unit__in=[o.pk for o in offices])
        .values("unit_id", "kind")
        .annotate(last=Max("held_on"))
        .order_by()
    }
    result = []
    for office in offices:
        kinds = []
        for kind, label in MeetingKind.choices:
            held = last.get((office.pk, kind))
            every = MEETING_EVERY_DAYS[kind]
            kinds.append(MeetingDue(kind, label, held, every, is_overdue(held, every, today)))
        result.append(OfficeMeetings(office, kinds))
    return result
