"""Demo people: synthetic, checksum-valid ID numbers across many offices."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction

from sifasuo.accounts.models import User
from sifasuo.orgs.choices import UnitKind
from sifasuo.orgs.models import Unit
from sifasuo.people import idnumbers, services
from sifasuo.people.models import Person

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = [
    "建国",
    "秀英",
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
]
STREETS = ["东大街", "西大街", "南大街", "北大街", "长安路", "友谊路", "太白路", "朱雀大街"]


def synthetic_id_number(region: str, born: date, sequence: int, male: bool) -> str:
    """Return a checksum-valid resident ID number for synthetic data."""
    seq = f"{sequence % 100:02d}{(sequence % 5) * 2 + (1 if male else 0)}"
    first17 = f"{region}{born:%Y%m%d}{seq}"
    return first17 + idnumbers.check_char(first17)


@transaction.atomic
def create_demo_people(per_office: int = 3, offices: int = 40) -> int:
    """Register a few people in each of ``offices`` offices (deterministic); return count."""
    rng = random.Random(20241)  # noqa: S311 - synthetic demo data, not security
    clerk = User.objects.get(username="xiyilu_clerk")
    weiqu = User.objects.get(username="weiqu_clerk")
    created = 0
    office_list = list(Unit.objects.filter(kind=UnitKind.OFFICE).order_by("code")[:offices])
    office_list += list(Unit.objects.filter(code__in=["610102001", "610116001"]))
    for office in office_list:
        actor = weiqu if office.code == "610116001" else clerk
        for n in range(per_office):
            # Draw every random value first, so a second run draws the same ones.
            male = rng.random() < 0.5
            born = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 55))
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
            phone = f"13{rng.randrange(100000000, 999999999)}"
            street, house = rng.choice(STREETS), rng.randrange(1, 300)
            number = synthetic_id_number(office.code[:6], born, n + int(office.code[-3:]), male)
            if Person.objects.filter(
                id_number_bidx=Person._meta.get_field("id_number_bidx").index_of(number)  # type: ignore[union-attr]
            ).exists():
                continue
            # Seed through the office's own clerk where we have one, else as the system.
            person = services.person_create(
                actor=actor if office.code in ("610102001", "610116001") else None,
                unit=office,
                name=name,
                id_number=number,
                phone=phone,
                address=f"西安市{office.name.removesuffix('司法所')}{street}{house}号",
            )
            created += bool(person)
    return created
