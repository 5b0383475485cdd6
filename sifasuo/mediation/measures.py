"""The mediation figures, defined once (DESIGN "measures").

A case counts once, under the committee that accepted it, in the year of its acceptance
date (受理日期); an intake counts under the committee that registered it, in the year it was
received. Transfers move the work, not the count, so a unit's figure is the sum of its
children's.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _

from sifasuo.core.measures import Measure, registry
from sifasuo.mediation.choices import SUCCESS_OUTCOMES, CaseStatus, Outcome
from sifasuo.mediation.models import MediationCase

ACCEPTED_BREAKDOWNS = {
    "by_category": "category__code",
    "by_source": "source",
    "by_outcome": "outcome",
    "by_committee_type": "accepted_unit__mediation_profile__committee_type",
}


def _cases(user: Any) -> QuerySet[MediationCase]:
    return MediationCase.objects.visible_to(user)


def _accepted(user: Any) -> QuerySet[MediationCase]:
    return _cases(user).filter(accepted_on__isnull=False)


def _succeeded(user: Any) -> QuerySet[MediationCase]:
    return _accepted(user).filter(outcome__in=SUCCESS_OUTCOMES)


def _failed(user: Any) -> QuerySet[MediationCase]:
    return _accepted(user).filter(outcome=Outcome.FAILED)


def _refused(user: Any) -> QuerySet[MediationCase]:
    return _cases(user).filter(status=CaseStatus.REFUSED)


def _on_time(user: Any) -> QuerySet[MediationCase]:
    return _accepted(user).filter(concluded_on__isnull=False, concluded_on__lte=F("conclude_due"))


def _overdue(user: Any) -> QuerySet[MediationCase]:
    from django.utils import timezone

    return _accepted(user).filter(
        status__in=[CaseStatus.ACCEPTED, CaseStatus.INVESTIGATING, CaseStatus.MEDIATING],
        conclude_due__lt=timezone.localdate(),
    )


# code, label, records, date field, unit path field, breakdowns, summed field
_INTAKE = ("received_on", "registered_unit__path")
_ACCEPTANCE = ("accepted_on", "accepted_unit__path")
MEASURES = [
    ("mediation.received", _("Intakes registered"), _cases, *_INTAKE, {}, None),
    ("mediation.refused", _("Intakes not accepted"), _refused, *_INTAKE, {}, None),
    ("mediation.accepted", _("Cases accepted"), _accepted, *_ACCEPTANCE, ACCEPTED_BREAKDOWNS, None),
    (
        "mediation.succeeded",
        _("Agreements reached"),
        _succeeded,
        *_ACCEPTANCE,
        ACCEPTED_BREAKDOWNS,
        None,
    ),
    ("mediation.failed", _("Mediations ended without agreement"), _failed, *_ACCEPTANCE, {}, None),
    ("mediation.on_time", _("Cases concluded on time"), _on_time, *_ACCEPTANCE, {}, None),
    ("mediation.overdue", _("Open cases past their deadline"), _overdue, *_ACCEPTANCE, {}, None),
    (
        "mediation.agreement_amount",
        _("Amount agreed (yuan)"),
        _succeeded,
        *_ACCEPTANCE,
        {},
        "agreement_amount",
    ),
]

# figures that depend on today's date: computed live, never kept in the aggregates
LIVE = {"mediation.overdue"}

for code, label, records, date_field, unit_path_field, breakdowns, sum_field in MEASURES:
    registry.register(
        Measure(
            code=code,
            label=label,
            records=records,
            date_field=date_field,
            unit_path_field=unit_path_field,
            breakdowns=breakdowns,
            sum_field=sum_field,
            live=code in LIVE,
        )
    )
