"""Mediation records for tests, made through the services (so scope and audit apply)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from itertools import count
from typing import Any

from django.utils import timezone

from sifasuo.mediation import services
from sifasuo.mediation.choices import CaseSource, Outcome, PartyRole, Performance, RecordKind
from sifasuo.mediation.models import DisputeCategory, MediationCase
from sifasuo.orgs.models import Unit
from sifasuo.people.demo import synthetic_id_number

_numbers = count(500)


def id_number(region: str = "610102", born: date = date(1980, 3, 4)) -> str:
    """A fresh synthetic, checksum-valid ID number."""
    return synthetic_id_number(region, born + timedelta(days=next(_numbers)), 7, male=True)


def parties(applicant: str = "张三", respondent: str = "李四") -> list[services.PartyInput]:
    return [
        services.PartyInput(role=PartyRole.APPLICANT, name=applicant, id_number=id_number()),
        services.PartyInput(role=PartyRole.RESPONDENT, name=respondent),
    ]


def register(
    *,
    actor: Any = None,
    committee: str | Unit = "610102001T01",
    category: str = "NEIGHBOUR",
    received_on: date | None = None,
    source: str = CaseSource.APPLICATION,
    **kwargs: Any,
) -> MediationCase:
    """Register an intake at ``committee`` (a code or a unit)."""
    unit = committee if isinstance(committee, Unit) else Unit.objects.get(code=committee)
    return services.case_register(
        actor=actor,
        committee=unit,
        source=source,
        category=DisputeCategory.objects.get(code=category),
        summary=kwargs.pop("summary", "邻里之间因排水问题发生纠纷"),
        received_on=received_on or timezone.localdate() - timedelta(days=20),
        parties=kwargs.pop("parties", None) or parties(),
        **kwargs,
    )


def accepted(*, actor: Any = None, accepted_on: date | None = None, **kwargs: Any) -> MediationCase:
    case = register(actor=actor, **kwargs)
    return services.case_accept(actor=actor, case=case, accepted_on=accepted_on or case.received_on)


def agreed(
    *, actor: Any = None, outcome: str = Outcome.WRITTEN, amount: str = "1200.00", **kwargs: Any
) -> MediationCase:
    """A case with an agreement reached (written by default)."""
    case = accepted(actor=actor, **kwargs)
    services.case_add_record(
        actor=actor,
        case=case,
        kind=RecordKind.SESSION,
        held_on=case.accepted_on,
        content="双方陈述了各自意见，经调解达成一致。",
        place="调解室",
    )
    return services.case_conclude(
        actor=actor,
        case=case,
        outcome=outcome,
        concluded_on=case.accepted_on,
        facts="申请人与被申请人因排水管道堵塞发生争执，被申请人负主要责任。",
        agreement_terms="被申请人赔偿申请人维修费用。",
        performance_manner="一次性现金支付",
        performance_deadline=case.accepted_on + timedelta(days=5),
        agreement_amount=Decimal(amount),
    )


def failed(*, actor: Any = None, **kwargs: Any) -> MediationCase:
    case = accepted(actor=actor, **kwargs)
    return services.case_conclude(
        actor=actor,
        case=case,
        outcome=Outcome.FAILED,
        concluded_on=case.accepted_on,
        routes_informed=True,
        termination_note="双方分歧较大",
    )


def visited(*, actor: Any = None, **kwargs: Any) -> MediationCase:
    case = agreed(actor=actor, **kwargs)
    services.case_return_visit(
        actor=actor,
        case=case,
        visited_on=case.concluded_on,
        method="PHONE",
        performance=Performance.PERFORMED,
        satisfaction="SATISFIED",
    )
    case.refresh_from_db()
    return case
