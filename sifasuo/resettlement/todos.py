"""The resettlement items of the workbench's to-do list: hand-over steps and visitation.

For the office's clerks and director: the files their office keeps (the district bureau's
"change" right on its offices' records does not put their steps on the district's list).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sifasuo.core.todos import Todo, register
from sifasuo.orgs.choices import UnitKind
from sifasuo.resettlement.choices import VisitationStatus
from sifasuo.resettlement.models import ReleasedPerson, VisitationRequest, open_deadline_q

HORIZON_DAYS = 7
LIMIT = 50


@register
def resettlement_todos(user: Any) -> list[Todo]:
    """Open hand-over and assistance steps due within a week (overdue ones until done)."""
    unit = getattr(user, "unit", None)
    if unit is None or unit.kind != UnitKind.OFFICE:
        return []
    horizon = timezone.localdate() + timedelta(days=HORIZON_DAYS)
    files = (
        ReleasedPerson.objects.visible_to(user, "change")
        .filter(unit=unit)
        .filter(open_deadline_q(horizon))
        .select_related("person")
        .order_by("released_on", "pk")[:LIMIT]
    )
    items: list[Todo] = []
    for rp in files:
        url = reverse("resettlement:person_detail", args=[rp.public_id])
        for deadline in rp.open_deadlines():
            if deadline.due <= horizon:
                items.append(
                    Todo(
                        _("%(step)s: %(name)s") % {"step": deadline.label, "name": rp.person.name},
                        url,
                        deadline.due,
                    )
                )
    requests = (
        VisitationRequest.objects.visible_to(user, "change")
        .filter(unit=unit, status__in=[VisitationStatus.APPLIED, VisitationStatus.BOOKED])
        .order_by("applied_on", "pk")[:LIMIT]
    )
    for request in requests:
        url = reverse("resettlement:visitation_detail", args=[request.public_id])
        if request.status == VisitationStatus.APPLIED:
            items.append(
                Todo(
                    _("Check and forward the remote visit request for %(name)s")
                    % {"name": request.prisoner_name},
                    url,
                )
            )
        elif request.slot_at and request.slot_at.date() <= horizon:
            items.append(
                Todo(
                    _("Record whether the remote visit for %(name)s was held")
                    % {"name": request.prisoner_name},
                    url,
                    timezone.localtime(request.slot_at).date(),
                )
            )
    return items
