"""Production settings: HTTPS only, two-factor enforced, no secret defaults."""

from __future__ import annotations

from sifasuo.accounts.roles import two_factor_required_roles

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

# Two-factor login: the three administrators and every role that can read correction or
# resettlement records (derived from the role policies); `check --deploy` refuses less
# (accounts.E001). More roles may be added (e.g. MEDIATOR), none taken away.
OTP_ENFORCED_ROLES = env.list("OTP_ENFORCED_ROLES", default=sorted(two_factor_required_roles()))
# Persistent connections, health-checked before reuse: after a database restart the first
# request on a dead connection reconnects instead of failing (SECURITY.md §6.6).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Lockout counts must survive restarts and be shared by every worker.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"

# More than one machine (docs/deploy.md): the cache, the sessions and the task queue are
# shared. Redis holds the cache (and through it the sessions' fast path); sessions are
# written to the database too (cached_db), so a Redis restart logs nobody out.
CACHES = {"default": env.cache("CACHE_URL", default="redis://127.0.0.1:6379/1")}
CACHES["default"].setdefault("KEY_PREFIX", env("CACHE_KEY_PREFIX", default="sifasuo"))
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/0")
CELERY_TASK_ALWAYS_EAGER = False
if "replica" in DATABASES:
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
