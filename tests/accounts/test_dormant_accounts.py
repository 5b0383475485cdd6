"""Dormant staff accounts are disabled (等保 8.1.4.2 c: 及时删除或停用多余的、过期的账户),
never the last active holder of an administrator role."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from sifasuo.accounts import services
from sifasuo.accounts.models import ApiToken, User
from sifasuo.accounts.roles import Role
from sifasuo.core import tasks
from sifasuo.core.models import AuditEvent
from tests.portal import factories as portal_factories

pytestmark = pytest.mark.django_db

PASSWORD = "Xian-Sifa-2024-Dormant"


def _last_used(user: User, days_ago: int | None, *, joined_days_ago: int = 0) -> None:
    now = timezone.now()
    User.objects.filter(pk=user.pk).update(
        last_login=None if days_ago is None else now - timedelta(days=days_ago),
        date_joined=now - timedelta(days=joined_days_ago),
    )


def _active(*users: User) -> list[bool]:
    return [User.objects.get(pk=u.pk).is_active for u in users]


def _second(role: str, secadmin: User) -> User:
    user = services.user_create(
        actor=None, username=f"second_{role.lower()}", unit=secadmin.unit, password=PASSWORD
    )
    return services.user_set_roles(actor=None, user=user, roles=[role])


def test_an_account_unused_for_91_days_is_disabled_one_used_89_days_ago_is_not(
    office_clerk, other_clerk
):
    # given (ACCOUNT_DORMANT_DAYS defaults to 90)
    _last_used(office_clerk, 91, joined_days_ago=400)
    _last_used(other_clerk, 89, joined_days_ago=400)
    services.api_token_issue(user=User.objects.get(pk=office_clerk.pk))
    _last_used(office_clerk, 91, joined_days_ago=400)  # issuing counted as a login; undo it
    # when
    run = services.dormant_accounts_disable()
    # then
    assert run.disabled == ["xiyilu_clerk"]
    assert _active(office_clerk, other_clerk) == [False, True]
    assert not ApiToken.objects.filter(user=office_clerk).exists()
    event = AuditEvent.objects.get(action="user_disable", object_id=str(office_clerk.pk))
    assert event.reason == "dormant"
    assert event.actor is None
    summary = AuditEvent.objects.order_by("-seq").first()
    assert summary.action == "dormant_accounts"
    assert summary.changes == {"days": 90, "disabled": 1, "kept_last_administrator": 0}


def test_an_account_never_used_counts_from_its_creation(office_clerk, other_clerk):
    # given: neither ever logged in; one created 91 days ago, one 30
    _last_used(office_clerk, None, joined_days_ago=91)
    _last_used(other_clerk, None, joined_days_ago=30)
    # when
    run = services.dormant_accounts_disable()
    # then
    assert run.disabled == ["xiyilu_clerk"]


def test_a_dormant_account_cannot_log_in_any_more(office_clerk, client):
    # given
    from tests.conftest import PASSWORD as DEMO_PASSWORD

    _last_used(office_clerk, 120, joined_days_ago=400)
    services.dormant_accounts_disable()
    # when
    response = client.post(
        "/accounts/login/", {"username": "xiyilu_clerk", "password": DEMO_PASSWORD}
    )
    # then
    assert response.status_code == 200  # the login page again, with the generic message
    assert "_auth_user_id" not in client.session


def test_the_last_security_administrator_is_never_disabled(secadmin, sysadmin, auditadmin):
    # given: the only administrator of each role, all unused for 200 days
    for admin in (secadmin, sysadmin, auditadmin):
        _last_used(admin, 200, joined_days_ago=400)
    # when
    run = services.dormant_accounts_disable()
    # then
    assert sorted(run.kept_last_administrators) == ["auditadmin", "secadmin", "sysadmin"]
    assert _active(secadmin, sysadmin, auditadmin) == [True, True, True]
    summary = AuditEvent.objects.order_by("-seq").first()
    assert summary.changes["kept_last_administrator"] == 3


def test_a_dormant_security_administrator_goes_when_another_one_is_active(secadmin):
    # given: a second, active security administrator
    second = _second(Role.SECURITY_ADMIN, secadmin)
    _last_used(secadmin, 200, joined_days_ago=400)
    # when
    run = services.dormant_accounts_disable()
    # then
    assert run.disabled == ["secadmin"]
    assert _active(secadmin, second) == [False, True]


def test_of_two_dormant_security_administrators_one_is_kept(secadmin):
    # given: both security administrators unused; the demo one for longer
    second = _second(Role.SECURITY_ADMIN, secadmin)
    _last_used(secadmin, 300, joined_days_ago=400)
    _last_used(second, 100, joined_days_ago=400)
    # when
    run = services.dormant_accounts_disable()
    # then: the one unused longest goes, the other stays
    assert run.disabled == ["secadmin"]
    assert run.kept_last_administrators == ["second_security_admin"]
    assert _active(secadmin, second) == [False, True]


def test_citizens_are_not_staff_accounts():
    # given: a citizen whose last login is a year ago
    citizen = portal_factories.citizen()
    _last_used(citizen, 365, joined_days_ago=400)
    # when
    run = services.dormant_accounts_disable()
    # then
    assert run.disabled == []
    assert _active(citizen) == [True]


def test_the_period_is_a_setting_and_zero_switches_it_off(office_clerk, settings):
    # given
    _last_used(office_clerk, 40, joined_days_ago=400)
    settings.ACCOUNT_DORMANT_DAYS = 0
    # when / then
    assert services.dormant_accounts_disable().disabled == []
    settings.ACCOUNT_DORMANT_DAYS = 30
    assert services.dormant_accounts_disable().disabled == ["xiyilu_clerk"]


def test_an_api_token_counts_as_use(office_clerk):
    # given: no page login for 100 days, then a token
    _last_used(office_clerk, 100, joined_days_ago=400)
    services.api_token_issue(user=office_clerk)
    # when
    run = services.dormant_accounts_disable()
    # then
    assert run.disabled == []


def test_the_nightly_job_and_the_command(office_clerk, settings, capsys):
    # given
    _last_used(office_clerk, 95, joined_days_ago=400)
    scheduled = {entry["args"][0] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    # when
    output = tasks.run_job.delay("disable_dormant_accounts").get()
    call_command("disable_dormant_accounts")
    # then
    assert "disable_dormant_accounts" in scheduled
    assert "disabled (dormant): xiyilu_clerk" in output
    assert "0 disabled" in capsys.readouterr().out  # the second run finds nothing more
