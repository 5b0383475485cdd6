"""Residual portal data past its lifetime (purged by ``core.residual.residual_purge``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sifasuo.core.residual import delete_rows
from sifasuo.portal.config import value
from sifasuo.portal.models import LoginCode

# The longest window a login code is counted in (PORTAL_OTP_PER_PHONE_PER_HOUR, …_PER_IP_…).
RATE_LIMIT_WINDOW = timedelta(hours=1)


def purge(now: datetime) -> dict[str, int]:
    """Login codes (the phone number they went to, encrypted) expired or used and older
    than ``PORTAL_LOGIN_CODE_RETENTION_HOURS``; never while a rate limit still counts them.
    """
    keep = max(timedelta(hours=value("PORTAL_LOGIN_CODE_RETENTION_HOURS")), RATE_LIMIT_WINDOW)
    old = LoginCode.objects.filter(created_at__lt=now - keep, expires_at__lt=now)
    return {"login_codes": delete_rows(old)}
