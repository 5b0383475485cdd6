"""The portal's configurable values: a Django setting of the same name overrides each default.

Read at call time (``value("PORTAL_OTP_TTL_SECONDS")``), so tests and operators change them
without code. The defaults and where they come from are listed in docs/operations.md.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # One-time login codes (SECURITY.md §3.1 ASVS 2.2.1, §7 check 47).
    "PORTAL_OTP_LENGTH": 6,
    "PORTAL_OTP_TTL_SECONDS": 5 * 60,
    "PORTAL_OTP_MAX_ATTEMPTS": 5,
    "PORTAL_OTP_PER_PHONE_PER_MINUTE": 1,
    "PORTAL_OTP_PER_PHONE_PER_HOUR": 5,
    "PORTAL_OTP_PER_IP_PER_HOUR": 20,
    # Hours a used or expired login code (its phone, encrypted) is kept; never under one
    # hour, the longest rate-limit window (core.residual, docs/operations.md).
    "PORTAL_LOGIN_CODE_RETENTION_HOURS": 24,
    # Shown on every application page when an office has no opening hours of its own.
    "PORTAL_DEFAULT_OPENING_HOURS": "周一至周五 9:00—12:00，14:00—17:30（法定节假日除外）",
    # Hours an API token issued to a citizen's app lives.
    "PORTAL_API_TOKEN_HOURS": 24 * 7,
}


def value(name: str) -> Any:
    """Return the setting ``name``, or its default."""
    return getattr(settings, name, DEFAULTS[name])
