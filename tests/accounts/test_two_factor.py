"""Two-factor login (TOTP through django-otp, secret encrypted): enrol, verify, recovery codes,
reset; per role."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp

from sifasuo.accounts import services
from sifasuo.accounts.models import AuthenticatorDevice, RecoveryCode, RecoveryDevice
from sifasuo.core.models import AuditEvent
from tests.conftest import PASSWORD

SETUP = "/accounts/otp/setup/"
VERIFY = "/accounts/otp/verify/"


@pytest.fixture(autouse=True)
def _enforce_for_sysadmin(settings):
    settings.OTP_ENFORCED_ROLES = ["SYSTEM_ADMIN"]


def code_for(device: AuthenticatorDevice, drift: int = 0) -> str:
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
    device = AuthenticatorDevice.objects.get(user=user, confirmed=False)
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
    assert AuthenticatorDevice.objects.get(user=sysadmin).confirmed
    assert RecoveryCode.objects.filter(device__user=sysadmin).count() == len(codes)
    assert AuditEvent.objects.filter(action="otp_enrol", outcome="SUCCESS").exists()
    response = client.get("/")
    assert response.status_code == 200
    assert "系统管理员" in response.content.decode()


def test_a_wrong_setup_code_is_refused(sysadmin):
    # given
    client, _ = password_login("sysadmin")
    client.get(SETUP)
    device = AuthenticatorDevice.objects.get(user=sysadmin)
    wrong = f"{(int(code_for(device)) + 1) % 10**6:06d}"
    # when
    response = client.post(SETUP, {"otp_token": wrong})
    # then
    assert response.status_code == 200
    assert "codes" not in response.context
    assert not AuthenticatorDevice.objects.get(pk=device.pk).confirmed
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
    device = AuthenticatorDevice.objects.get(user=sysadmin, confirmed=True)
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
    assert not AuthenticatorDevice.objects.filter(user=sysadmin).exists()
    assert not RecoveryDevice.objects.filter(user=sysadmin).exists()
    event = AuditEvent.objects.get(action="otp_reset")
    assert event.actor_username == "secadmin"
    assert event.object_id == str(sysadmin.pk)
    assert event.outcome == "SUCCESS"
    _client, landed = password_login("sysadmin")
    assert landed == SETUP


def test_only_the_security_administrator_resets(sysadmin, secadmin, auditadmin):
    # given
    AuthenticatorDevice.objects.create(user=secadmin, name="phone", confirmed=True)
    # when / then
    with pytest.raises(PermissionDenied):
        services.otp_reset(actor=sysadmin, user=secadmin)
    with pytest.raises(PermissionDenied):
        services.otp_reset(actor=auditadmin, user=secadmin)
    assert AuthenticatorDevice.objects.filter(user=secadmin).exists()
    assert AuditEvent.objects.filter(action="otp_reset", outcome="DENIED").count() == 2


def test_the_reset_page_for_the_security_administrator(client_for, sysadmin, secadmin):
    # given
    AuthenticatorDevice.objects.create(user=sysadmin, name="phone", confirmed=True)
    # when
    response = client_for(secadmin).post(f"/accounts/users/{sysadmin.pk}/otp-reset/")
    # then
    assert response.status_code == 302
    assert not AuthenticatorDevice.objects.filter(user=sysadmin).exists()


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
    device = AuthenticatorDevice.objects.create(user=sysadmin, name="phone", confirmed=True)
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
    device = AuthenticatorDevice.objects.get(user=sysadmin, confirmed=True)
    # when: someone with only the password opens the enrolment page
    intruder, landed = password_login("sysadmin")
    response = intruder.get(SETUP)
    # then: sent to verification; the device stays; nothing else opens
    assert landed == VERIFY
    assert response.status_code == 302
    assert response["Location"] == VERIFY
    assert list(AuthenticatorDevice.objects.filter(user=sysadmin).values_list("pk", flat=True)) == [
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


# Issue 9: who must use two-factor login in production, and the deployment gate.

PRODUCTION_ENFORCED = {
    "city_officer": SETUP,
    "xincheng_reviewer": SETUP,
    "xiyilu_director": SETUP,
    "xiyilu_clerk": SETUP,
    "sysadmin": SETUP,
    "secadmin": SETUP,
    "auditadmin": SETUP,
    "xiyilu_mediator": "/",  # reads no correction or resettlement record: offered, not forced
}


def _production_roles() -> list[str]:
    import importlib

    return list(importlib.import_module("config.settings.production").OTP_ENFORCED_ROLES)


def test_the_enforced_roles_are_the_administrators_and_the_sensitive_readers():
    from sifasuo.accounts.roles import (
        ADMIN_ROLES,
        POLICIES,
        STAFF_ROLES,
        two_factor_required_roles,
    )

    required = two_factor_required_roles()
    readers = {role for role, actions in POLICIES["sensitive"].items() if actions.get("view")}
    assert required == ADMIN_ROLES | readers
    assert required == {
        "SYSTEM_ADMIN",
        "SECURITY_ADMIN",
        "AUDIT_ADMIN",
        "CITY_OFFICER",
        "DISTRICT_OFFICER",
        "OFFICE_DIRECTOR",
        "OFFICE_CLERK",
    }
    assert required <= STAFF_ROLES
    assert set(_production_roles()) == required


def test_a_role_that_gains_sensitive_reading_must_use_two_factor(monkeypatch, settings):
    from sifasuo.accounts.checks import check_two_factor_enforcement
    from sifasuo.accounts.roles import OWN, POLICIES, two_factor_required_roles

    # given: the production list as it is today
    settings.OTP_ENFORCED_ROLES = _production_roles()
    assert check_two_factor_enforcement(None) == []
    # when: mediators are given the right to read correction records
    monkeypatch.setitem(POLICIES["sensitive"], "MEDIATOR", {"view": {OWN}})
    # then: they are required, and a deployment that leaves them out is refused
    assert "MEDIATOR" in two_factor_required_roles()
    errors = check_two_factor_enforcement(None)
    assert [e.id for e in errors] == ["accounts.E001"]
    assert "MEDIATOR" in errors[0].msg


@pytest.mark.parametrize(("username", "landing"), sorted(PRODUCTION_ENFORCED.items()))
def test_with_the_production_list_each_role_enrols_or_is_offered(settings, demo, username, landing):
    # given
    settings.OTP_ENFORCED_ROLES = _production_roles()
    # when
    client, landed = password_login(username)
    # then
    assert landed == landing
    if landing == SETUP:
        assert client.get("/people/")["Location"] == SETUP


@pytest.mark.parametrize("username", sorted(PRODUCTION_ENFORCED))
def test_every_staff_user_can_reach_the_enrolment_page(settings, client_for, demo, username):
    # given: enforcement off, as in the test settings (two-factor only offered)
    from sifasuo.accounts.models import User

    settings.OTP_ENFORCED_ROLES = []
    client = client_for(User.objects.get(username=username))
    # when
    workbench = client.get("/")
    setup = client.get(SETUP)
    # then: the header links to it and it shows the key to scan
    assert workbench.status_code == 200
    assert f'href="{SETUP}"' in workbench.content.decode()
    assert setup.status_code == 200
    assert setup.context["secret_b32"]


def test_the_deploy_check_refuses_enforcement_off_or_incomplete(settings):
    from django.core.checks import ERROR, registry

    from sifasuo.accounts.checks import check_two_factor_enforcement

    # given: it is a deployment check only
    assert check_two_factor_enforcement in registry.registry.get_checks(
        include_deployment_checks=True
    )
    assert check_two_factor_enforcement not in registry.registry.get_checks()
    # when: off, then without the auditor, then with a typo
    settings.OTP_ENFORCED_ROLES = []
    off = check_two_factor_enforcement(None)
    settings.OTP_ENFORCED_ROLES = [r for r in _production_roles() if r != "AUDIT_ADMIN"]
    partial = check_two_factor_enforcement(None)
    settings.OTP_ENFORCED_ROLES = [*_production_roles(), "SYSTEM_ADMN"]
    typo = check_two_factor_enforcement(None)
    # then
    assert [(e.id, e.level >= ERROR) for e in off] == [("accounts.E001", True)]
    assert "AUDIT_ADMIN" in off[0].msg
    assert [e.id for e in partial] == ["accounts.E001"]
    assert partial[0].msg == "Two-factor login is not enforced for: AUDIT_ADMIN."
    assert [e.id for e in typo] == ["accounts.E002"]


def _check_deploy(**env: str):
    """``manage.py check --deploy --fail-level WARNING`` under production settings (.ci/run 5)."""
    import os
    import secrets
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    environment = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "OTP_ENFORCED_ROLES"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        SIFASUO_FIELD_KEYS=f"k1={secrets.token_hex(16)}",
        SIFASUO_FIELD_KEY_ID="k1",
        SIFASUO_BLIND_INDEX_KEY=secrets.token_hex(32),
        SIFASUO_AUDIT_CHAIN_KEY=secrets.token_hex(32),
        DJANGO_ALLOWED_HOSTS="sifasuo.example.gov.cn",
        **env,
    )
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_passes_with_the_production_defaults():
    result = _check_deploy()
    assert result.returncode == 0, result.stderr


def test_check_deploy_fails_with_enforcement_switched_off():
    result = _check_deploy(OTP_ENFORCED_ROLES="SYSTEM_ADMIN,SECURITY_ADMIN,AUDIT_ADMIN")
    assert result.returncode != 0
    assert "accounts.E001" in result.stderr
    assert "CITY_OFFICER, DISTRICT_OFFICER, OFFICE_CLERK, OFFICE_DIRECTOR" in result.stderr


def test_ten_wrong_codes_throttle_the_device_and_are_audited(sysadmin):
    from freezegun import freeze_time

    # given: an enrolled administrator, logged in with the password again
    device = AuthenticatorDevice.objects.create(user=sysadmin, name="phone", confirmed=True)
    with freeze_time(timezone.now()) as frozen:
        client, landed = password_login("sysadmin")
        assert landed == VERIFY
        right = code_for(device)
        wrong = f"{(int(right) + 500000) % 10**6:06d}"
        # when
        for _ in range(10):
            assert client.post(VERIFY, {"otp_token": wrong}).status_code == 200
        refused = client.post(VERIFY, {"otp_token": right})
        # then: even the right code is refused while the device is throttled
        assert refused.status_code == 200
        assert client.get("/people/")["Location"] == VERIFY
        device.refresh_from_db()
        assert device.throttling_failure_count >= 1
        assert device.verify_is_allowed()[0] is False
        assert (
            AuditEvent.objects.filter(
                action="otp_verify", actor_username="sysadmin", outcome="DENIED"
            ).count()
            == 11
        )
        # when: the back-off has passed, the next time step's code works
        frozen.tick(60)
        accepted = client.post(VERIFY, {"otp_token": code_for(device)})
    # then
    assert accepted.status_code == 302


# SECURITY.md check 19: the second factors are not kept in plaintext.


def _column(table: str, column: str, pk: int) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_the_secret_and_the_recovery_codes_are_not_stored_in_plaintext(sysadmin):
    import base64

    # given: enrolled through the pages
    client, _ = password_login("sysadmin")
    _code, codes = enrol(client, sysadmin)
    device = AuthenticatorDevice.objects.get(user=sysadmin, confirmed=True)
    secret_hex = device.key
    secret_b32 = base64.b32encode(device.bin_key).decode()
    # when: the rows are read behind the model's back
    stored_key = _column("accounts_authenticatordevice", "key", device.pk)
    stored_codes = [
        _column("accounts_recoverycode", "code_hash", pk)
        for pk in RecoveryCode.objects.filter(device__user=sysadmin).values_list("pk", flat=True)
    ]
    # then: SM4-GCM ciphertext and keyed hashes, nothing django-otp's tables would hold
    assert len(secret_hex) == 40
    assert stored_key.startswith("sm4gcm:v1:")
    assert secret_hex not in stored_key.lower()
    assert secret_b32 not in stored_key.upper()
    assert len(stored_codes) == len(codes) == services.RECOVERY_CODE_COUNT
    assert not set(codes) & set(stored_codes)
    assert all(len(h) == 64 and all(c not in h for c in codes) for h in stored_codes)
    assert sorted(stored_codes) == sorted(RecoveryCode.hash_of(c) for c in codes)
    from django_otp.plugins.otp_static.models import StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    assert not TOTPDevice.objects.exists()
    assert not StaticToken.objects.exists()


def test_the_enrolment_page_shows_the_secret_and_its_qr_uri(sysadmin, settings):
    import base64
    from urllib.parse import parse_qs, unquote, urlsplit

    from django_otp.plugins.otp_totp.models import TOTPDevice

    # given
    client, _ = password_login("sysadmin")
    # when
    response = client.get(SETUP)
    # then: the key shown is the device's; the QR code carries the same key
    device = AuthenticatorDevice.objects.get(user=sysadmin, confirmed=False)
    secret = base64.b32encode(device.bin_key).decode()
    assert response.context["secret_b32"] == secret
    assert response.context["qr_svg_data_uri"].startswith("data:image/svg+xml;base64,")
    url = urlsplit(device.config_url)
    assert (url.scheme, url.netloc, unquote(url.path)) == ("otpauth", "totp", "/sifasuo:sysadmin")
    query = parse_qs(url.query)
    assert query["secret"] == [secret]
    assert query["issuer"] == [settings.OTP_TOTP_ISSUER]
    assert (query["digits"], query["period"], query["algorithm"]) == (["6"], ["30"], ["SHA1"])
    assert device.config_url == TOTPDevice(user=sysadmin, key=device.key).config_url


def test_django_otp_finds_the_devices(sysadmin):
    from django_otp import devices_for_user, match_token, user_has_device

    # given: enrolled
    client, _ = password_login("sysadmin")
    _code, codes = enrol(client, sysadmin)
    # when / then: the device discovery the middleware and match_token use sees both
    assert user_has_device(sysadmin)
    assert {type(d) for d in devices_for_user(sysadmin)} == {AuthenticatorDevice, RecoveryDevice}
    device = AuthenticatorDevice.objects.get(user=sysadmin)
    device.throttle_reset()
    assert isinstance(match_token(sysadmin, code_for(device, drift=1)), AuthenticatorDevice)
    assert isinstance(match_token(sysadmin, codes[1].upper()), RecoveryDevice)


def test_a_code_is_accepted_once_and_never_an_older_one(sysadmin):
    from freezegun import freeze_time

    # given: a device, at a fixed moment
    device = AuthenticatorDevice.objects.create(user=sysadmin, name="phone", confirmed=True)
    with freeze_time(timezone.now()) as frozen:
        code = code_for(device)
        # when / then: the code once; again in the same step, refused
        assert device.verify_token(code)
        first_t = device.last_t
        device.throttle_reset()
        assert not device.verify_token(code)
        # when: the next step's code, then the previous step's (tolerance would allow it)
        frozen.tick(device.step)
        device.throttle_reset()
        assert device.verify_token(code_for(device))
        device.throttle_reset()
        assert not device.verify_token(code)
    device.refresh_from_db()
    assert device.last_t == first_t + 1
    assert device.last_used_at is not None


def test_a_recovery_code_is_consumed_and_wrong_ones_throttle(sysadmin):
    # given
    client, _ = password_login("sysadmin")
    _code, codes = enrol(client, sysadmin)
    recovery = RecoveryDevice.objects.get(user=sysadmin)
    # when / then
    assert recovery.verify_token(f" {codes[2].upper()} ")  # typed loosely: still the code
    assert recovery.codes.count() == services.RECOVERY_CODE_COUNT - 1
    recovery.throttle_reset()
    assert not recovery.verify_token(codes[2])
    recovery.refresh_from_db()
    assert recovery.throttling_failure_count == 1
    assert recovery.verify_is_allowed()[0] is False
    assert not recovery.verify_token(codes[3])  # throttled: even a good code waits
    assert recovery.codes.count() == services.RECOVERY_CODE_COUNT - 1


def _move_migration():
    import importlib

    return importlib.import_module("sifasuo.accounts.migrations.0007_move_otp_devices")


def test_the_migration_moves_django_otp_devices_and_back(sysadmin):
    from django.apps import apps
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    # given: devices as django-otp kept them, in plaintext
    old = TOTPDevice.objects.create(
        user=sysadmin, name="phone", confirmed=True, drift=1, last_t=12345
    )
    TOTPDevice.objects.filter(pk=old.pk).update(throttling_failure_count=2)
    static = StaticDevice.objects.create(user=sysadmin, name="recovery", confirmed=True)
    StaticToken.objects.bulk_create(
        StaticToken(device=static, token=t) for t in ("aaaa11bbbb", "cccc22dddd")
    )
    migration = _move_migration()
    # when
    migration.forward(apps, None)
    # then: encrypted and hashed copies, the plaintext rows gone
    assert not TOTPDevice.objects.exists()
    assert not StaticDevice.objects.exists()
    assert not StaticToken.objects.exists()
    moved = AuthenticatorDevice.objects.get(user=sysadmin)
    assert (moved.key, moved.drift, moved.last_t, moved.confirmed) == (old.key, 1, 12345, True)
    assert moved.throttling_failure_count == 2
    assert moved.created_at == old.created_at
    assert _column("accounts_authenticatordevice", "key", moved.pk).startswith("sm4gcm:v1:")
    recovery = RecoveryDevice.objects.get(user=sysadmin)
    assert sorted(recovery.codes.values_list("code_hash", flat=True)) == sorted(
        RecoveryCode.hash_of(t) for t in ("aaaa11bbbb", "cccc22dddd")
    )
    assert recovery.verify_token("cccc22dddd")
    # when: the migration is reversed
    migration.backward(apps, None)
    # then: the secret goes back; the codes cannot (only hashes were kept)
    back = TOTPDevice.objects.get(user=sysadmin)
    assert (back.key, back.drift, back.last_t) == (old.key, 1, 12345)
    assert StaticDevice.objects.filter(user=sysadmin).exists()
    assert not StaticToken.objects.exists()
    assert not AuthenticatorDevice.objects.exists()
    assert not RecoveryDevice.objects.exists()
