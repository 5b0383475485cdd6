"""Two-factor login (django-otp TOTP): enrol, verify, recovery codes, reset; per role."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from sifasuo.accounts import services
from sifasuo.core.models import AuditEvent
from tests.conftest import PASSWORD

SETUP = "/accounts/otp/setup/"
VERIFY = "/accounts/otp/verify/"


@pytest.fixture(autouse=True)
def _enforce_for_sysadmin(settings):
    settings.OTP_ENFORCED_ROLES = ["SYSTEM_ADMIN"]


def code_for(device: TOTPDevice, drift: int = 0) -> str:
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift)
    return str(value).zfill(device.digits)


def password_login(username: str) -> tuple[Client, str]:
    """Log in with the password; return the client and where the redirects end."""
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": username, "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    return client, response.redirect_chain[-1][0]


def enrol(client: Client, user) -> tuple[str, list[str]]:
    """Go through setup; return the code used and the recovery codes shown."""
    assert client.get(SETUP).status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    code = code_for(device)
    response = client.post(SETUP, {"otp_token": code})
    assert response.status_code == 200
    return code, list(response.context["codes"])


def test_an_enforced_role_goes_to_setup_after_the_password(sysadmin):
    # when
    client, landed = password_login("sysadmin")
    # then: no page but the enrolment until a device is set up
    assert landed == SETUP
    response = client.get("/units/")
    assert response.status_code == 302
    assert response["Location"] == SETUP


def test_a_role_not_enforced_lands_on_the_workbench(office_clerk):
    # when
    _client, landed = password_login("xiyilu_clerk")
    # then
    assert landed == "/"


def test_setup_shows_recovery_codes_then_the_workbench_loads(sysadmin):
    # given
    client, _ = password_login("sysadmin")
    # when
    _code, codes = enrol(client, sysadmin)
    # then
    assert len(codes) == services.RECOVERY_CODE_COUNT
    assert TOTPDevice.objects.get(user=sysadmin).confirmed
    assert StaticToken.objects.filter(device__user=sysadmin).count() == len(codes)
    assert AuditEvent.objects.filter(action="otp_enrol", outcome="SUCCESS").exists()
    response = client.get("/")
    assert response.status_code == 200
    assert "系统管理员" in response.content.decode()


def test_a_wrong_setup_code_is_refused(sysadmin):
    # given
    client, _ = password_login("sysadmin")
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=sysadmin)
    wrong = f"{(int(code_for(device)) + 1) % 10**6:06d}"
    # when
    response = client.post(SETUP, {"otp_token": wrong})
    # then
    assert response.status_code == 200
    assert "codes" not in response.context
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/")["Location"] == SETUP


def test_a_second_login_verifies_and_a_code_is_used_once(sysadmin):
    # given: enrolled in a first session
    first, _ = password_login("sysadmin")
    used, _codes = enrol(first, sysadmin)
    first.post("/accounts/logout/")
    # when: a second login
    client, landed = password_login("sysadmin")
    # then: the code is asked for
    assert landed == VERIFY
    assert client.get("/")["Location"] == VERIFY
    # when: the code of the enrolment, again in the same time step
    reused = client.post(VERIFY, {"otp_token": used})
    # then
    assert reused.status_code == 200
    assert reused.context["form"].errors
    assert client.get("/")["Location"] == VERIFY
    assert AuditEvent.objects.filter(action="otp_verify", outcome="DENIED").exists()
    # when: the next code (after the throttle the refusal set, which the test lifts)
    device = TOTPDevice.objects.get(user=sysadmin, confirmed=True)
    device.throttle_reset()
    response = client.post(VERIFY, {"otp_token": code_for(device, drift=1)})
    # then
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_recovery_code_logs_in_once(sysadmin):
    # given
    first, _ = password_login("sysadmin")
    _used, codes = enrol(first, sysadmin)
    client, _ = password_login("sysadmin")
    # when
    response = client.post(VERIFY, {"otp_token": codes[0]})
    # then
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    again, _ = password_login("sysadmin")
    assert again.post(VERIFY, {"otp_token": codes[0]}).status_code == 200
    assert again.get("/")["Location"] == VERIFY


def test_the_security_administrator_resets_two_factor(sysadmin, secadmin):
    # given
    client, _ = password_login("sysadmin")
    enrol(client, sysadmin)
    # when
    services.otp_reset(actor=secadmin, user=sysadmin)
    # then: the devices are gone, the reset is audited, the next login enrols again
    assert not TOTPDevice.objects.filter(user=sysadmin).exists()
    assert not StaticDevice.objects.filter(user=sysadmin).exists()
    event = AuditEvent.objects.get(action="otp_reset")
    assert event.actor_username == "secadmin"
    assert event.object_id == str(sysadmin.pk)
    assert event.outcome == "SUCCESS"
    _client, landed = password_login("sysadmin")
    assert landed == SETUP


def test_only_the_security_administrator_resets(sysadmin, secadmin, auditadmin):
    # given
    TOTPDevice.objects.create(user=secadmin, name="phone", confirmed=True)
    # when / then
    with pytest.raises(PermissionDenied):
        services.otp_reset(actor=sysadmin, user=secadmin)
    with pytest.raises(PermissionDenied):
        services.otp_reset(actor=auditadmin, user=secadmin)
    assert TOTPDevice.objects.filter(user=secadmin).exists()
    assert AuditEvent.objects.filter(action="otp_reset", outcome="DENIED").count() == 2


def test_the_reset_page_for_the_security_administrator(client_for, sysadmin, secadmin):
    # given
    TOTPDevice.objects.create(user=sysadmin, name="phone", confirmed=True)
    # when
    response = client_for(secadmin).post(f"/accounts/users/{sysadmin.pk}/otp-reset/")
    # then
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=sysadmin).exists()


def test_a_session_stopped_at_the_password_reaches_no_api(sysadmin):
    # given: enrolled, then a new login that has not given the code yet
    first, _ = password_login("sysadmin")
    enrol(first, sysadmin)
    client, landed = password_login("sysadmin")
    assert landed == VERIFY
    # when
    response = client.get("/api/v1/units/")
    # then: refused in JSON, not redirected to an HTML page
    assert response.status_code == 403
    assert response.json() == {"detail": "需要有效的动态验证码。"}


def test_a_verified_session_reaches_the_api(sysadmin):
    # given
    client, _ = password_login("sysadmin")
    enrol(client, sysadmin)
    # when
    response = client.get("/api/v1/units/")
    # then
    assert response.status_code == 200


def test_an_enforced_role_gets_no_api_token_before_enrolling(client, sysadmin):
    # when: the password alone, no device yet
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "sysadmin", "password": PASSWORD},
        content_type="application/json",
    )
    # then
    assert response.status_code == 400
    assert "token" not in response.json()


def test_an_enforced_role_with_a_device_gets_a_token_with_the_code(client, sysadmin):
    # given
    device = TOTPDevice.objects.create(user=sysadmin, name="phone", confirmed=True)
    # when
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "sysadmin", "password": PASSWORD, "otp": code_for(device)},
        content_type="application/json",
    )
    # then
    assert response.status_code == 200
    assert response.json()["token"]


def test_a_password_alone_cannot_replace_an_enrolled_device(sysadmin):
    # given: the administrator enrolled a device in an earlier session
    first, _ = password_login("sysadmin")
    enrol(first, sysadmin)
    device = TOTPDevice.objects.get(user=sysadmin, confirmed=True)
    # when: someone with only the password opens the enrolment page
    intruder, landed = password_login("sysadmin")
    response = intruder.get(SETUP)
    # then: sent to verification; the device stays; nothing else opens
    assert landed == VERIFY
    assert response.status_code == 302
    assert response["Location"] == VERIFY
    assert list(TOTPDevice.objects.filter(user=sysadmin).values_list("pk", flat=True)) == [
        device.pk
    ]
    assert intruder.get("/accounts/users/").status_code == 302


def test_a_voluntarily_enrolled_device_is_asked_for_on_the_web(office_clerk):
    # given: a clerk (role not enforced) enrolled a device
    first, _ = password_login("xiyilu_clerk")
    enrol(first, office_clerk)
    # when: a later login with the password only
    client, landed = password_login("xiyilu_clerk")
    # then
    assert landed == VERIFY
    assert client.get("/people/").status_code == 302


def test_api_tokens_end_with_a_password_change_or_a_reset(client, sysadmin, secadmin):
    # given: a token issued to the clerk-like account
    from sifasuo.accounts.models import ApiToken, User

    user = User.objects.get(username="xiyilu_clerk")
    services.api_token_issue(user=user)
    services.api_token_issue(user=sysadmin)
    # when
    services.password_change(user=user, new_password="Another#Passw0rd2026")
    services.otp_reset(actor=secadmin, user=sysadmin)
    # then
    assert not ApiToken.objects.filter(user__in=[user, sysadmin]).exists()
