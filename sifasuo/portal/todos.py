"""The portal's items of the workbench's to-do list: follow-ups of poor ratings."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from sifasuo.core.todos import Todo, register
from sifasuo.portal.choices import FollowUpStatus
from sifasuo.portal.models import FollowUp

LIMIT = 50


@register
def portal_todos(user: Any) -> list[Todo]:
    """Open follow-ups of the offices where the user may record the return call."""
    if getattr(user, "unit", None) is None:
        return []
    followups = (
        FollowUp.objects.visible_to(user, "change")
        .filter(status=FollowUpStatus.OPEN)
        .select_related("rating__application")
        .order_by("due_on", "pk")[:LIMIT]
    )
    return [
        Todo(
            _("Call back the citizen about the poor rating of %(n)s")
            % {"n": f.rating.application.tracking_number},
            reverse("portal:followup_detail", args=[f.public_id]),
            f.due_on,
        )
        for f in followups
    ]
