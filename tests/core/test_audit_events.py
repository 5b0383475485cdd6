"""Every security-relevant event writes its audit row (SECURITY.md 1.3 "what to log", check 29).

One parametrised test over the events: each case does what a user does (through the pages or
the API) or what an operator does at the console (the commands), then the trail must hold the
event's rows, and only those, under its ``action``: who (``actor_username``; the account is
``actor`` where there is one), on what (``object_type`` / ``object_id``) and the outcome.

The list is SECURITY.md 1.3's (login ok and failed, logout, lockout, unlock, two-factor
enrolment, verification and reset, password change, role grant and revoke, account create,
disable and enable, access refused, CSRF failure, sensitive read, search, reveal, export,
import committed and rejected, backup, restore, retention archive, key rotation) with the
names the code writes; ``test_every_security_action_has_a_case`` fails when the accounts or
core code writes an action that has no case here. SECURITY.md also names events the platform
does not have: a password reset (administrators set an initial password, changed at the first
login), a change of an account's unit (there is no such function: a new account is made) and
a configuration change from the application (settings come from the environment).

Backup and restore run in the PostgreSQL pass, as their drill does (``test_backup.py``).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

from sifasuo.accounts.authentication import hash_key
from sifasuo.accounts.models import AuthenticatorDevice, User, UserSession
from sifasuo.core import audit
from sifasuo.core.models import AuditEvent
from sifasuo.core.xlsx import build_workbook
from sifasuo.orgs.services import OFFICE_COLUMNS
from sifasuo.people import services as people_services
from tests.accounts.test_two_factor import code_for
from tests.conftest import PASSWORD
from tests.core.test_audit_retention import archive_dir, empty_trail  # noqa: F401 - fixtures
from tests.core.test_backup import scratch  # noqa: F401 - a fixture
from tests.correction import factories as correction_factories

pytestmark = pytest.mark.django_db

SOURCE = Path(__file__).resolve().parents[2] / "sifasuo"
CLI = audit.command_user()
REASON = "核对身份后上报区局"


@dataclass(frozen=True)
class Row:
    """What one audit row must say."""

    actor: str  # actor_username
    object_type: str
    object_id: str = ""
    outcome: str = "SUCCESS"
    signed_in: bool = True  # the row names the account (actor) as well as the username


class Cast:
    """The named users of tests/conftest.py, and logged-in clients."""

    def __init__(self, request: pytest.FixtureRequest) -> None:
        self.request = request

    def user(self, name: str) -> User:
        return self.request.getfixturevalue(name)

    def logged_in(self, name: str) -> Client:
        client = Client()
        client.force_login(self.user(name))
        return client

    def fixture(self, name: str) -> Any:
        return self.request.getfixturevalue(name)


def _account(user: User) -> tuple[str, str]:
    return "accounts.user", str(user.pk)


def _login(client: Client, username: str, password: str = PASSWORD) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password})


# Each event: (given) -> state, then (when) -> the rows its action must have. -----------------


def _no_setup(cast: Cast) -> None:
    return None


def login(cast: Cast, _state: Any) -> list[Row]:
    clerk = cast.user("office_clerk")
    assert _login(Client(), clerk.username).status_code == 302
    return [Row(clerk.username, *_account(clerk))]


WRONG = "Wrong-password-1"


def wrong_password(cast: Cast, _state: Any) -> list[Row]:
    """A wrong password: a failed login; the fifth in a row also locks the account."""
    clerk = cast.user("office_clerk")
    assert _login(Client(), clerk.username, WRONG).status_code == 200
    return [Row(clerk.username, "accounts.user", clerk.username, "DENIED", signed_in=False)]


def _failed_logins(count: int) -> Callable[[Cast], None]:
    def given(cast: Cast) -> None:
        for _ in range(count):
            _login(Client(), cast.user("office_clerk").username, WRONG)

    return given


def unlock(cast: Cast, _state: Any) -> list[Row]:
    clerk = cast.user("office_clerk")
    response = cast.logged_in("secadmin").post(f"/accounts/users/{clerk.pk}/unlock/")
    assert response.status_code == 302
    assert _login(Client(), clerk.username).status_code == 302  # the lockout is gone
    return [Row("secadmin", "accounts.user", clerk.username)]


def _logged_in_clerk(cast: Cast) -> Client:
    client = Client()
    assert _login(client, cast.user("office_clerk").username).status_code == 302
    return client


def logout(cast: Cast, client: Client) -> list[Row]:
    clerk = cast.user("office_clerk")
    assert client.post("/accounts/logout/").status_code == 302
    return [Row(clerk.username, *_account(clerk))]


def password_change(cast: Cast, client: Client) -> list[Row]:
    clerk = cast.user("office_clerk")
    new = "Another#Passw0rd2026"
    data = {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    assert client.post("/accounts/password/", data).status_code == 302
    return [Row(clerk.username, *_account(clerk))]


def otp_enrol(cast: Cast, client: Client) -> list[Row]:
    clerk = cast.user("office_clerk")
    assert client.get("/accounts/otp/setup/").status_code == 200
    device = AuthenticatorDevice.objects.get(user=clerk, confirmed=False)
    response = client.post("/accounts/otp/setup/", {"otp_token": code_for(device)})
    assert response.status_code == 200
    assert AuthenticatorDevice.objects.get(user=clerk).confirmed
    return [Row(clerk.username, *_account(clerk))]


def _enrolled_clerk_at_the_code(cast: Cast) -> tuple[Client, AuthenticatorDevice]:
    clerk = cast.user("office_clerk")
    device = AuthenticatorDevice.objects.create(user=clerk, name="phone", confirmed=True)
    return _logged_in_clerk(cast), device


def otp_verify(cast: Cast, state: tuple[Client, AuthenticatorDevice]) -> list[Row]:
    clerk = cast.user("office_clerk")
    client, device = state
    response = client.post("/accounts/otp/verify/", {"otp_token": code_for(device)})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    return [Row(clerk.username, *_account(clerk))]


def _enrolled_clerk(cast: Cast) -> None:
    AuthenticatorDevice.objects.create(user=cast.user("office_clerk"), name="p", confirmed=True)


def otp_reset(cast: Cast, _state: Any) -> list[Row]:
    clerk = cast.user("office_clerk")
    response = cast.logged_in("secadmin").post(f"/accounts/users/{clerk.pk}/otp-reset/")
    assert response.status_code == 302
    assert not AuthenticatorDevice.objects.filter(user=clerk).exists()
    return [Row("secadmin", *_account(clerk))]


def _roles_set(name: str, roles: list[str], **changed: list[str]) -> Callable[..., list[Row]]:
    """The security administrator gives ``name`` exactly ``roles``; the row lists ``changed``."""

    def when(cast: Cast, _state: Any) -> list[Row]:
        user = cast.user(name)
        url = f"/accounts/users/{user.pk}/roles/"
        assert cast.logged_in("secadmin").post(url, {"roles": roles}).status_code == 302
        row = AuditEvent.objects.filter(action="role_change").order_by("-seq").first()
        assert {key: row.changes[key] for key in changed} == changed
        return [Row("secadmin", *_account(user))]

    return when


def role_change_refused(cast: Cast, _state: Any) -> list[Row]:
    clerk = cast.user("office_clerk")
    roles = {"roles": ["OFFICE_CLERK", "OFFICE_DIRECTOR"]}
    response = cast.logged_in("sysadmin").post(f"/accounts/users/{clerk.pk}/roles/", roles)
    assert response.status_code == 403  # 三权分立: roles are the security administrator's
    return [Row("sysadmin", "", "", "DENIED")]


def user_create(cast: Cast, _state: Any) -> list[Row]:
    data = {
        "username": "new_clerk",
        "display_name": "新同事",
        "unit_code": "610102001",
        "password": "Initial#Passw0rd2026",
        "form_token": "audit-coverage-1",
    }
    assert cast.logged_in("sysadmin").post("/accounts/users/new/", data).status_code == 302
    return [Row("sysadmin", *_account(User.objects.get(username="new_clerk")))]


def user_disable(cast: Cast, _state: Any) -> list[Row]:
    clerk = cast.user("office_clerk")
    response = cast.logged_in("sysadmin").post(f"/accounts/users/{clerk.pk}/active/")
    assert response.status_code == 302
    assert not User.objects.get(pk=clerk.pk).is_active
    return [Row("sysadmin", *_account(clerk))]


def _disabled_clerk(cast: Cast) -> None:
    User.objects.filter(pk=cast.user("office_clerk").pk).update(is_active=False)


def user_enable(cast: Cast, _state: Any) -> list[Row]:
    clerk = cast.user("office_clerk")
    response = cast.logged_in("sysadmin").post(f"/accounts/users/{clerk.pk}/active/")
    assert response.status_code == 302
    assert User.objects.get(pk=clerk.pk).is_active
    return [Row("sysadmin", *_account(clerk))]


def _two_sessions(cast: Cast) -> tuple[Client, UserSession]:
    first, second = _logged_in_clerk(cast), _logged_in_clerk(cast)
    other = UserSession.objects.get(key_hash=hash_key(second.session.session_key))
    return first, other


def session_end(cast: Cast, state: tuple[Client, UserSession]) -> list[Row]:
    clerk = cast.user("office_clerk")
    client, other = state
    assert client.post("/accounts/sessions/", {"session": other.pk}).status_code == 302
    return [Row(clerk.username, *_account(clerk))]


def api_token_issue(cast: Cast, _state: Any) -> list[Row]:
    clerk = cast.user("office_clerk")
    response = Client().post(
        "/api/v1/auth/token/",
        {"username": clerk.username, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
    return [Row(clerk.username, *_account(clerk))]


def csrf_failure(cast: Cast, _state: Any) -> list[Row]:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.user("office_clerk"))
    assert client.post("/people/new/", {"name": "张三"}).status_code == 403
    return [Row(cast.user("office_clerk").username, "request", "/people/new/", "DENIED")]


def _subject(cast: Cast) -> Any:
    return correction_factories.received(actor=cast.user("office_clerk"))


def view(cast: Cast, subject: Any) -> list[Row]:
    url = f"/correction/subjects/{subject.public_id}/"
    assert cast.logged_in("office_clerk").get(url).status_code == 200
    return [Row("xiyilu_clerk", "correction.correctionsubject", str(subject.public_id))]


def _person(cast: Cast) -> Any:
    return people_services.person_create(
        actor=cast.user("office_clerk"),
        unit=cast.user("office_clerk").unit,
        name="欧阳审计",
        id_number="610102199003071238",
        phone="13812340000",
    )


def search(cast: Cast, person: Any) -> list[Row]:
    data = {"id_type": person.id_type, "id_number": person.id_number}
    assert cast.logged_in("office_clerk").post("/people/search/", data).status_code == 302
    return [Row("xiyilu_clerk", "people.person")]


def reveal(cast: Cast, person: Any) -> list[Row]:
    url = f"/people/{person.public_id}/reveal/"
    data = {"field": "id_number", "reason": REASON}
    response = cast.logged_in("office_director").post(url, data)
    assert response.status_code == 200
    assert person.id_number in response.content.decode()
    row = AuditEvent.objects.order_by("-seq").first()
    assert row.reason == REASON
    return [Row("xiyilu_director", "people.person", str(person.public_id))]


def export(cast: Cast, _person: Any) -> list[Row]:
    response = cast.logged_in("office_clerk").get("/people/?export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return [Row("xiyilu_clerk", "people.person")]


OFFICE_ROW = ["610102001", "西一路街道司法所", "610102001", "", "610102", "西一路1号", "", ""]


def _upload(sysadmin_client: Client, row: list[str]) -> Any:
    content = build_workbook("offices", OFFICE_COLUMNS, [row])
    upload = SimpleUploadedFile("offices.xlsx", content)
    return sysadmin_client.post("/units/import/", {"file": upload})


def import_committed(cast: Cast, _state: Any) -> list[Row]:
    response = _upload(cast.logged_in("sysadmin"), OFFICE_ROW)
    assert response.status_code == 200
    assert response.context["result"] == {"created": 0, "updated": 1}
    return [Row("sysadmin", "orgs.unit")]


def import_rejected(cast: Cast, _state: Any) -> list[Row]:
    bad = [*OFFICE_ROW[:2], "610102999", *OFFICE_ROW[3:]]  # no such town
    response = _upload(cast.logged_in("sysadmin"), bad)
    assert response.context["errors"]
    return [Row("sysadmin", "orgs.unit", "", "ERROR")]


def backup(cast: Cast, _state: Any) -> list[Row]:
    path = cast.fixture("tmp_path") / "coverage.sfsbak"
    call_command("backup", "--output", str(path), stdout=io.StringIO())
    return [Row(CLI, "database", path.name, signed_in=False)] * 2  # start and end


def _backup_file(cast: Cast) -> Path:
    path = cast.fixture("tmp_path") / "to-restore.sfsbak"
    call_command("backup", "--output", str(path), stdout=io.StringIO())
    return path


def restore(cast: Cast, path: Path) -> list[Row]:
    url, _target = cast.fixture("scratch")
    call_command("restore", str(path), "--database-url", url, stdout=io.StringIO())
    return [Row(CLI, "database", path.name, signed_in=False)] * 2  # start and end


def _aged_head_of_the_trail(cast: Cast) -> None:
    cast.fixture("empty_trail")
    cast.fixture("archive_dir")
    with freeze_time(timezone.now() - timedelta(days=181)):
        audit.record("login", username="old", object_type="test.retention")
    audit.record("login", username="fresh", object_type="test.retention")


def audit_archive(cast: Cast, _state: Any) -> list[Row]:
    call_command("archive_audit", stdout=io.StringIO())
    return [Row(CLI, "core.auditevent", signed_in=False)]


def reencrypt(cast: Cast, _person: Any) -> list[Row]:
    call_command("reencrypt_fields", stdout=io.StringIO())
    rows = AuditEvent.objects.filter(action="reencrypt").order_by("seq")
    assert "people.person" in {r.object_type for r in rows}
    return [Row(CLI, r.object_type, signed_in=False) for r in rows]


def dormant_accounts(cast: Cast, _state: Any) -> list[Row]:
    call_command("disable_dormant_accounts", stdout=io.StringIO())
    return [Row("", "accounts.user", signed_in=False)]


def orphan_files(cast: Cast, _state: Any) -> list[Row]:
    call_command("sweep_orphan_files", stdout=io.StringIO())
    return [Row("", "core.attachment", signed_in=False)]


def residual_purge(cast: Cast, _state: Any) -> list[Row]:
    call_command("purge_residual", stdout=io.StringIO())
    return [Row("", "residual", signed_in=False)]


@dataclass(frozen=True)
class Event:
    action: str
    when: Callable[[Cast, Any], list[Row]]
    given: Callable[[Cast], Any] = _no_setup
    name: str = ""
    postgres: bool = False

    @property
    def id(self) -> str:
        return self.name or self.action


EVENTS = (
    Event("login", login),
    Event("login_failed", wrong_password),
    Event("lockout", wrong_password, _failed_logins(4)),
    Event("unlock", unlock, _failed_logins(5)),
    Event("logout", logout, _logged_in_clerk),
    Event("password_change", password_change, _logged_in_clerk),
    Event("otp_enrol", otp_enrol, _logged_in_clerk),
    Event("otp_verify", otp_verify, _enrolled_clerk_at_the_code),
    Event("otp_reset", otp_reset, _enrolled_clerk),
    Event(
        "role_change",
        _roles_set("office_clerk", ["OFFICE_CLERK", "OFFICE_DIRECTOR"], added=["OFFICE_DIRECTOR"]),
        name="role_grant",
    ),
    Event(
        "role_change",
        _roles_set("office_director", ["OFFICE_CLERK"], removed=["OFFICE_DIRECTOR"]),
        name="role_revoke",
    ),
    Event("role_change", role_change_refused, name="role_change_refused"),
    Event("user_create", user_create),
    Event("user_disable", user_disable),
    Event("user_enable", user_enable, _disabled_clerk),
    Event("session_end", session_end, _two_sessions),
    Event("api_token_issue", api_token_issue),
    Event("csrf_failure", csrf_failure),
    Event("view", view, _subject),
    Event("search", search, _person),
    Event("reveal", reveal, _person),
    Event("export", export, _person),
    Event("import_committed", import_committed),
    Event("import_rejected", import_rejected),
    Event("backup", backup, postgres=True),
    Event("restore", restore, _backup_file, postgres=True),
    Event("audit_archive", audit_archive, _aged_head_of_the_trail),
    Event("reencrypt", reencrypt, _person),
    Event("dormant_accounts", dormant_accounts),
    Event("orphan_files", orphan_files),
    Event("residual_purge", residual_purge),
)


@pytest.mark.parametrize(
    "event",
    [pytest.param(e, id=e.id, marks=[pytest.mark.postgres] if e.postgres else []) for e in EVENTS],
)
def test_every_security_event_writes_its_audit_row(request, event):
    # given
    cast = Cast(request)
    state = event.given(cast)
    seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    # when
    expected = event.when(cast, state)
    # then: the event's rows, who did it, to what, and how it ended
    rows = list(AuditEvent.objects.filter(seq__gt=seq, action=event.action).order_by("seq"))
    written = [
        Row(r.actor_username, r.object_type, r.object_id, r.outcome, r.actor_id is not None)
        for r in rows
    ]
    assert written == expected
    for row in rows:
        if row.actor_id is not None:
            assert User.objects.get(pk=row.actor_id).username == row.actor_username


# Completeness ------------------------------------------------------------------------------

# The modules that write the security events: accounts, the audit trail, backups, keys.
SECURITY_CODE = ("accounts", "core")
RECORDED = re.compile(r'(?:\brecord|\brequires_role|\b_audit)\(\s*(?:Role\.\w+,\s*)?"([a-z_]+)"')
NOT_SECURITY_EVENTS = {
    "create": "attachments (core.attachments): an ordinary create, audited like every other",
    "download": "an attachment download: a read, audited like every other (check 2)",
}


def _actions_written() -> set[str]:
    found: set[str] = set()
    for app in SECURITY_CODE:
        for path in (SOURCE / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for match in RECORDED.finditer(path.read_text(encoding="utf-8")):
                found.add(match.group(1))
    return found


def test_every_security_action_has_a_case():
    # given
    covered = {e.action for e in EVENTS}
    # when
    written = _actions_written()
    # then
    assert written - covered - set(NOT_SECURITY_EVENTS) == set()
    assert {"login", "lockout", "backup", "restore", "audit_archive"} <= written  # the scan works
