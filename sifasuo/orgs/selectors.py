"""Reads of divisions and units: the public locator and the scoped unit list."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from sifasuo.core.scope import get_for_user
from sifasuo.orgs.choices import DivisionLevel
from sifasuo.orgs.models import Division, Unit


def districts() -> QuerySet[Division]:
    """The 13 districts and counties, by code."""
    return Division.objects.filter(level=DivisionLevel.DISTRICT).order_by("code")


def towns(district_code: str = "") -> QuerySet[Division]:
    """Towns and streets, optionally of one district."""
    qs = Division.objects.filter(level=DivisionLevel.TOWN)
    if district_code:
        qs = qs.filter(parent__code=district_code)
    return qs.order_by("code")


def locator_offices(*, district: str = "", town: str = "", q: str = "") -> QuerySet[Unit]:
    """Public office search: by district (of the town served), town, or name/address."""
    qs = Unit.objects.public_offices().select_related("division", "division__parent", "parent")
    if district:
        qs = qs.filter(
            Q(division__parent__code=district) | Q(other_divisions__parent__code=district)
        )
    if town:
        qs = qs.filter(Q(division__code=town) | Q(other_divisions__code=town))
    if q:
        qs = qs.filter(Q(name__contains=q.strip()) | Q(address__contains=q.strip()))
    return qs.distinct().order_by("code")


def unit_for_user(*, user: Any, code: str) -> Unit:
    """Return the unit named by a ``unit=``-style parameter; 404 if missing or out of scope.

    DESIGN rule 1: a unit parameter outside the user's scope answers 404, never an empty
    list that would confirm the unit exists.
    """
    return get_for_user(Unit.objects.all(), user, "view", code=code)


def unit_list(*, user: Any, kind: str = "", q: str = "", parent: str = "") -> QuerySet[Unit]:
    """Units in ``user``'s scope, filtered by kind, name or code, and parent code."""
    qs = Unit.objects.visible_to(user).select_related("parent", "division")
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(name__contains=q.strip()) | Q(code__startswith=q.strip()))
    if parent:
        qs = qs.filter(parent=unit_for_user(user=user, code=parent))
    return qs
