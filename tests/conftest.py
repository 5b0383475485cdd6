"""The named cast of users and the demo tree, shared by every test (STYLE.md 7).

The test database gets the real divisions and bureaus from migrations; the demo offices,
committees and accounts are created once per session. A transactional test that flushes
the database gets them back through ``ensure_demo``.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django.test import Client

from sifasuo.accounts.demo import create_demo_accounts, demo_password
from sifasuo.accounts.models import User
from sifasuo.orgs.demo import create_demo_offices
from sifasuo.orgs.models import Unit
from tests.browsing import browser, page, server  # noqa: F401 - fixtures for every browser test

PASSWORD = demo_password()


@receiver(connection_created)
def _allow_test_flush_of_the_audit_trail(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Let the suite's own database flush truncate the audit trail (PostgreSQL refuses
    TRUNCATE otherwise: core migration 0004)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET sifasuo.allow_audit_truncate = 'on'")


def ensure_demo() -> None:
    """Create the demo offices and accounts unless they are there."""
    if not Unit.objects.filter(code="610102001").exists():
        create_demo_offices()
    if not User.objects.filter(username="xiyilu_clerk").exists():
        create_demo_accounts()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        ensure_demo()


@pytest.fixture
def demo(db: Any) -> None:
    ensure_demo()


def _user(username: str) -> User:
    return User.objects.get(username=username)


@pytest.fixture
def city_officer(demo: None) -> User:
    return _user("city_officer")


@pytest.fixture
def district_reviewer(demo: None) -> User:
    """新城区 bureau."""
    return _user("xincheng_reviewer")


@pytest.fixture
def office_director(demo: None) -> User:
    """西一路街道司法所 (新城区)."""
    return _user("xiyilu_director")


@pytest.fixture
def office_clerk(demo: None) -> User:
    """西一路街道司法所 (新城区)."""
    return _user("xiyilu_clerk")


@pytest.fixture
def other_clerk(demo: None) -> User:
    """韦曲街道司法所 (长安区): another district's office."""
    return _user("weiqu_clerk")


@pytest.fixture
def mediator(demo: None) -> User:
    """西一路街道人民调解委员会."""
    return _user("xiyilu_mediator")


@pytest.fixture
def sysadmin(demo: None) -> User:
    return _user("sysadmin")


@pytest.fixture
def secadmin(demo: None) -> User:
    return _user("secadmin")


@pytest.fixture
def auditadmin(demo: None) -> User:
    return _user("auditadmin")


@pytest.fixture
def citizen(demo: None) -> User:
    user, _ = User.objects.get_or_create(username="citizen_demo", defaults={"kind": "CITIZEN"})
    return user


@pytest.fixture
def client_for() -> Any:
    """Return a function giving a logged-in test client for a user."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """PostgreSQL-only tests are deselected on any other database (they run in CI's
    PostgreSQL pass), so the SQLite pass has no skips to excuse."""
    from django.conf import settings

    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    kept = [item for item in items if "postgres" not in item.keywords]
    deselected = [item for item in items if "postgres" in item.keywords]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    """With SIFASUO_FAIL_ON_SKIP=1 (CI), any skipped test fails the run."""
    if os.environ.get("SIFASUO_FAIL_ON_SKIP") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    bad = reporter.stats.get("skipped", [])
    if bad:
        reporter.write_line(f"SIFASUO_FAIL_ON_SKIP: {len(bad)} test(s) skipped:", red=True)
        for r in bad:
            reporter.write_line(f"  {r.nodeid}: {r.longrepr}")
        session.exitstatus = 1
