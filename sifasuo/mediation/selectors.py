"""Reads of the mediation ledger, always through scope."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from sifasuo.core import audit
from sifasuo.core.measures import registry
from sifasuo.core.scope import get_for_user, unit_reach_q
from sifasuo.mediation.choices import MEMBER_POSITIONS, TransferStatus
from sifasuo.mediation.models import (
    CaseParty,
    CaseTransfer,
    MediationCase,
    Mediator,
    ScreeningReport,
)
from sifasuo.orgs.choices import UnitKind
from sifasuo.orgs.models import Unit
from sifasuo.orgs.selectors import unit_for_user
from sifasuo.people import idnumbers
from sifasuo.people.models import Person

MEASURE_PREFIX = "mediation."


def period_bounds(year: int | None, month: int | None = None) -> tuple[date | None, date | None]:
    """Return [start, end) of a year or of one month of it; (None, None) without a year."""
    if year is None:
        return None, None
    if month:
        start = date(year, month, 1)
        end = date(year + (month == 12), month % 12 + 1, 1)
        return start, end
    return date(year, 1, 1), date(year + 1, 1, 1)


def for_table(cases: QuerySet[MediationCase]) -> QuerySet[MediationCase]:
    """Only the columns of the case table (``mediation/_case_table.html``).

    A page of the ledger then loads no long texts and decrypts no party's personal numbers:
    a case row is about sixty columns, a party's person three ciphertexts.
    """
    parties = (
        CaseParty.objects.select_related("person")
        .only("case", "role", "organisation_name", "person__name")
        .order_by("role", "pk")
    )
    return (
        cases.select_related(None)
        .select_related("unit", "category")
        .prefetch_related(None)
        .prefetch_related(Prefetch("parties", queryset=parties))
        .only(
            "public_id",
            "number",
            "received_on",
            "status",
            "decision_due",
            "conclude_due",
            "return_visit_due",
            "unit__name",
            "category__name",
        )
    )


def case_list(
    *,
    user: Any,
    measure: str = "",
    unit: str = "",
    year: int | None = None,
    month: int | None = None,
) -> QuerySet[MediationCase]:
    """Cases in scope; with ``measure`` (a drill-down), exactly the records of that figure.

    ``unit`` is a unit code (404 when out of scope); the figure's own rule decides which
    unit field and which date the unit and period apply to.
    """
    if measure:
        if not measure.startswith(MEASURE_PREFIX):
            raise Http404
        try:
            figure = registry.get(measure)
        except KeyError as exc:
            raise Http404 from exc
        start, end = period_bounds(year, month)
        scope_unit = unit_for_user(user=user, code=unit) if unit else None
        qs = figure.queryset(user, unit=scope_unit, start=start, end=end)
    else:
        qs = MediationCase.objects.visible_to(user)
        if unit:
            scope_unit = unit_for_user(user=user, code=unit)
            qs = qs.filter(unit__path__startswith=scope_unit.path)
    return qs.select_related("unit", "unit__parent", "category").prefetch_related(
        Prefetch(
            "parties", queryset=CaseParty.objects.select_related("person").order_by("role", "pk")
        )
    )


def case_for_user(*, user: Any, public_id: Any, action: str = "view") -> MediationCase:
    """One case: 404 alike for missing and out of scope, 403 without the right."""
    return get_for_user(
        MediationCase.objects.select_related(
            "unit", "unit__parent", "category", "registered_unit", "accepted_unit"
        ),
        user,
        action,
        public_id=public_id,
    )


def case_lookup_by_document(*, user: Any, id_type: str, id_number: str) -> QuerySet[MediationCase]:
    """Cases whose party has this document number (blind index); audited, no number logged."""
    index = Person._meta.get_field("id_number_bidx").index_of(  # type: ignore[union-attr]
        idnumbers.normalize(id_number)
    )
    audit.record(
        "search", actor=user, object_type="mediation.mediationcase", changes={"by": "id_number"}
    )
    return case_list(user=user).filter(
        parties__person__id_type=id_type, parties__person__id_number_bidx=index
    )


def cases_of_person(*, user: Any, person: Person) -> QuerySet[MediationCase]:
    """Every case in scope the person is a party to."""
    return case_list(user=user).filter(parties__person=person).distinct()


def case_transfers(*, case: MediationCase) -> QuerySet[CaseTransfer]:
    """The transfer history of a case (the case itself was fetched through scope)."""
    return case.transfers.select_related("unit", "to_unit", "decided_by").order_by("created_at")


def pending_transfer(*, case: MediationCase) -> CaseTransfer | None:
    return case.transfers.filter(status=TransferStatus.PENDING).select_related("to_unit").first()


def committee_list(*, user: Any, q: str = "", committee_type: str = "") -> QuerySet[Unit]:
    """Committees in scope with their profile and the number of active members."""
    qs = (
        Unit.objects.visible_to(user)
        .filter(kind=UnitKind.COMMITTEE, is_active=True)
        .select_related("parent", "mediation_profile", "division")
        .annotate(
            member_count=Count(
                "mediators",
                filter=Q(mediators__is_active=True, mediators__position__in=MEMBER_POSITIONS),
                distinct=True,
            ),
            mediator_count=Count("mediators", filter=Q(mediators__is_active=True), distinct=True),
        )
    )
    if q:
        qs = qs.filter(Q(name__contains=q.strip()) | Q(code__startswith=q.strip()))
    if committee_type:
        qs = qs.filter(mediation_profile__committee_type=committee_type)
    return qs.order_by("path")


def committee_for_user(*, user: Any, code: str) -> Unit:
    """One committee in scope (404 otherwise)."""
    unit = unit_for_user(user=user, code=code)
    if unit.kind != UnitKind.COMMITTEE:
        raise Http404
    return unit


def committee_mediators(*, user: Any, committee: Unit) -> QuerySet[Mediator]:
    return (
        Mediator.objects.visible_to(user)
        .filter(unit=committee)
        .select_related("person")
        .order_by("-is_active", "position", "pk")
    )


def committees_for_choice(*, user: Any, action: str = "create") -> QuerySet[Unit]:
    """Committees where ``user`` may register cases (own or below, with the right)."""
    return Unit.objects.filter(
        unit_reach_q(user, MediationCase, action), kind=UnitKind.COMMITTEE, is_active=True
    ).order_by("path")


def screening_list(
    *, user: Any, year: int | None = None, no_dispute: bool | None = None
) -> QuerySet[ScreeningReport]:
    """Screening reports in scope, with their item counts."""
    qs = (
        ScreeningReport.objects.visible_to(user)
        .select_related("unit", "division")
        .annotate(item_count=Count("items"))
        .order_by("-period", "unit__path", "pk")
    )
    if year:
        qs = qs.filter(period__year=year)
    if no_dispute is not None:
        qs = qs.filter(no_dispute=no_dispute)
    return qs


def screening_for_user(*, user: Any, public_id: Any, action: str = "view") -> ScreeningReport:
    return get_for_user(
        ScreeningReport.objects.select_related("unit", "division"),
        user,
        action,
        public_id=public_id,
    )
