"""Production settings: HTTPS only, two-factor enforced, no secret defaults."""

from __future__ import annotations

from .base import *  # noqa: F403

DEBUG = False
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"

OTP_ENFORCED_ROLES = env.list(
    "OTP_ENFORCED_ROLES",
    default=[
        "SYSTEM_ADMIN",
        "SECURITY_ADMIN",
        "AUDIT_ADMIN",
        "OFFICE_DIRECTOR",
        "OFFICE_CLERK",
        "DISTRICT_OFFICER",
        "CITY_OFFICER",
    ],
)
# Lockout counts must survive restarts and be shared by every worker.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
