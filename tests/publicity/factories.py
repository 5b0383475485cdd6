"""Publicity records for tests, made through the services (so scope and audit apply)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from itertools import count
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sifasuo.orgs.models import Division, Unit
from sifasuo.people.demo import synthetic_id_number
from sifasuo.publicity import services
from sifasuo.publicity.choices import (
    ActivityForm,
    DesignationLevel,
    LiteratePool,
    MatterKind,
    ServiceMode,
    Target,
    TownAdviserKind,
    VillageKind,
)
from sifasuo.publicity.models import (
    DemonstrationHousehold,
    DemonstrationVillage,
    LawTopic,
    LegalLiterate,
    PublicityActivity,
    TownAdviser,
    VillageAdviser,
)

XIYILU = "610102001"
PHONE = "13912345678"
LAWYER_PHONE = "13787654321"
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32 + b"\xff\xd9"

_numbers = count(700)


def today() -> date:
    return timezone.localdate()


def office(code: str = XIYILU) -> Unit:
    return Unit.objects.get(code=code)


def village(code: str = XIYILU, n: int = 0) -> Division:
    """The ``n``-th village of the towns the office serves."""
    return services.villages_of([office(code)])[n]


def id_number(region: str = "610102") -> str:
    n = next(_numbers)
    return synthetic_id_number(region, date(1972, 1, 1) + timedelta(days=n), n, male=n % 2 == 0)


def person_input(name: str = "王明白", **kwargs: Any) -> services.PersonInput:
    return services.PersonInput(
        name=name, id_number=kwargs.pop("id_number", id_number()), phone=PHONE, **kwargs
    )


def photo(name: str = "现场.png", content: bytes = PNG_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/png")


def laws(*codes: str) -> list[LawTopic]:
    return list(LawTopic.objects.filter(code__in=codes or ("CONSTITUTION", "CIVIL_CODE")))


def activity(*, actor: Any = None, code: str = XIYILU, **kwargs: Any) -> PublicityActivity:
    values: dict[str, Any] = {
        "held_on": today() - timedelta(days=10),
        "theme": "民法典进社区",
        "laws": laws(),
        "target": Target.COMMUNITIES,
        "form": ActivityForm.LECTURE,
        "place": "社区活动室",
        "participants": 80,
        "materials": 120,
    }
    values.update(kwargs)
    return services.activity_create(actor=actor, office=office(code), **values)


def literate(*, actor: Any = None, code: str = XIYILU, n: int = 0, **kwargs: Any) -> LegalLiterate:
    return services.literate_create(
        actor=actor,
        office=office(code),
        person=kwargs.pop("person", None) or person_input(),
        village=kwargs.pop("village", None) or village(code, n),
        appointed_on=kwargs.pop("appointed_on", today() - timedelta(days=100)),
        pool=kwargs.pop("pool", LiteratePool.GRID),
        **kwargs,
    )


def household(*, actor: Any = None, code: str = XIYILU, **kwargs: Any) -> DemonstrationHousehold:
    return services.household_create(
        actor=actor,
        office=office(code),
        head=kwargs.pop("head", None) or person_input("赵示范"),
        village=kwargs.pop("village", None) or village(code),
        year=kwargs.pop("year", today().year - 1),
        **kwargs,
    )


def adviser(*, actor: Any = None, code: str = XIYILU, n: int = 0, **kwargs: Any) -> VillageAdviser:
    values: dict[str, Any] = {
        "village": village(code, n),
        "village_kind": VillageKind.COMMUNITY,
        "lawyer_name": "陈律师",
        "law_firm": "陕西秦都律师事务所",
        "licence_number": "16101201010123456",
        "phone": LAWYER_PHONE,
        "contract_start": today() - timedelta(days=300),
        "contract_end": today() + timedelta(days=65),
    }
    values.update(kwargs)
    return services.adviser_create(actor=actor, office=office(code), **values)


def log(adviser: VillageAdviser, served_on: date, *, actor: Any = None, **kwargs: Any) -> Any:
    return services.adviser_add_log(
        actor=actor,
        adviser=adviser,
        served_on=served_on,
        mode=kwargs.pop("mode", ServiceMode.ON_SITE),
        hours=kwargs.pop("hours", Decimal("3.0")),
        **kwargs,
    )


def title(*, actor: Any = None, code: str = XIYILU, **kwargs: Any) -> DemonstrationVillage:
    return services.village_designate(
        actor=actor,
        office=office(code),
        village=kwargs.pop("village", None) or village(code),
        level=kwargs.pop("level", DesignationLevel.CITY),
        year=kwargs.pop("year", today().year - 1),
        designated_on=kwargs.pop("designated_on", today() - timedelta(days=400)),
        **kwargs,
    )


def town_adviser(*, actor: Any = None, code: str = XIYILU, **kwargs: Any) -> TownAdviser:
    values: dict[str, Any] = {
        "kind": TownAdviserKind.GOVERNMENT_ADVISER,
        "name": "刘顾问",
        "firm_or_post": "陕西古城律师事务所",
        "licence_number": "16101201010654321",
        "phone": LAWYER_PHONE,
        "contract_start": today() - timedelta(days=340),
        "contract_end": today() + timedelta(days=25),
    }
    values.update(kwargs)
    return services.town_adviser_create(actor=actor, office=office(code), **values)


def matter(adviser: TownAdviser, *, actor: Any = None) -> Any:
    return services.town_adviser_add_matter(
        actor=actor,
        adviser=adviser,
        handled_on=today() - timedelta(days=5),
        matter="物业服务合同审查",
        kind=MatterKind.CONTRACT,
        outcome="提出修改意见三条，已采纳",
    )


# The permission matrix makes records for any unit (services need an office) -----------------


def _matrix_village() -> Division:
    return village(XIYILU, 0)


def matrix_activity(owner: Unit) -> PublicityActivity:
    obj = PublicityActivity(
        unit=owner,
        held_on=today() - timedelta(days=3),
        theme="矩阵",
        target=Target.ORGANS,
        form=ActivityForm.LECTURE,
        place="矩阵",
    )
    obj.save()
    return obj


def matrix_literate(owner: Unit) -> LegalLiterate:
    from tests.accounts.test_permission_matrix import make_person

    obj = LegalLiterate(
        unit=owner,
        person=make_person(office(XIYILU)),
        village=_matrix_village(),
        appointed_on=today() - timedelta(days=3),
    )
    obj.save()
    return obj


def matrix_household(owner: Unit) -> DemonstrationHousehold:
    from tests.accounts.test_permission_matrix import make_person

    obj = DemonstrationHousehold(
        unit=owner, head=make_person(office(XIYILU)), village=_matrix_village(), year=2023
    )
    obj.save()
    return obj


def matrix_adviser(owner: Unit) -> VillageAdviser:
    obj = VillageAdviser(
        unit=owner,
        village=_matrix_village(),
        lawyer_name="矩阵",
        law_firm="矩阵",
        licence_number="1",
        phone=LAWYER_PHONE,
        contract_start=today() - timedelta(days=3),
        contract_end=today() + timedelta(days=3),
    )
    obj.save()
    return obj


def matrix_title(owner: Unit) -> DemonstrationVillage:
    obj = DemonstrationVillage(
        unit=owner,
        village=_matrix_village(),
        level=DesignationLevel.DISTRICT,
        year=1990 + next(_numbers) % 30,
        designated_on=today() - timedelta(days=30),
        review_due=today() + timedelta(days=30),
    )
    obj.save()
    return obj


def matrix_town_adviser(owner: Unit) -> TownAdviser:
    obj = TownAdviser(
        unit=owner,
        kind=TownAdviserKind.PUBLIC_LAWYER,
        name="矩阵",
        firm_or_post="矩阵",
        contract_start=today() - timedelta(days=3),
        contract_end=today() + timedelta(days=300),
    )
    obj.save()
    return obj
