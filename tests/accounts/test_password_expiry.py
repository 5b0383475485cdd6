"""Staff passwords expire (等保 8.1.4.1 a) and the last ones may not be used again.

SECURITY.md §7 check 18; the history rule; the deploy check that refuses to switch them off.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import check_password
from django.test import Client
from django.utils import timezone, translation

from sifasuo.accounts import services
from sifasuo.accounts.checks import check_password_rotation
from sifasuo.accounts.models import ApiToken, AuthenticatorDevice, PasswordHistory, User
from sifasuo.accounts.passwords import password_expired
from sifasuo.core.errors import ApplicationError
from sifasuo.core.models import AuditEvent
from tests.accounts.test_two_factor import code_for
from tests.conftest import PASSWORD

CHANGE_URL = "/accounts/password/"
NEW_PASSWORDS = [f"Xian-Sifa-{n}-Neu!" for n in range(1, 8)]


def reused_message(n: int = 5) -> str:
    """The history rule's message in the interface language (Chinese once translated)."""
    with translation.override("zh-hans"):
        return translation.gettext(
            "This password was used recently: choose one that differs from your "
            "last %(n)d passwords."
        ) % {"n": n}


def expired_message() -> str:
    with translation.override("zh-hans"):
        return translation.gettext("Your password has expired: change it before going on.")


@pytest.fixture(autouse=True)
def _expiry_on(settings):
    """The test settings switch expiry off; these tests switch it on as production has it."""
    settings.PASSWORD_MAX_AGE_DAYS = 90
    settings.PASSWORD_HISTORY_COUNT = 5


def age_password(user: User, days: int) -> None:
    User.objects.filter(pk=user.pk).update(
        password_changed_at=timezone.now() - timedelta(days=days)
    )
    user.refresh_from_db()


def password_login(username: str, password: str = PASSWORD) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": password})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
    return client


def change(client: Client, old: str, new: str):
    return client.post(
        CHANGE_URL, {"old_password": old, "new_password1": new, "new_password2": new}
    )


# Check 18: an expired password leads to the change page before any other page.


@pytest.mark.parametrize("url", ["/", "/people/", "/units/", "/audit/", "/accounts/users/"])
def test_a_password_91_days_old_is_changed_before_any_page(office_clerk, url):
    # given
    age_password(office_clerk, 91)
    client = password_login("xiyilu_clerk")
    # when
    response = client.get(url)
    # then
    assert response.status_code == 302
    assert response["Location"] == CHANGE_URL


def test_the_change_page_says_why_and_the_api_refuses_in_json(office_clerk):
    # given
    age_password(office_clerk, 91)
    client = password_login("xiyilu_clerk")
    # when
    page = client.get(CHANGE_URL)
    api = client.get("/api/v1/units/")
    # then
    assert page.status_code == 200
    assert page.context["expired"] is True
    assert "您的密码已过期，请设置新密码" in page.content.decode()
    assert api.status_code == 403
    assert api.json() == {"detail": expired_message()}


def test_after_the_change_every_page_opens_again(office_clerk):
    # given
    age_password(office_clerk, 91)
    client = password_login("xiyilu_clerk")
    # when
    response = change(client, PASSWORD, NEW_PASSWORDS[0])
    # then: still logged in (same session), the pages open, the change is audited
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.get("/people/").status_code == 200
    office_clerk.refresh_from_db()
    assert timezone.now() - office_clerk.password_changed_at < timedelta(minutes=1)
    assert not password_expired(office_clerk)
    assert AuditEvent.objects.filter(action="password_change", actor=office_clerk).exists()


def test_a_password_89_days_old_is_not_expired(office_clerk):
    # given
    age_password(office_clerk, 89)
    client = password_login("xiyilu_clerk")
    # when
    response = client.get("/")
    # then
    assert response.status_code == 200
    assert client.get(CHANGE_URL).context["expired"] is False


def test_the_maximum_age_is_a_setting(settings, office_clerk):
    # given
    settings.PASSWORD_MAX_AGE_DAYS = 30
    age_password(office_clerk, 31)
    # when
    response = password_login("xiyilu_clerk").get("/")
    # then
    assert response["Location"] == CHANGE_URL
    settings.PASSWORD_MAX_AGE_DAYS = 0
    assert not password_expired(office_clerk)


def test_citizens_have_no_password_to_expire(citizen):
    # given: a citizen account of the portal (one-time SMS codes, no password)
    User.objects.filter(pk=citizen.pk).update(password_changed_at=None)
    citizen.refresh_from_db()
    # then
    assert citizen.is_citizen
    assert not password_expired(citizen)


def test_an_initial_password_set_by_the_administrator_is_changed_at_first_login(
    client_for, sysadmin, city_officer
):
    # given: the system administrator creates an account on the page
    admin = client_for(sysadmin)
    page = admin.get("/accounts/users/new/").content.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', page)
    assert token, "the account form carries a form token"
    response = admin.post(
        "/accounts/users/new/",
        {
            "form_token": token.group(1),
            "username": "new_clerk",
            "display_name": "新 干事",
            "unit_code": city_officer.unit.code,
            "password": "Initial-Passw0rd-1",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="new_clerk")
    assert user.password_changed_at is None
    # when: the new user logs in
    client = password_login("new_clerk", "Initial-Passw0rd-1")
    # then
    assert client.get("/")["Location"] == CHANGE_URL
    assert change(client, "Initial-Passw0rd-1", NEW_PASSWORDS[0]).status_code == 302
    assert client.get("/").status_code == 200


def test_two_factor_comes_first_then_the_new_password(settings, sysadmin):
    # given: an enforced role with a device and an expired password
    settings.OTP_ENFORCED_ROLES = ["SYSTEM_ADMIN"]
    device = AuthenticatorDevice.objects.create(user=sysadmin, name="phone", confirmed=True)
    age_password(sysadmin, 120)
    client = password_login("sysadmin")
    # when / then: the code is asked for first
    assert client.get("/")["Location"] == "/accounts/otp/verify/"
    assert client.get(CHANGE_URL)["Location"] == "/accounts/otp/verify/"
    verified = client.post("/accounts/otp/verify/", {"otp_token": code_for(device)})
    assert verified.status_code == 302
    # then the password
    assert client.get("/")["Location"] == CHANGE_URL
    assert client.get(CHANGE_URL).status_code == 200


def test_an_expired_password_gets_no_api_token(client, office_clerk):
    # given
    age_password(office_clerk, 91)
    # when
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "xiyilu_clerk", "password": PASSWORD},
        content_type="application/json",
    )
    # then
    assert response.status_code == 400
    assert response.json() == {"detail": expired_message()}
    assert not ApiToken.objects.filter(user=office_clerk).exists()


# The history: no reuse of the last five passwords.


def test_the_current_password_may_not_be_set_again(office_clerk):
    # given
    client = password_login("xiyilu_clerk")
    # when
    response = change(client, PASSWORD, PASSWORD)
    # then
    assert response.status_code == 200
    assert reused_message() in response.content.decode()
    office_clerk.refresh_from_db()
    assert office_clerk.check_password(PASSWORD)


def test_none_of_the_last_five_passwords_may_come_back(office_clerk):
    # given: four changes after the demo password: the last five are PASSWORD and these four
    for new in NEW_PASSWORDS[:4]:
        services.password_change(user=office_clerk, new_password=new)
    # when / then
    for old in [PASSWORD, *NEW_PASSWORDS[:4]]:
        with pytest.raises(ApplicationError) as refused:
            services.password_change(user=office_clerk, new_password=old)
        assert reused_message() in refused.value.message
    # when: one more change, the oldest (the demo password) falls out of the history
    services.password_change(user=office_clerk, new_password=NEW_PASSWORDS[4])
    services.password_change(user=office_clerk, new_password=PASSWORD)
    # then
    office_clerk.refresh_from_db()
    assert office_clerk.check_password(PASSWORD)


def test_only_hashes_of_the_last_five_are_kept(office_clerk):
    # when
    for new in NEW_PASSWORDS:
        services.password_change(user=office_clerk, new_password=new)
    # then
    kept = list(
        PasswordHistory.objects.filter(user=office_clerk)
        .order_by("-created_at", "-id")
        .values_list("password", flat=True)
    )
    assert len(kept) == 5
    assert all(new not in h for h in kept for new in NEW_PASSWORDS)
    assert [check_password(p, h) for p, h in zip(NEW_PASSWORDS[::-1], kept, strict=False)] == [
        True
    ] * 5


def test_the_history_length_is_a_setting(settings, office_clerk):
    # given
    settings.PASSWORD_HISTORY_COUNT = 2
    services.password_change(user=office_clerk, new_password=NEW_PASSWORDS[0])
    services.password_change(user=office_clerk, new_password=NEW_PASSWORDS[1])
    # when / then: two back is refused, three back (the demo password) is allowed
    with pytest.raises(ApplicationError) as refused:
        services.password_change(user=office_clerk, new_password=NEW_PASSWORDS[0])
    assert reused_message(2) in refused.value.message
    services.password_change(user=office_clerk, new_password=PASSWORD)


def test_an_account_without_history_still_keeps_its_current_password(office_clerk):
    # given: an account from before the history table
    PasswordHistory.objects.filter(user=office_clerk).delete()
    # when / then
    with pytest.raises(ApplicationError):
        services.password_change(user=office_clerk, new_password=PASSWORD)


# The deployment refuses to switch the rules off.


def test_check_deploy_refuses_expiry_or_history_switched_off(settings):
    # given: the defaults pass
    assert check_password_rotation(None) == []
    # when
    settings.PASSWORD_MAX_AGE_DAYS = 0
    settings.PASSWORD_HISTORY_COUNT = 0
    # then
    assert {e.id for e in check_password_rotation(None)} == {"accounts.E003", "accounts.E004"}


def test_demo_accounts_log_in_without_a_forced_change(office_director):
    # given: the demo accounts as seed_demo (make run) creates them, password set at seeding
    assert not password_expired(office_director)
    # when
    client = password_login("xiyilu_director")
    # then
    assert client.get("/").status_code == 200


def test_the_history_validator_names_its_rule(office_clerk):
    # when
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        validate_password(PASSWORD, office_clerk)
    # then
    assert [e.code for e in refused.value.error_list] == ["password_reused"]
