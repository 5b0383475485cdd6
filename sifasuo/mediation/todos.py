"""The mediation items of the workbench's to-do list: what falls due, and what is overdue."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Case, F, Q, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sifasuo.core.scope import unit_reach_q
from sifasuo.core.todos import Todo, register
from sifasuo.mediation.choices import OPEN_STATUSES, CaseStatus, TransferStatus
from sifasuo.mediation.models import CaseTransfer, MediationCase
from sifasuo.orgs.models import Unit

# How far ahead an item shows before it falls due; overdue items show until done.
HORIZON_DAYS = 7
LIMIT = 50


def _handling(user: Any) -> Any:
    """Cases the user works (owner scope with change right), not those only shared."""
    return MediationCase.objects.visible_to(user, "change")


@register
def mediation_todos(user: Any) -> list[Todo]:
    """Intakes to decide, cases to conclude, visits to make, confirmations and transfers."""
    if getattr(user, "unit", None) is None:
        return []
    horizon = timezone.localdate() + timedelta(days=HORIZON_DAYS)
    items: list[Todo] = []
    cases = (
        _handling(user)
        .filter(
            Q(status=CaseStatus.REGISTERED)
            | Q(status__in=OPEN_STATUSES, conclude_due__lte=horizon)
            | Q(status=CaseStatus.PERFORMING, return_visit_due__lte=horizon)
            | Q(
                confirmation_due__lte=horizon,
                confirmation_due__gte=timezone.localdate(),
                confirmation_applied_on__isnull=True,
                status=CaseStatus.PERFORMING,
            )
        )
        .only(
            "public_id",
            "decision_due",
            "number",
            "status",
            "received_on",
            "conclude_due",
            "return_visit_due",
            "confirmation_due",
            "confirmation_applied_on",
        )
        .annotate(
            due=Case(
                When(status=CaseStatus.REGISTERED, then=F("decision_due")),
                When(status__in=OPEN_STATUSES, then=F("conclude_due")),
                default=Coalesce("return_visit_due", "confirmation_due"),
            )
        )
        .order_by("due", "pk")[:LIMIT]
    )
    for case in cases:
        url = reverse("mediation:case_detail", args=[case.public_id])
        if case.status == CaseStatus.REGISTERED:
            items.append(
                Todo(_("Decide on intake %(n)s") % {"n": case.number}, url, case.decision_due)
            )
        elif case.status in OPEN_STATUSES:
            items.append(
                Todo(_("Conclude case %(n)s") % {"n": case.number}, url, case.conclude_due)
            )
        elif case.status == CaseStatus.PERFORMING:
            if case.return_visit_due and case.return_visit_due <= horizon:
                items.append(
                    Todo(
                        _("Return visit for %(n)s") % {"n": case.number}, url, case.return_visit_due
                    )
                )
            if case.confirmation_due and not case.confirmation_applied_on:
                items.append(
                    Todo(
                        _("Judicial confirmation window of %(n)s ends") % {"n": case.number},
                        url,
                        case.confirmation_due,
                    )
                )
    receivable = unit_reach_q(user, MediationCase, "change")
    transfers = (
        CaseTransfer.objects.filter(status=TransferStatus.PENDING)
        .filter(to_unit__in=Unit.objects.filter(receivable))
        .select_related("case")
        .order_by("created_at")[:LIMIT]
    )
    for transfer in transfers:
        items.append(
            Todo(
                _("Accept or reject the transfer of %(n)s") % {"n": transfer.case.number},
                reverse("mediation:case_detail", args=[transfer.case.public_id]),
                transfer.created_at.date(),
            )
        )
    return items
