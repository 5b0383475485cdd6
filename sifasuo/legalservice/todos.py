"""The public legal service items of the workbench's to-do list."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sifasuo.core.todos import Todo, register
from sifasuo.legalservice.choices import AppointmentStatus, ConsultationStatus, LegalAidStatus
from sifasuo.legalservice.models import Appointment, Consultation, LegalAidApplication

HORIZON_DAYS = 7
LIMIT = 50


@register
def legalservice_todos(user: Any) -> list[Todo]:
    """Online consultations to answer, pre-applications to transfer, outcomes to record.

    Only where the user works the records (the change right: the office's clerks and
    director), not where they only see them.
    """
    if getattr(user, "unit", None) is None:
        return []
    today = timezone.localdate()
    horizon = today + timedelta(days=HORIZON_DAYS)
    items: list[Todo] = []
    consultations = (
        Consultation.objects.visible_to(user, "change")
        .filter(status=ConsultationStatus.PENDING, answer_due__isnull=False)
        .select_related("topic")
        .order_by("answer_due", "pk")[:LIMIT]
    )
    for c in consultations:
        items.append(
            Todo(
                _("Answer the online consultation on %(topic)s") % {"topic": c.topic.name},
                reverse("legalservice:consultation_detail", args=[c.public_id]),
                c.answer_due,
            )
        )
    applications = (
        LegalAidApplication.objects.visible_to(user, "change")
        .filter(status=LegalAidStatus.REGISTERED, transfer_due__lte=horizon)
        .select_related("case_type")
        .order_by("transfer_due", "pk")[:LIMIT]
    )
    for a in applications:
        items.append(
            Todo(
                _("Transfer the legal aid pre-application (%(type)s)") % {"type": a.case_type.name},
                reverse("legalservice:legal_aid_detail", args=[a.public_id]),
                a.transfer_due,
            )
        )
    appointments = (
        Appointment.objects.visible_to(user, "change")
        .filter(status=AppointmentStatus.BOOKED, date__lte=today)
        .select_related("slot")
        .order_by("date", "pk")[:LIMIT]
    )
    for appointment in appointments:
        items.append(
            Todo(
                _("Record whether the appointment of %(slot)s was kept")
                % {"slot": appointment.slot},
                reverse("legalservice:appointment_detail", args=[appointment.public_id]),
                appointment.date,
            )
        )
    return items
