"""Reads of accounts data: the audit trail for the audit administrator."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
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


def users_for_admin(
    user: User, *, q: str = "", unit_code: str = "", role: str = ""
) -> QuerySet[User]:
    """Return staff accounts for the system or security administrator; others are refused."""
    if not user.has_role(Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN):
        raise PermissionDenied
    qs = User.objects.filter(kind="STAFF").select_related("unit").prefetch_related("user_roles")
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
    if unit_code:
        qs = qs.filter(unit__path__contains=f"/{unit_code}/")
    if role:
        qs = qs.filter(user_roles__role=role)
    return qs.order_by("username").distinct()


def user_for_admin(user: User, pk: int) -> User:
    """Return one staff account for an administrator (404 if missing, 403 for others)."""
    qs = users_for_admin(user)
    try:
        return qs.get(pk=pk)
    except User.DoesNotExist as exc:
        raise Http404 from exc
