"""The accounts' residual data (SECURITY.md check 35): ended login sessions' rows, expired API
tokens, spent lockout counters and login records past the audit trail's retention."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.utils import timezone

from sifasuo.accounts import services
from sifasuo.accounts.models import ApiToken, UserSession
from sifasuo.accounts.residual import purge

pytestmark = pytest.mark.django_db


def _attempt(model, username: str, age: timedelta, **extra):
    row = model.objects.create(
        username=username, ip_address="10.0.0.9", user_agent="ua", http_accept="*/*", **extra
    )
    model.objects.filter(pk=row.pk).update(attempt_time=timezone.now() - age)
    return row


def test_a_login_session_row_goes_once_its_session_cannot_be_alive(office_clerk, settings):
    # given: two login sessions; one began longer ago than a session may last
    services.session_register(user=office_clerk, session_key="a" * 32, ip="10.0.0.1", user_agent="")
    services.session_register(user=office_clerk, session_key="b" * 32, ip="10.0.0.2", user_agent="")
    UserSession.objects.filter(ip="10.0.0.1").update(
        created_at=timezone.now() - timedelta(seconds=settings.SESSION_ABSOLUTE_SECONDS + 60)
    )
    # when
    counts = purge(timezone.now())
    # then
    assert list(UserSession.objects.values_list("ip", flat=True)) == ["10.0.0.2"]
    assert counts["login_session_rows"] == 1


def test_an_expired_api_token_goes_a_live_one_stays(office_clerk):
    # given
    services.api_token_issue(user=office_clerk)
    services.api_token_issue(user=office_clerk)
    expired = ApiToken.objects.order_by("pk").first()
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(1))
    # when
    counts = purge(timezone.now())
    # then
    assert ApiToken.objects.count() == 1
    assert not ApiToken.objects.filter(pk=expired.pk).exists()
    assert counts["api_tokens"] == 1


def test_a_lockout_counter_goes_after_the_cool_off(settings):
    # given: a counter older than the cool-off and one inside it
    cooloff = settings.AXES_COOLOFF_TIME
    common = {"get_data": "", "post_data": "", "failures_since_start": 3, "path_info": "/"}
    _attempt(AccessAttempt, "spent", cooloff + timedelta(minutes=1), **common)
    _attempt(AccessAttempt, "counting", cooloff - timedelta(minutes=1), **common)
    # when
    counts = purge(timezone.now())
    # then
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["counting"]
    assert counts["lockout_counters"] == 1


def test_login_records_are_kept_as_long_as_the_audit_trail(settings):
    # given: login and failure records of 181 and 179 days (retention 180)
    settings.AUDIT_RETENTION_DAYS = 180
    for model in (AccessLog, AccessFailureLog):
        extra = {"locked_out": False} if model is AccessFailureLog else {}
        _attempt(model, "old", timedelta(days=181), path_info="/", **extra)
        _attempt(model, "young", timedelta(days=179), path_info="/", **extra)
    # when
    counts = purge(timezone.now())
    # then
    assert list(AccessLog.objects.values_list("username", flat=True)) == ["young"]
    assert list(AccessFailureLog.objects.values_list("username", flat=True)) == ["young"]
    assert counts["login_records"] == 2
