"""Demo offices: one per real town or street, with synthetic contact details (said so)."""

from __future__ import annotations

import hashlib

from django.db import transaction

from sifasuo.orgs.choices import COMMITTEE_SUFFIX, DivisionLevel, UnitKind
from sifasuo.orgs.models import Division, Unit
from sifasuo.orgs.services import short_name_for

# DESIGN.md "Units and codes": an illustration of development-zone management.
DEMO_DEVZONE_STREETS = {
    "610113007": "6101A2",  # 丈八沟街道 → 高新区
    "610113006": "6101A2",  # 鱼化寨街道 → 高新区
    "610111008": "6101A3",  # 新筑街道 → 国际港务区
    "610116010": "6101A1",  # 斗门街道 → 西咸新区
    "610112008": "6101A1",  # 六村堡街道 → 西咸新区
}
DEMO_HOURS = "周一至周五 9:00—12:00，14:00—17:30（法定节假日除外）"


def _demo_phone(code: str) -> str:
    digits = int(hashlib.sha256(code.encode()).hexdigest(), 16) % 10_000_000
    return f"029-8{digits:07d}"


@transaction.atomic
def create_demo_offices() -> int:
    """Create (or keep) one office and one street mediation committee per town; return count."""
    bureaus = {u.code: u for u in Unit.objects.filter(kind__in=["DISTRICT", "DEVZONE"])}
    created = 0
    towns = Division.objects.filter(level=DivisionLevel.TOWN).select_related("parent")
    for town in towns.order_by("code"):
        bureau = bureaus[DEMO_DEVZONE_STREETS.get(town.code, town.parent.code)]  # type: ignore[union-attr]
        office, was_created = Unit.objects.get_or_create(
            code=town.code,
            defaults={
                "name": f"{town.name}司法所",
                "short_name": short_name_for(town),
                "kind": UnitKind.OFFICE,
                "parent": bureau,
                "division": town,
                "address": f"西安市{town.parent.name}{town.name}综合服务中心（演示地址）",  # type: ignore[union-attr]
                "phone": _demo_phone(town.code),
                "opening_hours": DEMO_HOURS,
                "is_demo_contact": True,
            },
        )
        created += was_created
        Unit.objects.get_or_create(
            code=f"{office.code}{COMMITTEE_SUFFIX}01",
            defaults={
                "name": f"{town.name}人民调解委员会",
                "short_name": office.short_name,
                "kind": UnitKind.COMMITTEE,
                "parent": office,
                "division": town,
            },
        )
    return created
