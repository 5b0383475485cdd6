"""The API's front door: tokens (hashed, expiring, two-factor aware), 401, the schema."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp

from sifasuo.accounts.authentication import hash_key
from sifasuo.accounts.models import ApiToken, AuthenticatorDevice
from tests.conftest import PASSWORD

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The token endpoint's throttle counts in the cache: start each test at zero."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def get_token(client: Client, username: str, password: str = PASSWORD, **extra: str):
    return client.post(
        TOKEN_URL,
        {"username": username, "password": password, **extra},
        content_type="application/json",
    )


def current_code(device: AuthenticatorDevice) -> str:
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return str(code).zfill(device.digits)


def test_password_gives_a_token(client, office_clerk):
    # when
    response = get_token(client, "xiyilu_clerk")
    # then
    assert response.status_code == 200
    assert set(response.json()) == {"token"}
    assert len(response.json()["token"]) >= 32


def test_the_token_is_stored_hashed(client, office_clerk):
    # when
    raw = get_token(client, "xiyilu_clerk").json()["token"]
    # then
    stored = ApiToken.objects.get(user=office_clerk)
    assert stored.key_hash != raw
    assert stored.key_hash == hash_key(raw)
    assert not ApiToken.objects.filter(key_hash=raw).exists()
    assert timedelta(hours=7, minutes=59) < stored.expires_at - timezone.now() <= timedelta(hours=8)


def test_wrong_password_and_unknown_user_get_the_same_generic_400(client, office_clerk):
    # when
    wrong = get_token(client, "xiyilu_clerk", "Wrong-password-123")
    unknown = get_token(client, "nobody_here", "Wrong-password-123")
    # then
    assert wrong.status_code == unknown.status_code == 400
    assert wrong.json() == unknown.json()
    assert set(wrong.json()) == {"detail"}
    assert not ApiToken.objects.exists()


def test_missing_fields_are_400(client, demo):
    # when
    response = client.post(TOKEN_URL, {"username": "xiyilu_clerk"}, content_type="application/json")
    # then
    assert response.status_code == 400
    assert "password" in response.json()


def test_five_failures_lock_the_api_with_the_same_message(client, office_clerk):
    # given
    for _ in range(5):
        get_token(client, "xiyilu_clerk", "Wrong-password-123")
    # when: now the right password
    locked = get_token(client, "xiyilu_clerk")
    wrong = get_token(client, "xiyilu_clerk", "Wrong-password-123")
    # then
    assert locked.status_code == 400
    assert locked.json() == wrong.json()
    assert not ApiToken.objects.exists()


def test_a_confirmed_device_requires_the_one_time_code(client, office_clerk):
    # given
    device = AuthenticatorDevice.objects.create(user=office_clerk, name="phone", confirmed=True)
    # when: first without the code, then with it
    without = get_token(client, "xiyilu_clerk")
    right = get_token(client, "xiyilu_clerk", otp=current_code(device))
    # then: asking without a code costs nothing, the right code gives the token
    assert without.status_code == 400
    assert "token" not in without.json()
    assert right.status_code == 200
    assert right.json()["token"]


def test_a_wrong_or_reused_one_time_code_is_400(client, office_clerk):
    # given
    device = AuthenticatorDevice.objects.create(user=office_clerk, name="phone", confirmed=True)
    code = current_code(device)
    assert get_token(client, "xiyilu_clerk", otp=code).status_code == 200
    # when: the same code again in the same time step, and a wrong code
    reused = get_token(client, "xiyilu_clerk", otp=code)
    wrong = get_token(client, "xiyilu_clerk", otp=f"{(int(code) + 1) % 10**6:06d}")
    # then
    assert reused.status_code == 400
    assert wrong.status_code == 400
    assert ApiToken.objects.filter(user=office_clerk).count() == 1


def test_an_unconfirmed_device_does_not_ask_for_a_code(client, office_clerk):
    # given: enrolment started but never confirmed
    AuthenticatorDevice.objects.create(user=office_clerk, name="phone", confirmed=False)
    # when
    response = get_token(client, "xiyilu_clerk")
    # then
    assert response.status_code == 200


def test_the_token_authenticates_api_calls(client, office_clerk):
    # given
    token = get_token(client, "xiyilu_clerk").json()["token"]
    # when
    response = Client().get("/api/v1/offices/", HTTP_AUTHORIZATION=f"Token {token}")
    # then
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert [o["code"] for o in body["results"]] == ["610102001"]
    assert ApiToken.objects.get(user=office_clerk).last_used_at is not None


@pytest.mark.parametrize(
    "url", ["/api/v1/", "/api/v1/offices/", "/api/v1/units/", "/api/v1/people/"]
)
def test_anonymous_api_calls_are_401(client, demo, url):
    # when
    response = client.get(url)
    # then
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


def test_an_expired_token_is_401(client, office_clerk):
    # given
    token = get_token(client, "xiyilu_clerk").json()["token"]
    ApiToken.objects.filter(user=office_clerk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    # when
    response = Client().get("/api/v1/offices/", HTTP_AUTHORIZATION=f"Token {token}")
    # then
    assert response.status_code == 401


def test_a_made_up_token_is_401(client, demo):
    # when
    response = client.get("/api/v1/offices/", HTTP_AUTHORIZATION="Token not-a-real-token")
    # then
    assert response.status_code == 401


def test_a_disabled_users_token_is_401(client, office_clerk):
    # given
    token = get_token(client, "xiyilu_clerk").json()["token"]
    type(office_clerk).objects.filter(pk=office_clerk.pk).update(is_active=False)
    # when
    response = Client().get("/api/v1/offices/", HTTP_AUTHORIZATION=f"Token {token}")
    # then
    assert response.status_code == 401


def test_the_schema_is_an_openapi_document_for_logged_in_users(client_for, office_clerk):
    # when
    response = client_for(office_clerk).get("/api/schema/?format=json")
    # then
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/offices/{code}/" in schema["paths"]
    assert "/api/v1/auth/token/" in schema["paths"]
    assert schema["components"]["securitySchemes"]["tokenAuth"]["name"] == "Authorization"


def test_the_docs_page_renders_for_logged_in_users(client_for, office_clerk):
    # when
    response = client_for(office_clerk).get("/api/docs/")
    # then
    assert response.status_code == 200


@pytest.mark.parametrize("url", ["/api/schema/", "/api/docs/"])
def test_schema_and_docs_need_a_login(client, demo, url):
    # when
    response = client.get(url)
    # then
    assert response.status_code == 401


def test_schema_generation_raises_no_warning(tmp_path):
    # when: fail_on_warn turns every warning and error into a failure
    out = io.StringIO()
    call_command(
        "spectacular",
        validate=True,
        fail_on_warn=True,
        file=str(tmp_path / "schema.yml"),
        stdout=out,
        stderr=out,
    )
    # then
    assert (tmp_path / "schema.yml").read_text().startswith("openapi: 3")
