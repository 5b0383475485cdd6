"""What the URL walker and the permission matrix need to know about legalservice."""

from __future__ import annotations

from typing import Any

from django.db import models

from sifasuo.legalservice.models import (
    Appointment,
    Consultation,
    LegalAidApplication,
    ServiceSlot,
    WindowServiceLog,
)
from sifasuo.people.models import Person
from tests.accounts.matrix import ActionPage, ScopedModel
from tests.legalservice import factories

# Route name -> the status an anonymous GET gets (public pages only).
PUBLIC: dict[str, int] = {}
# Page routes that name a record -> the model (or queryset) they look it up in.
ROUTE_MODELS: dict[str, Any] = {
    "legalservice:consultation_detail": Consultation,
    "legalservice:consultation_answer": Consultation,
    "legalservice:consultation_edit": Consultation,
    "legalservice:legal_aid_detail": LegalAidApplication,
    "legalservice:legal_aid_edit": LegalAidApplication,
    "legalservice:legal_aid_materials": LegalAidApplication,
    "legalservice:legal_aid_transfer": LegalAidApplication,
    "legalservice:legal_aid_decision": LegalAidApplication,
    "legalservice:appointment_detail": Appointment,
    "legalservice:appointment_outcome": Appointment,
    "legalservice:slot_edit": ServiceSlot,
    "legalservice:window_edit": WindowServiceLog,
    "legalservice:person_consultations": Person,
    "legalservice:person_legal_aid": Person,
}
# Keyword arguments that name no record -> the value the walker uses.
NON_OBJECT_VALUES: dict[str, str] = {}
# Lines of the permission matrix.
MATRIX_MODELS: tuple[ScopedModel, ...] = (
    ScopedModel(
        "legalservice.Consultation",
        "scope_expectations.csv",
        factories.matrix_consultation,
        lambda c: [
            f"/legalservice/consultations/{c.public_id}/",
            f"/api/v1/legalservice/consultations/{c.public_id}/",
        ],
        {"change": ActionPage("get", lambda c: f"/legalservice/consultations/{c.public_id}/edit/")},
    ),
    ScopedModel(
        "legalservice.LegalAidApplication",
        "scope_expectations.csv",
        factories.matrix_legal_aid,
        lambda a: [
            f"/legalservice/legal-aid/{a.public_id}/",
            f"/api/v1/legalservice/legal-aid/{a.public_id}/",
        ],
        {"change": ActionPage("get", lambda a: f"/legalservice/legal-aid/{a.public_id}/edit/")},
    ),
    ScopedModel(
        "legalservice.Appointment",
        "scope_expectations.csv",
        factories.matrix_appointment,
        lambda a: [
            f"/legalservice/appointments/{a.public_id}/",
            f"/api/v1/legalservice/appointments/{a.public_id}/",
        ],
        {
            "change": ActionPage(
                "post",
                lambda a: f"/legalservice/appointments/{a.public_id}/outcome/",
                {"status": "NO_SUCH_OUTCOME"},
            )
        },
    ),
)


def walker_records(office_clerk: Any) -> dict[type[models.Model], list[Any]]:
    """Records of the 西一路 office (610102001) for every model in ROUTE_MODELS or a viewset."""
    made_slot = factories.slot(actor=office_clerk)
    return {
        Consultation: [factories.consultation(actor=office_clerk), factories.online_consultation()],
        LegalAidApplication: [factories.legal_aid(actor=office_clerk)],
        Appointment: [factories.appointment(actor=office_clerk, slot_=made_slot)],
        ServiceSlot: [made_slot],
        WindowServiceLog: [factories.window_log(actor=office_clerk)],
    }
