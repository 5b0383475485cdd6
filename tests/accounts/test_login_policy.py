"""Login policy: password rules, lockout without a hint, idle and absolute session limits."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from freezegun import freeze_time

from sifasuo.accounts import services
from sifasuo.accounts.backends import StaffModelBackend
from sifasuo.accounts.models import User
from sifasuo.core.models import AuditEvent
from tests.conftest import PASSWORD

LOGIN_URL = "/accounts/login/"
GENERIC_ERROR = "用户名或密码错误。"


def _codes(password: str, user: User | None = None) -> set[str]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return {error.code for error in exc.error_list}
    return set()


def _login(client: Client, username: str, password: str):
    return client.post(LOGIN_URL, {"username": username, "password": password})


def _normalised(response) -> str:
    """The page without what differs on every response (CSRF token, CSP nonce)."""
    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", body)
    body = re.sub(r'name="csrf-token" content="[^"]+"', "CSRF", body)
    return re.sub(r'nonce="[^"]+"', "NONCE", body)


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Abc12345", "password_too_short"),
        ("password1234", "password_too_common"),
        ("aaaaaaaaaaaa", "password_too_simple"),
        ("Aa1!" * 32 + "x", "password_too_long"),
        ("123456789012", "password_entirely_numeric"),
    ],
)
def test_weak_passwords_are_refused(db, password, code):
    assert code in _codes(password)


@pytest.mark.parametrize("password", ["Xian-Sifa-2024", "correct horse Battery", "Aa1!" * 32])
def test_good_passwords_are_accepted(db, password):
    assert _codes(password) == set()


def test_a_password_like_the_username_is_refused(office_clerk):
    assert "password_too_similar" in _codes("Xiyilu_clerk1", office_clerk)


def test_the_correct_password_logs_in(client, office_clerk):
    # when
    response = _login(client, "xiyilu_clerk", PASSWORD)
    # then
    assert response.status_code == 302
    assert _logged_in(client)


def test_five_failures_lock_the_account_without_saying_so(client, office_clerk):
    # given
    for _ in range(4):
        _login(client, "xiyilu_clerk", "Wrong-password-1")
    wrong = _login(client, "xiyilu_clerk", "Wrong-password-1")
    # when
    locked = _login(client, "xiyilu_clerk", PASSWORD)
    # then
    assert not _logged_in(client)
    assert locked.status_code == wrong.status_code == 200
    assert GENERIC_ERROR in locked.content.decode()
    assert _normalised(locked) == _normalised(wrong)
    assert AuditEvent.objects.filter(action="lockout", actor_username="xiyilu_clerk").exists()


def test_the_lockout_also_holds_from_another_address(office_clerk):
    # given
    for _ in range(5):
        _login(Client(REMOTE_ADDR="10.0.0.1"), "xiyilu_clerk", "Wrong-password-1")
    # when
    client = Client(REMOTE_ADDR="10.0.0.2")
    response = _login(client, "xiyilu_clerk", PASSWORD)
    # then
    assert response.status_code == 200
    assert not _logged_in(client)


def test_a_security_administrator_lifts_the_lockout(client, office_clerk, secadmin):
    # given
    for _ in range(5):
        _login(client, "xiyilu_clerk", "Wrong-password-1")
    # when
    services.user_unlock(actor=secadmin, username="xiyilu_clerk")
    response = _login(client, "xiyilu_clerk", PASSWORD)
    # then
    assert response.status_code == 302
    assert _logged_in(client)
    assert AuditEvent.objects.filter(action="unlock", actor=secadmin).exists()


def test_a_system_administrator_may_not_lift_a_lockout(client, office_clerk, sysadmin):
    # given
    for _ in range(5):
        _login(client, "xiyilu_clerk", "Wrong-password-1")
    # when / then
    with pytest.raises(PermissionDenied):
        services.user_unlock(actor=sysadmin, username="xiyilu_clerk")
    assert _login(client, "xiyilu_clerk", PASSWORD).status_code == 200
    assert not _logged_in(client)


def test_the_lockout_ends_after_the_cool_off(office_clerk):
    # given
    with freeze_time("2024-10-08 09:00:00") as frozen:
        for _ in range(5):
            _login(Client(), "xiyilu_clerk", "Wrong-password-1")
        # when
        frozen.tick(timedelta(minutes=31))
        client = Client()
        response = _login(client, "xiyilu_clerk", PASSWORD)
        # then
        assert response.status_code == 302
        assert _logged_in(client)


def test_an_unknown_user_gets_the_same_answer(client, office_clerk):
    # given
    known = _login(Client(), "xiyilu_clerk", "Wrong-password-1")
    # when
    unknown = _login(client, "nobody_at_all", "Wrong-password-1")
    # then
    assert unknown.status_code == known.status_code == 200
    assert GENERIC_ERROR in unknown.content.decode()
    assert _normalised(unknown).replace("nobody_at_all", "USER") == _normalised(known).replace(
        "xiyilu_clerk", "USER"
    )


def test_an_inactive_user_gets_the_same_answer(client, office_clerk):
    # given
    User.objects.filter(pk=office_clerk.pk).update(is_active=False)
    # when
    response = _login(client, "xiyilu_clerk", PASSWORD)
    # then
    assert response.status_code == 200
    assert GENERIC_ERROR in response.content.decode()
    assert not _logged_in(client)


def test_a_superuser_cannot_log_in(client, city_officer):
    # given
    User.objects.create_superuser(
        "root_account", password="Root-Password-2024", unit=city_officer.unit
    )
    # when
    response = _login(client, "root_account", "Root-Password-2024")
    # then
    assert response.status_code == 200
    assert GENERIC_ERROR in response.content.decode()
    assert not _logged_in(client)
    credentials = {"username": "root_account", "password": "Root-Password-2024"}
    assert StaffModelBackend().authenticate(None, **credentials) is None
    assert ModelBackend().authenticate(None, **credentials) is not None  # the password is right


def test_login_and_failures_are_audited(client, office_clerk):
    # when
    _login(client, "xiyilu_clerk", "Wrong-password-1")
    _login(client, "xiyilu_clerk", PASSWORD)
    # then
    actions = list(
        AuditEvent.objects.filter(actor_username="xiyilu_clerk")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == ["login_failed", "login"]
    failed = AuditEvent.objects.filter(action="login_failed").last()
    assert "Wrong-password-1" not in str(failed.changes)


def test_an_idle_session_ends_after_thirty_minutes(office_clerk):
    with freeze_time("2024-10-08 09:00:00") as frozen:
        # given
        client = Client()
        assert _login(client, "xiyilu_clerk", PASSWORD).status_code == 302
        frozen.tick(timedelta(minutes=29))
        assert client.get("/").status_code == 200
        # when
        frozen.tick(timedelta(minutes=31))
        response = client.get("/")
    # then
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


def _expiry(client: Client):
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_a_read_within_the_minute_does_not_write_the_session_and_a_later_one_does(office_clerk):
    with freeze_time("2024-10-08 09:00:00") as frozen:
        # given
        client = Client()
        assert _login(client, "xiyilu_clerk", PASSWORD).status_code == 302
        logged_in = _expiry(client)
        # when: a page 30 seconds later
        frozen.tick(timedelta(seconds=30))
        assert client.get("/").status_code == 200
        # then: the session is as it was written at login
        assert _expiry(client) == logged_in
        # when: a page a minute after login
        frozen.tick(timedelta(seconds=31))
        assert client.get("/").status_code == 200
        # then: its expiry moved on with it
        assert _expiry(client) == logged_in + timedelta(seconds=61)


def test_an_idle_session_ends_within_a_minute_of_its_limit(office_clerk):
    with freeze_time("2024-10-08 09:00:00") as frozen:
        # given: a login, and a page 50 seconds later (too soon to write the session)
        client = Client()
        assert _login(client, "xiyilu_clerk", PASSWORD).status_code == 302
        frozen.tick(timedelta(seconds=50))
        assert client.get("/").status_code == 200
        # when: the next request 29 min 30 s after that page (30 min 20 s after login)
        frozen.tick(timedelta(minutes=29, seconds=30))
        response = client.get("/")
    # then: the session ended: idle 29.5 minutes, within a minute of the 30-minute limit
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


def test_a_session_ends_eight_hours_after_login_however_active(office_clerk):
    with freeze_time("2024-10-08 09:00:00") as frozen:
        # given: a request every 20 minutes for eight hours
        client = Client()
        assert _login(client, "xiyilu_clerk", PASSWORD).status_code == 302
        for _ in range(24):
            frozen.tick(timedelta(minutes=20))
            assert client.get("/").status_code == 200
        # when
        frozen.tick(timedelta(minutes=20))
        response = client.get("/")
        after = client.get("/")
    # then
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
    assert after.status_code == 302
    assert not _logged_in(client)


# SECURITY.md §7 checks 11, 12, 16 and 17 in full.


def test_eleven_characters_are_too_few_and_sixty_four_are_fine(db):
    # when / then (ASVS 2.1.1 and 2.1.2)
    assert _codes("Xian-Sifa24") == {"password_too_short"}
    assert len("Xian-Sifa24") == 11
    assert _codes("Xian-Sifa-2024") == set()
    sixty_four = ("Xian-Sifa-2024-" * 5)[:64]
    assert len(sixty_four) == 64
    assert _codes(sixty_four) == set()
    assert "password_too_long" in _codes("Xx1-" * 32 + "y")


def test_each_weak_password_gets_its_own_message(db):
    # when
    messages = {}
    for password in ["Abc12345", "password1234", "aaaaaaaaaaaa"]:
        try:
            validate_password(password)
        except ValidationError as exc:
            messages[password] = exc.messages
    # then: three different explanations, each naming its rule
    assert len({tuple(m) for m in messages.values()}) == 3
    assert all(messages.values())


def test_the_lockout_leaves_an_axes_record(client, office_clerk):
    from axes.models import AccessAttempt

    # when
    for _ in range(5):
        _login(client, "xiyilu_clerk", "Wrong-password-1")
    # then
    attempt = AccessAttempt.objects.get(username="xiyilu_clerk")
    assert attempt.failures_since_start == 5


def test_login_gives_a_new_session_key_and_logout_ends_it(office_clerk):
    from django.contrib.sessions.models import Session

    # given: an anonymous session before login
    client = Client()
    client.get(LOGIN_URL)
    client.session.save()
    before = client.session.session_key
    # when
    assert _login(client, "xiyilu_clerk", PASSWORD).status_code == 302
    after = client.cookies["sessionid"].value
    # then: fixation is impossible
    assert before != after
    assert Session.objects.filter(session_key=after).exists()
    # when: logout, then the old cookie is replayed
    client.post("/accounts/logout/")
    replay = Client()
    replay.cookies["sessionid"] = after
    response = replay.get("/")
    # then
    assert not Session.objects.filter(session_key=after).exists()
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


def test_a_password_change_keeps_this_session_and_ends_the_others(office_clerk):
    # given: two sessions of one user
    first, second = Client(), Client()
    assert _login(first, "xiyilu_clerk", PASSWORD).status_code == 302
    assert _login(second, "xiyilu_clerk", PASSWORD).status_code == 302
    # when: the password is changed in the first
    response = first.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Another#Passw0rd2026",
            "new_password2": "Another#Passw0rd2026",
        },
    )
    # then
    assert response.status_code == 302
    assert first.get("/").status_code == 200
    ended = second.get("/")
    assert ended.status_code == 302
    assert ended["Location"].startswith(LOGIN_URL)


def _sessions(client: Client):
    response = client.get("/accounts/sessions/")
    assert response.status_code == 200
    return response.context["sessions"]


def test_the_user_sees_their_sessions_and_ends_another(office_clerk, office_director):
    # given: two sessions of the clerk (two browsers) and one of the director
    first = Client(REMOTE_ADDR="10.1.0.1", HTTP_USER_AGENT="Browser One")
    second = Client(REMOTE_ADDR="10.1.0.2", HTTP_USER_AGENT="Browser Two")
    director = Client()
    for client, username in ((first, "xiyilu_clerk"), (second, "xiyilu_clerk")):
        assert _login(client, username, PASSWORD).status_code == 302
    assert _login(director, "xiyilu_director", PASSWORD).status_code == 302
    # when
    listed = _sessions(first)
    # then: both, newest first, this one marked; nothing of the director's
    assert [(s["row"].ip, s["current"]) for s in listed] == [
        ("10.1.0.2", False),
        ("10.1.0.1", True),
    ]
    page = first.get("/accounts/sessions/").content.decode()
    assert "Browser Two" in page
    assert first.session.session_key not in page
    # when: the second session is ended from the first
    other = listed[0]["row"]
    response = first.post("/accounts/sessions/", {"session": other.pk})
    # then
    assert response.status_code == 302
    assert second.get("/")["Location"].startswith(LOGIN_URL)
    assert first.get("/").status_code == 200
    assert [s["current"] for s in _sessions(first)] == [True]
    assert AuditEvent.objects.filter(action="session_end", actor=office_clerk).exists()
    assert director.get("/").status_code == 200


def test_another_users_session_cannot_be_ended(office_clerk, office_director):
    # given
    mine, theirs = Client(), Client()
    assert _login(mine, "xiyilu_clerk", PASSWORD).status_code == 302
    assert _login(theirs, "xiyilu_director", PASSWORD).status_code == 302
    their_row = _sessions(theirs)[0]["row"]
    # when
    response = mine.post("/accounts/sessions/", {"session": their_row.pk})
    # then
    assert response.status_code == 404
    assert theirs.get("/").status_code == 200


def test_after_a_password_change_only_this_session_is_listed(office_clerk):
    # given
    first, second = Client(), Client()
    assert _login(first, "xiyilu_clerk", PASSWORD).status_code == 302
    assert _login(second, "xiyilu_clerk", PASSWORD).status_code == 302
    assert len(_sessions(first)) == 2
    # when
    first.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Another#Passw0rd2026",
            "new_password2": "Another#Passw0rd2026",
        },
    )
    # then: the list shows this (re-keyed) session only; the key is stored encrypted
    from sifasuo.accounts.models import UserSession

    assert [s["current"] for s in _sessions(first)] == [True]
    row = UserSession.objects.get(user=office_clerk)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT session_key FROM accounts_usersession WHERE id = %s", [row.pk])
        (stored,) = cursor.fetchone()
    assert stored.startswith("sm4gcm:")
    assert first.session.session_key not in stored


def test_end_all_other_sessions(office_clerk):
    # given
    clients = [Client() for _ in range(3)]
    for client in clients:
        assert _login(client, "xiyilu_clerk", PASSWORD).status_code == 302
    # when
    clients[0].post("/accounts/sessions/", {"session": "others"})
    # then
    assert clients[0].get("/").status_code == 200
    assert all(c.get("/").status_code == 302 for c in clients[1:])
