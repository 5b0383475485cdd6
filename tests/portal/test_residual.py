"""Login codes as residual data (SECURITY.md check 35): the row (the phone, encrypted) goes
after its retention, never while a rate limit still counts it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sifasuo.portal import services
from sifasuo.portal.models import LoginCode
from sifasuo.portal.residual import purge

pytestmark = pytest.mark.django_db


def test_a_login_code_goes_after_its_retention():
    # given: a code sent now (valid 5 minutes, kept 24 hours by default)
    code = services.login_code_request(phone="13900009901", ip="10.0.0.1")
    # when: a day and a minute later, and 23 hours later
    kept = purge(timezone.now() + timedelta(hours=23))
    gone = purge(timezone.now() + timedelta(hours=24, minutes=1))
    # then
    assert kept == {"login_codes": 0}
    assert gone == {"login_codes": 1}
    assert not LoginCode.objects.filter(pk=code.pk).exists()


def test_a_code_still_counted_by_the_hourly_limit_stays_whatever_the_setting(settings):
    # given: retention set to 0 hours; a code sent 30 minutes before the run
    settings.PORTAL_LOGIN_CODE_RETENTION_HOURS = 0
    services.login_code_request(phone="13900009902", ip="10.0.0.2")
    # when
    counts = purge(timezone.now() + timedelta(minutes=30))
    # then: the per-hour limits still count it
    assert counts == {"login_codes": 0}
    assert LoginCode.objects.count() == 1
    # and an hour and a minute after it was sent, it goes
    assert purge(timezone.now() + timedelta(minutes=61)) == {"login_codes": 1}


def test_a_code_that_has_not_expired_stays(settings):
    # given: codes that live longer than their retention (an operator's odd settings)
    settings.PORTAL_OTP_TTL_SECONDS = 3 * 3600
    settings.PORTAL_LOGIN_CODE_RETENTION_HOURS = 1
    services.login_code_request(phone="13900009903", ip="10.0.0.3")
    # when
    counts = purge(timezone.now() + timedelta(hours=2))
    # then
    assert counts == {"login_codes": 0}
