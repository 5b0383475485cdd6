"""Demo returns 2022–2024 for every office: a realistic spread of the six-good checks.

About a third of the offices pass everything, half fall short on one or two checks, and a
few are far behind; each year fixes some of last year's gaps (2023 整改提升年). Deterministic
and idempotent (an office that has a return for a year keeps it). Synthetic people only.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction

from sifasuo.offices import services
from sifasuo.offices.choices import EquipmentCategory, Ownership, PartyForm, RoomKind, SystemKind
from sifasuo.offices.models import OfficeReturn
from sifasuo.orgs.choices import UnitKind
from sifasuo.orgs.models import Unit
from sifasuo.people import services as people_services
from sifasuo.people.demo import GIVEN, SURNAMES, synthetic_id_number
from sifasuo.people.models import Person
from sifasuo.staff import services as staff_services
from sifasuo.staff.choices import Establishment, Post, TrainingLevel

YEARS = (2022, 2023, 2024)
GAPS = (
    "area",
    "room",
    "plaque",
    "vacancy",
    "training",
    "party",
    "video",
    "funding",
)
COURSES = [
    ("全市司法所长业务培训班", TrainingLevel.CITY),
    ("人民调解业务培训", TrainingLevel.DISTRICT),
    ("社区矫正执法规范化培训", TrainingLevel.PROVINCIAL),
    ("习近平法治思想专题学习", TrainingLevel.DISTRICT),
    ("行政执法协调监督业务培训", TrainingLevel.CITY),
]


def _gaps(rng: random.Random) -> set[str]:
    """How far behind an office starts: none, one or two gaps, or far behind."""
    roll = rng.random()
    if roll < 0.32:
        return set()
    if roll < 0.82:
        return set(rng.sample(GAPS, rng.choice([1, 1, 2])))
    return set(rng.sample(GAPS, rng.randint(3, 5)))


def _person(rng: random.Random, office: Unit, serial: int) -> Person:
    male = rng.random() < 0.55
    born = date(1965, 1, 1) + timedelta(days=rng.randrange(0, 365 * 30))
    number = synthetic_id_number(office.code[:6], born, serial, male)
    index = Person._meta.get_field("id_number_bidx").index_of(number)  # type: ignore[union-attr]
    existing = Person.objects.filter(id_number_bidx=index).first()
    if existing is not None:
        return existing
    return people_services.person_create(
        actor=None,
        unit=office,
        name=rng.choice(SURNAMES) + rng.choice(GIVEN),
        id_number=number,
        phone=f"13{rng.randrange(100000000, 999999999)}",
    )


def _profile(year: int, gaps: set[str], rng: random.Random) -> dict[str, Any]:
    video = None if "video" in gaps else date(2022, rng.randint(3, 11), 1)
    return {
        "business_area": Decimal(rng.choice(["85.0", "98.5", "110.0"]))
        if "area" in gaps
        else Decimal(rng.choice(["120.0", "136.5", "160.0", "210.0"])),
        "ownership": rng.choice(Ownership.values),
        "sign_emblem": True,
        "sign_office_plaque": True,
        "sign_station_plaque": "plaque" not in gaps,
        "sign_light_box": rng.random() < 0.8,
        "sign_guide": rng.random() < 0.7,
        "establishment_quota": 3,
        "party_form": PartyForm.INDEPENDENT if "party" in gaps else PartyForm.JOINT,
        "remote_visit_installed_on": date(2022, rng.randint(2, 10), 15),
        "video_conf_installed_on": video,
        "terminal_installed_on": date(2023, 6, 1) if rng.random() < 0.4 else None,
        "funding_personnel": Decimal(rng.randrange(300, 900) * 1000),
        "funding_public": Decimal(rng.randrange(20, 80) * 1000),
        "funding_casework": Decimal(rng.randrange(10, 50) * 1000),
        "funding_equipment": Decimal(rng.randrange(5, 30) * 1000),
        "funding_infrastructure": Decimal("0")
        if "funding" in gaps
        else Decimal(rng.randrange(10, 200) * 1000),
    }


def _staff(office_return: OfficeReturn, gaps: set[str], rng: random.Random, base: int) -> None:
    office = office_return.unit
    posts = [Post.DIRECTOR, Post.STAFF, Post.STAFF]
    if "vacancy" in gaps:
        posts = posts[:2]
    members = []
    for n, post in enumerate(posts):
        member = _person(rng, office, base + n)
        staff_services.staff_add(
            actor=None,
            office_return=office_return,
            row=staff_services.StaffInput(
                person=member,
                establishment=Establishment.POLITICS_LAW,
                post=post,
                on_post_on=date(2019, 1, 1) + timedelta(days=rng.randrange(0, 900)),
                is_party_member="party" not in gaps or n == 0,
                has_legal_qualification=rng.random() < 0.4,
                education=rng.choice(["BACHELOR", "BACHELOR", "COLLEGE", "POSTGRADUATE"]),
            ),
        )
        members.append(member)
    auxiliary = _person(rng, office, base + 9)
    staff_services.staff_add(
        actor=None,
        office_return=office_return,
        row=staff_services.StaffInput(
            person=auxiliary,
            establishment=Establishment.PURCHASED,
            post=Post.AUXILIARY,
            on_post_on=date(2021, 3, 1),
        ),
    )


def _trainings(office_return: OfficeReturn, gaps: set[str], rng: random.Random) -> None:
    year = office_return.year
    end = date(year, 12, 31)
    for member in office_return.staff.select_related("person"):
        if not member.on_post(end):
            continue
        short = "training" in gaps and member.post == Post.STAFF
        days_left = Decimal(rng.choice([8, 10])) if short else Decimal(rng.choice([12, 13, 15]))
        for n, (course, level) in enumerate(rng.sample(COURSES, 2)):
            days = (days_left / 2).quantize(Decimal("0.5")) if n == 0 else days_left - days_left / 2
            staff_services.training_add(
                actor=None,
                office_return=office_return,
                row=staff_services.TrainingInput(
                    person=member.person,
                    course=course,
                    start_date=date(year, 3 + n * 5, 10),
                    days=days,
                    hours=days * 7,
                    level=level,
                ),
            )


def _rooms(office_return: OfficeReturn, gaps: set[str], rng: random.Random) -> None:
    present = dict.fromkeys(RoomKind.values, True)
    if "room" in gaps:
        present[rng.choice([RoomKind.CORRECTION, RoomKind.ARCHIVE, RoomKind.RESETTLEMENT])] = False
    areas: dict[str, Decimal | None] = {
        kind: Decimal(rng.choice(["12.0", "15.0", "18.0", "24.0"])) for kind in present
    }
    services.rooms_set(actor=None, office_return=office_return, present=present, areas=areas)


def create_demo_returns() -> int:
    """2022–2024 returns for every office; return how many were created."""
    rng = random.Random(20246)  # noqa: S311 - synthetic demo data
    created = 0
    offices = Unit.objects.filter(kind=UnitKind.OFFICE, is_active=True).order_by("code")
    existing = set(OfficeReturn.objects.values_list("unit_id", "year"))
    for serial, office in enumerate(offices):
        gaps = _gaps(rng)
        previous: OfficeReturn | None = None
        for year in YEARS:
            if year > YEARS[0] and gaps and rng.random() < 0.45:
                gaps = gaps - {rng.choice(sorted(gaps))}  # a gap fixed this year
            if (office.pk, year) in existing:
                previous = OfficeReturn.objects.get(unit=office, year=year)
                continue
            with transaction.atomic():
                office_return = services.return_create(
                    actor=None, office=office, year=year, copy_from=previous
                )
                services.return_update(
                    actor=None, office_return=office_return, **_profile(year, gaps, rng)
                )
                _rooms(office_return, gaps, rng)
                if previous is None:
                    _staff(office_return, gaps, rng, 800 + serial * 10)
                    for kind in SystemKind.values:
                        services.system_set(
                            actor=None,
                            office_return=office_return,
                            kind=kind,
                            adopted_on=date(2021, 6, 1),
                        )
                    services.equipment_add(
                        actor=None,
                        office_return=office_return,
                        category=EquipmentCategory.IT,
                        name="远程视频探视终端",
                    )
                    services.equipment_add(
                        actor=None,
                        office_return=office_return,
                        category=EquipmentCategory.OFFICE,
                        name="办公电脑",
                        quantity=4,
                    )
                else:
                    staff_services.staff_copy(actor=None, source=previous, target=office_return)
                    if "vacancy" not in gaps and office_return.staff.count() < 4:
                        _staff_fill(office_return, rng, 800 + serial * 10 + year % 10)
                _trainings(office_return, gaps, rng)
            previous = office_return
            created += 1
    return created


def _staff_fill(office_return: OfficeReturn, rng: random.Random, serial: int) -> None:
    """A vacancy filled this year: a new politics-and-law staff member arrives."""
    member = _person(rng, office_return.unit, serial)
    if office_return.staff.filter(person=member).exists():
        return
    staff_services.staff_add(
        actor=None,
        office_return=office_return,
        row=staff_services.StaffInput(
            person=member,
            establishment=Establishment.POLITICS_LAW,
            post=Post.STAFF,
            on_post_on=date(office_return.year, 4, 1),
            is_party_member=True,
        ),
    )
