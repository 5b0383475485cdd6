"""Reads of the resettlement ledger, always through scope; reads of a file are audited."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404

from sifasuo.core import audit
from sifasuo.core.measures import registry
from sifasuo.core.scope import get_for_user
from sifasuo.orgs.choices import UnitKind
from sifasuo.orgs.models import Unit
from sifasuo.orgs.selectors import unit_for_user
from sifasuo.people import idnumbers
from sifasuo.people.models import Person
from sifasuo.resettlement.choices import VisitationStatus
from sifasuo.resettlement.models import (
    ReleasedPerson,
    VisitationRequest,
    VisitationSystem,
)

MEASURE_PREFIX = "resettlement."


def period_bounds(year: int | None) -> tuple[date | None, date | None]:
    if year is None:
        return None, None
    return date(year, 1, 1), date(year + 1, 1, 1)


def person_list(
    *, user: Any, measure: str = "", unit: str = "", year: int | None = None
) -> QuerySet[ReleasedPerson]:
    """Files in scope; with ``measure`` (a drill-down), exactly the records of that figure."""
    if measure:
        if not measure.startswith(MEASURE_PREFIX):
            raise Http404
        try:
            figure = registry.get(measure)
        except KeyError as exc:
            raise Http404 from exc
        if figure.records(user).model is not ReleasedPerson:
            raise Http404
        start, end = period_bounds(year)
        scope_unit = unit_for_user(user=user, code=unit) if unit else None
        qs = figure.queryset(user, unit=scope_unit, start=start, end=end)
    else:
        qs = ReleasedPerson.objects.visible_to(user)
        if unit:
            qs = qs.filter(unit__path__startswith=unit_for_user(user=user, code=unit).path)
    return qs.select_related("person", "unit", "unit__parent")


def person_for_user(*, user: Any, public_id: Any, action: str = "view") -> ReleasedPerson:
    """One file: 404 alike for missing and out of scope, 403 without the right."""
    return get_for_user(
        ReleasedPerson.objects.select_related("person", "unit", "unit__parent"),
        user,
        action,
        public_id=public_id,
    )


def person_read(*, user: Any, public_id: Any) -> ReleasedPerson:
    """Open a file for reading: exactly one ``view`` audit row, no personal data in it."""
    rp = person_for_user(user=user, public_id=public_id)
    audit.record("view", actor=user, obj=rp)
    return rp


def person_lookup_by_document(
    *, user: Any, id_type: str, id_number: str
) -> QuerySet[ReleasedPerson]:
    """Files whose person has this document number (blind index); audited, no number logged."""
    index = Person._meta.get_field("id_number_bidx").index_of(  # type: ignore[union-attr]
        idnumbers.normalize(id_number)
    )
    audit.record(
        "search", actor=user, object_type="resettlement.releasedperson", changes={"by": "id_number"}
    )
    return person_list(user=user).filter(person__id_type=id_type, person__id_number_bidx=index)


def files_of_person(*, user: Any, person: Person) -> QuerySet[ReleasedPerson]:
    """Every file in scope of one registry person."""
    return person_list(user=user).filter(person=person)


def offices_for_choice(*, user: Any) -> QuerySet[Unit]:
    """Offices where ``user`` may open files (own office, with the create right)."""
    from sifasuo.core.scope import unit_reach_q

    return Unit.objects.filter(
        unit_reach_q(user, ReleasedPerson, "create"), kind=UnitKind.OFFICE, is_active=True
    ).order_by("path")


def visitation_list(*, user: Any, status: str = "", unit: str = "") -> QuerySet[VisitationRequest]:
    """Remote visitation requests in scope."""
    qs = (
        VisitationRequest.objects.visible_to(user)
        .select_related("unit")
        .annotate(visitor_count=Count("visitors"))
        .order_by("-applied_on", "-pk")
    )
    if status:
        qs = qs.filter(status=status)
    if unit:
        qs = qs.filter(unit__path__startswith=unit_for_user(user=user, code=unit).path)
    return qs


def visitation_for_user(*, user: Any, public_id: Any, action: str = "view") -> VisitationRequest:
    return get_for_user(
        VisitationRequest.objects.select_related("unit", "proof"),
        user,
        action,
        public_id=public_id,
    )


def coverage(
    *, user: Any, unit: str = "", year: int | None = None
) -> list[tuple[Unit, VisitationSystem | None, int]]:
    """Offices in scope with their visitation system and the sessions held (in ``year``).

    One row per office, from three queries whatever the number of offices.
    """
    offices = Unit.objects.visible_to(user).filter(kind=UnitKind.OFFICE, is_active=True)
    if unit:
        offices = offices.filter(path__startswith=unit_for_user(user=user, code=unit).path)
    held = VisitationRequest.objects.visible_to(user).filter(status=VisitationStatus.HELD)
    if year:
        held = held.filter(held_on__year=year)
    systems = VisitationSystem.objects.visible_to(user).filter(unit__in=offices)
    by_unit = {s.unit_id: s for s in systems}
    counts = dict(
        held.filter(unit__in=offices)
        .order_by()
        .values("unit")
        .annotate(n=Count("pk"))
        .values_list("unit", "n")
    )
    return [
        (office, by_unit.get(office.pk), counts.get(office.pk, 0))
        for office in offices.select_related("parent").order_by("path")
    ]
