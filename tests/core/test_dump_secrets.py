"""A database dump gives away no secret (SECURITY.md check 19).

Password hashes carry the configured hasher's prefix; ``pg_dump`` of the test database holds
neither the password, nor the TOTP secret (hex or base32), nor the recovery codes, nor a
person's ID number, phone or address in plaintext.

PostgreSQL only: pg_dump reads committed data from its own connection, so the test is
transactional (and on SQLite a transactional test cannot be flushed: the audit table
refuses DELETE; see tests/core/test_backup.py).
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess

import pytest
from django.contrib.auth.hashers import get_hasher
from django.db import connection
from django_otp.oath import totp

from sifasuo.accounts import services as account_services
from sifasuo.accounts.models import AuthenticatorDevice, User
from sifasuo.orgs.models import Unit
from sifasuo.people import services as people_services

pytestmark = pytest.mark.postgres
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "Dump-Check#Passw0rd-19"
ID_NUMBER = "11010519491231002X"
PHONE = "13987650419"
ADDRESS = "西安市新城区转储检查路19号"


def _pg_dump() -> str:
    found = shutil.which("pg_dump") or "/usr/bin/pg_dump"
    if not os.path.exists(found):
        pytest.skip("pg_dump is not installed (Debian package postgresql-client)")
    return found


def _dump() -> str:
    """The plain-SQL dump of the test database, schema and data."""
    settings = connection.settings_dict
    env = {**os.environ}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    result = subprocess.run(  # noqa: S603 - fixed program, arguments from the settings
        [
            _pg_dump(),
            "--host",
            settings.get("HOST") or "127.0.0.1",
            "--port",
            str(settings.get("PORT") or 5432),
            "--username",
            settings.get("USER") or "postgres",
            "--no-password",
            "--format",
            "plain",
            settings["NAME"],
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _code(device: AuthenticatorDevice) -> str:
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return str(value).zfill(device.digits)


@committed
def test_a_dump_holds_no_password_secret_code_or_personal_number(demo):
    # given: a user with a known password, an enrolled authenticator and recovery codes
    unit = Unit.objects.get(code="610102001")
    user = account_services.user_create(
        actor=None, username="dump_check", unit=unit, password=PASSWORD
    )
    device = account_services.otp_device_create(user=user)
    codes = account_services.otp_device_confirm(user=user, device=device, token=_code(device))
    device.refresh_from_db()
    secret_hex = device.key
    secret_b32 = base64.b32encode(device.bin_key).decode()
    # and a person with an ID number, a phone and an address
    clerk = User.objects.get(username="xiyilu_clerk")
    people_services.person_create(
        actor=clerk,
        unit=clerk.unit,
        name="转储检查",
        id_number=ID_NUMBER,
        phone=PHONE,
        address=ADDRESS,
    )
    # when
    dump = _dump()
    # then: the rows are there (the dump is not empty) ...
    assert "accounts_authenticatordevice" in dump
    assert "dump_check" in dump
    # ... the password is stored as the configured hasher's hash ...
    stored = User.objects.get(username="dump_check").password
    assert stored.startswith(f"{get_hasher().algorithm}$")
    assert stored in dump
    # ... and no secret appears in plaintext, in any case
    folded = dump.upper()
    secrets = {
        "password": PASSWORD,
        "TOTP secret (hex)": secret_hex,
        "TOTP secret (base32)": secret_b32,
        "ID number": ID_NUMBER,
        "phone": PHONE,
        "address": ADDRESS,
        **{f"recovery code {i}": code for i, code in enumerate(codes, 1)},
    }
    assert len(codes) == account_services.RECOVERY_CODE_COUNT
    leaked = [name for name, value in secrets.items() if value.upper() in folded]
    assert leaked == []
