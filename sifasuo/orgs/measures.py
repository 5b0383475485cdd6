"""Figures orgs owns: offices and committees in scope."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sifasuo.core.measures import Measure, registry
from sifasuo.orgs.choices import UnitKind
from sifasuo.orgs.models import Unit


def _units_of_kind(kind: str) -> Any:
    def records(user: Any) -> QuerySet[Unit]:
        return Unit.objects.visible_to(user).filter(kind=kind, is_active=True)

    return records


registry.register(
    Measure(
        code="orgs.offices",
        label=_("Judicial offices"),
        records=_units_of_kind(UnitKind.OFFICE),
        unit_path_field="path",
    )
)
registry.register(
    Measure(
        code="orgs.committees",
        label=_("Mediation committees"),
        records=_units_of_kind(UnitKind.COMMITTEE),
        unit_path_field="path",
    )
)
