"""Portal records for tests, made through the services (so scope and audit apply)."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count
from typing import Any

from django.utils import timezone

from sifasuo.accounts.models import User
from sifasuo.mediation import services as mediation_services
from sifasuo.mediation.choices import Outcome
from sifasuo.mediation.models import DisputeCategory, MediationCase
from sifasuo.orgs.models import Unit
from sifasuo.portal import services
from sifasuo.portal.models import PortalApplication

_phones = count(1)


def phone() -> str:
    """A fresh synthetic mainland mobile number."""
    return f"1390000{next(_phones):04d}"


def citizen(number: str | None = None) -> User:
    return services.citizen_for_phone(phone=number or phone())


def mediation_data(**overrides: Any) -> dict[str, Any]:
    return {
        "category": DisputeCategory.objects.get(code="NEIGHBOUR"),
        "summary": "楼上漏水，协商不成",
        "applicant_name": "赵敏",
        "respondent_name": "王某",
        "respondent_phone": "",
        "amount_involved": None,
        **overrides,
    }


def application(
    *,
    owner: User | None = None,
    office: str = "610102001",
    received_on: date | None = None,
    **overrides: Any,
) -> PortalApplication:
    """A MEDIATION request filed online to ``office`` (consent given)."""
    data = mediation_data(**overrides)
    if received_on:
        data["received_on"] = received_on
    return services.application_submit(
        citizen=owner or citizen(),
        kind_code="MEDIATION",
        office=Unit.objects.get(code=office),
        data=data,
        consent=True,
        on=received_on,
    )


def case_of(envelope: PortalApplication) -> MediationCase:
    return MediationCase.objects.get(pk=envelope.object_id)


def completed(*, actor: Any = None, **kwargs: Any) -> PortalApplication:
    """A request whose mediation ended in an oral agreement (COMPLETED)."""
    received = kwargs.pop("received_on", None) or timezone.localdate() - timedelta(days=5)
    envelope = application(received_on=received, **kwargs)
    case = mediation_services.case_accept(actor=actor, case=case_of(envelope), accepted_on=received)
    mediation_services.case_conclude(
        actor=actor,
        case=case,
        outcome=Outcome.ORAL,
        concluded_on=received + timedelta(days=1),
        agreement_terms="当面协商一致",
    )
    envelope.refresh_from_db()
    return envelope


def poor_rating(*, rated_on: date | None = None, **kwargs: Any) -> Any:
    """A completed request rated 不满意, with its follow-up."""
    envelope = completed(**kwargs)
    return services.rating_create(
        citizen=envelope.citizen, application=envelope, level="DISSATISFIED", on=rated_on
    )
