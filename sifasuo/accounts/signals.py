"""Audit rows for logins, failed logins, logouts and lockouts; the user's session list."""

from __future__ import annotations

import time
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from sifasuo.core import audit
from sifasuo.core.choices import AuditOutcome

SESSION_LOGIN_AT = "sifasuo_login_at"
SESSION_HAS_DEVICE = "sifasuo_has_otp_device"


@receiver(user_logged_in)
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        from sifasuo.accounts.services import has_confirmed_device

        request.session[SESSION_LOGIN_AT] = int(time.time())
        request.session[SESSION_HAS_DEVICE] = has_confirmed_device(user)
        _register_session(request, user)
    audit.record("login", actor=user, obj=user)


@receiver(user_login_failed)
def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kw: Any
) -> None:
    username = str(credentials.get("username", ""))[:150]
    audit.record(
        "login_failed",
        username=username,
        object_type="accounts.user",
        object_id=username[:64],
        outcome=AuditOutcome.DENIED,
    )


def _register_session(request: Any, user: Any) -> None:
    from sifasuo.accounts.services import session_register
    from sifasuo.core.middleware import client_ip

    if not request.session.session_key:
        request.session.save()
    session_register(
        user=user,
        session_key=request.session.session_key,
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )


@receiver(user_logged_out)
def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        from sifasuo.accounts.services import session_forget

        session_forget(session_key=request.session.session_key)
    if user is not None:
        audit.record("logout", actor=user, obj=user)


@receiver(user_locked_out)
def on_locked_out(sender: Any, request: Any, username: str, ip_address: str, **kw: Any) -> None:
    audit.record(
        "lockout",
        username=str(username or "")[:150],
        object_type="accounts.user",
        object_id=str(username or "")[:64],
        outcome=AuditOutcome.DENIED,
    )
