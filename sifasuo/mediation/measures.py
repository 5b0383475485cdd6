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


RECEIVED = registry.register(
    Measure(
        code="mediation.received",
        label=_("Intakes registered"),
        records=_cases,
        date_field="received_on",
        unit_path_field="registered_unit__path",
        description="Every intake registered in the period, refusals included.",
    )
)
REFUSED = registry.register(
    Measure(
        code="mediation.refused",
        label=_("Intakes not accepted"),
        records=_refused,
        date_field="received_on",
        unit_path_field="registered_unit__path",
    )
)
ACCEPTED = registry.register(
    Measure(
        code="mediation.accepted",
        label=_("Cases accepted"),
        records=_accepted,
        date_field="accepted_on",
        unit_path_field="accepted_unit__path",
        breakdowns=ACCEPTED_BREAKDOWNS,
    )
)
SUCCEEDED = registry.register(
    Measure(
        code="mediation.succeeded",
        label=_("Agreements reached"),
        records=_succeeded,
        date_field="accepted_on",
        unit_path_field="accepted_unit__path",
        breakdowns=ACCEPTED_BREAKDOWNS,
    )
)
FAILED = registry.register(
    Measure(
        code="mediation.failed",
        label=_("Mediations ended without agreement"),
        records=_failed,
        date_field="accepted_on",
        unit_path_field="accepted_unit__path",
    )
)
ON_TIME = registry.register(
    Measure(
        code="mediation.on_time",
        label=_("Cases concluded on time"),
        records=_on_time,
        date_field="accepted_on",
        unit_path_field="accepted_unit__path",
    )
)
OVERDUE = registry.register(
    Measure(
        code="mediation.overdue",
        label=_("Open cases past their deadline"),
        records=_overdue,
        date_field="accepted_on",
        unit_path_field="accepted_unit__path",
    )
)
AGREEMENT_AMOUNT = registry.register(
    Measure(
        code="mediation.agreement_amount",
        label=_("Amount agreed (yuan)"),
        records=_succeeded,
        date_field="accepted_on",
        unit_path_field="accepted_unit__path",
        sum_field="agreement_amount",
    )
)
