"""Reads of accounts data: the audit trail for the audit administrator."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from datetime import time as clock_time
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from sifasuo.accounts.models import AuthenticatorDevice, User
from sifasuo.accounts.roles import Role
from sifasuo.accounts.signals import SESSION_LOGIN_AT
from sifasuo.core.models import AuditEvent


def unconfirmed_authenticator_of(user: User) -> AuthenticatorDevice | None:
    """Return the user's authenticator app that is being enrolled, if any."""
    return AuthenticatorDevice.objects.filter(user=user, confirmed=False).first()


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
        qs = qs.filter(ts__gte=datetime.combine(filters["start"], clock_time.min, tzinfo=tz))
    if filters.get("end"):
        end = datetime.combine(filters["end"], clock_time.min, tzinfo=tz) + timedelta(days=1)
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


def live_sessions_of(user: User) -> list[Any]:
    """The user's own sessions that are still alive, newest first; forgets the dead ones.

    A session ends by logout, idle or absolute timeout, or a password change (its auth
    hash no longer matches): only the sessions that would still let the user in are listed.
    """
    from importlib import import_module

    from django.conf import settings

    from sifasuo.accounts.models import UserSession

    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    alive, dead = [], []
    for row in UserSession.objects.filter(user=user).order_by("-created_at"):
        data = store_class(session_key=row.session_key).load()
        login_at = data.get(SESSION_LOGIN_AT) or 0
        if (
            str(data.get("_auth_user_id", "")) == str(user.pk)
            and data.get("_auth_user_hash") == user.get_session_auth_hash()
            and time.time() - login_at <= settings.SESSION_ABSOLUTE_SECONDS
        ):
            alive.append(row)
        else:
            dead.append(row.pk)
    if dead:
        UserSession.objects.filter(pk__in=dead).delete()
    return alive
