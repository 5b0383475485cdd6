"""Office returns for tests, made through the services (so scope and audit apply).

    office_return()                         # 西一路's 2024 return, passing every non-staff check
    office_return(year=2023, business_area=Decimal("80.0"), rooms=False)
    member = staff_member(r)                # a new person on r's staff (政法专项编制, since 2020)
    training(r, member.person, hours="90")  # a training in r's year

Every helper takes ``actor`` (None: the system) and passes it to the services.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from itertools import count
from typing import Any

from sifasuo.offices import services as office_services
from sifasuo.offices.choices import PartyForm, RoomKind
from sifasuo.offices.models import OfficeReturn
from sifasuo.orgs.models import Unit
from sifasuo.people import services as people_services
from sifasuo.people.demo import synthetic_id_number
from sifasuo.people.models import Person
from sifasuo.staff import services as staff_services
from sifasuo.staff.choices import Establishment, Post
from sifasuo.staff.models import StaffMember, Training

OFFICE = "610102001"  # 西一路街道司法所 (新城区)
YEAR = 2024

# Passes PREMISES_AREA, SIGNAGE, PARTY_ORG (with a joint branch), IT_* and FUNDING; STAFF_FULL
# and STAFF_TRAINING depend on the staff added.
PASSING_PROFILE: dict[str, Any] = {
    "business_area": Decimal("150.0"),
    "sign_emblem": True,
    "sign_office_plaque": True,
    "sign_station_plaque": True,
    "establishment_quota": 1,
    "party_form": PartyForm.JOINT,
    "remote_visit_installed_on": date(2022, 6, 1),
    "video_conf_installed_on": date(2022, 6, 1),
    "funding_personnel": Decimal("300000.00"),
    "funding_public": Decimal("50000.00"),
    "funding_casework": Decimal("20000.00"),
    "funding_equipment": Decimal("10000.00"),
    "funding_infrastructure": Decimal("5000.00"),
}

_serial = count(1)


def id_number(region: str = "610102", *, male: bool = True) -> str:
    """A fresh synthetic, checksum-valid resident ID number (unique within a test run)."""
    n = next(_serial)
    return synthetic_id_number(region, date(1975, 1, 1) + timedelta(days=n), n, male=male)


def unit(office: str | Unit = OFFICE) -> Unit:
    """An office given by its code (or the unit itself)."""
    return office if isinstance(office, Unit) else Unit.objects.get(code=office)


def person(*, office: str | Unit = OFFICE, name: str = "测试员", actor: Any = None) -> Person:
    """Register a new person (with a fresh ID number) for ``office``."""
    return people_services.person_create(
        actor=actor, unit=unit(office), name=name, id_number=id_number()
    )


_new_person = person  # ``staff_member`` has a parameter of that name


def office_return(
    *,
    office: str | Unit = OFFICE,
    year: int = YEAR,
    actor: Any = None,
    rooms: bool | dict[str, bool] = True,
    **profile: Any,
) -> OfficeReturn:
    """Open ``office``'s return for ``year`` with ``PASSING_PROFILE`` updated by ``profile``.

    ``rooms``: True for all of 六室一站 present, False for none, or a ``{RoomKind: bool}``.
    """
    created = office_services.return_create(actor=actor, office=unit(office), year=year)
    office_services.return_update(
        actor=actor, office_return=created, **{**PASSING_PROFILE, **profile}
    )
    present = dict.fromkeys(RoomKind.values, rooms) if isinstance(rooms, bool) else rooms
    office_services.rooms_set(actor=actor, office_return=created, present=present)
    return created


def staff_member(
    office_return: OfficeReturn,
    *,
    person: Person | None = None,
    establishment: str = Establishment.POLITICS_LAW,
    post: str = Post.STAFF,
    party: bool = False,
    on: date = date(2020, 1, 1),
    off: date | None = None,
    actor: Any = None,
) -> StaffMember:
    """Put ``person`` (by default a new one) on the return's staff list."""
    return staff_services.staff_add(
        actor=actor,
        office_return=office_return,
        row=staff_services.StaffInput(
            person=person or _new_person(office=office_return.unit, actor=actor),
            establishment=establishment,
            post=post,
            is_party_member=party,
            on_post_on=on,
            off_post_on=off,
        ),
    )


def training(
    office_return: OfficeReturn,
    person: Person,
    *,
    days: str = "0",
    hours: str = "0",
    start: date | None = None,
    course: str = "业务培训",
    actor: Any = None,
) -> Training:
    """Record a training of ``person`` starting in the return's year (1 March by default)."""
    return staff_services.training_add(
        actor=actor,
        office_return=office_return,
        row=staff_services.TrainingInput(
            person=person,
            course=course,
            start_date=start or date(office_return.year, 3, 1),
            days=Decimal(days),
            hours=Decimal(hours),
        ),
    )
