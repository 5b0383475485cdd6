"""Reads of accounts data: the audit trail for the audit administrator."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone

from sifasuo.accounts.models import User
from sifasuo.accounts.roles import Role
from sifasuo.core.models import AuditEvent


def audit_events_for(user: User, filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    """Return audit rows for the audit administrator, filtered; anyone else is refused."""
    if not user.has_role(Role.AUDIT_ADMIN):
        raise PermissionDenied
    qs = AuditEvent.objects.all()
    if filters.get("action"):
        qs = qs.filter(action=filters["action"])
    if filters.get("username"):
        qs = qs.filter(actor_username__iexact=filters["username"])
    if filters.get("outcome"):
        qs = qs.filter(outcome=filters["outcome"])
    tz = timezone.get_current_timezone()
    if filters.get("start"):
        qs = qs.filter(ts__gte=datetime.combine(filters["start"], time.min, tzinfo=tz))
    if filters.get("end"):
        end = datetime.combine(filters["end"], time.min, tzinfo=tz) + timedelta(days=1)
        qs = qs.filter(ts__lt=end)
    return qs.order_by("-seq")
