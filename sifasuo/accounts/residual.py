"""Residual account data past its lifetime (purged by ``core.residual.residual_purge``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings

from sifasuo.accounts.models import ApiToken, UserSession
from sifasuo.core import audit
from sifasuo.core.residual import delete_rows


def purge(now: datetime) -> dict[str, int]:
    """Ended login sessions' list rows, expired API tokens, spent lockout counters and old
    login records.

    A session cannot outlive ``SESSION_ABSOLUTE_SECONDS``, so its row in the session list
    (client address, browser) is residue after that; a failure counter no longer locks
    anyone after ``AXES_COOLOFF_TIME``. django-axes' login and failure records are network
    logs: they are kept as long as the audit trail (``AUDIT_RETENTION_DAYS``, ≥ 180 days).
    """
    ended = now - timedelta(seconds=settings.SESSION_ABSOLUTE_SECONDS)
    logs_before = now - timedelta(days=audit.retention_days())
    return {
        "login_session_rows": delete_rows(UserSession.objects.filter(created_at__lt=ended)),
        "api_tokens": delete_rows(ApiToken.objects.filter(expires_at__lt=now)),
        "lockout_counters": delete_rows(
            AccessAttempt.objects.filter(attempt_time__lt=now - settings.AXES_COOLOFF_TIME)
        ),
        "login_records": delete_rows(AccessLog.objects.filter(attempt_time__lt=logs_before))
        + delete_rows(AccessFailureLog.objects.filter(attempt_time__lt=logs_before)),
    }
