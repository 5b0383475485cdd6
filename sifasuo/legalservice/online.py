"""The portal's application kinds that land in the public legal service ledgers."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sifasuo.core import applications
from sifasuo.core.applications import ApplicationKind
from sifasuo.legalservice import forms, services


def _url(name: str) -> Any:
    def staff_url(record: Any) -> str:
        return reverse(name, args=[record.public_id])

    return staff_url


applications.register(
    ApplicationKind(
        code="CONSULTATION",
        label=_("Legal consultation"),
        description=_(
            "Ask the judicial office a legal question; the answer comes within three working days."
        ),
        form_class=forms.ConsultationRequestForm,
        submit=services.consultation_submit_online,
        staff_url=_url("legalservice:consultation_detail"),
        icon="chat-dots",
        what_to_bring=_("Nothing; describe your question. Do not write ID numbers in it."),
        order=10,
    )
)
applications.register(
    ApplicationKind(
        code="LEGAL_AID",
        label=_("Legal aid pre-application"),
        description=_(
            "Tell us about your matter and your household's finances; the office checks "
            "eligibility and transfers it to the district legal aid centre."
        ),
        form_class=forms.LegalAidRequestForm,
        submit=services.legal_aid_submit_online,
        staff_url=_url("legalservice:legal_aid_detail"),
        icon="shield-check",
        what_to_bring=_(
            "Bring to the office: your ID card, a statement of economic difficulty, and the "
            "documents of your case."
        ),
        order=30,
    )
)
applications.register(
    ApplicationKind(
        code="APPOINTMENT",
        label=_("Book an appointment"),
        description=_("Book a time at the office for a consultation, legal aid or mediation."),
        form_class=forms.AppointmentRequestForm,
        submit=services.appointment_submit_online,
        staff_url=_url("legalservice:appointment_detail"),
        icon="calendar-check",
        what_to_bring=_("Your ID card and any documents of your matter."),
        order=40,
    )
)
