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
from tests.log_leaks import (  # noqa: F401 - hooks: no seeded personal value in the log
    check_session,
    pytest_configure,
    pytest_testnodedown,
)

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


@pytest.fixture
def lookup_limit(settings: Any) -> Any:
    """The look-up limit (core.probing) at its default of 50 misses in 10 minutes, counting
    from zero: the test settings switch it off, as the cache outlives every test."""
    from django.core.cache import cache

    settings.LOOKUP_MISS_LIMIT = 50
    settings.LOOKUP_MISS_WINDOW_SECONDS = 600
    cache.clear()
    yield settings.LOOKUP_MISS_LIMIT
    cache.clear()


BROWSER_GROUP = "browser"
BROWSER_FILE = "test_browser.py"


def _needs_the_browser_server(item: Any) -> bool:
    return bool(item.get_closest_marker("browser")) or "server" in getattr(item, "fixturenames", ())


def _is_browser_file(nodeid: str) -> bool:
    return nodeid.split("::", 1)[0].rsplit("/", 1)[-1] == BROWSER_FILE


def pytest_xdist_make_scheduler(config: Any, log: Any) -> Any:
    """Under pytest-xdist (``-n 2 --dist loadgroup``) every browser test goes to one worker,
    so the seeded server (migrate + seed_demo + collectstatic: minutes) is built once per
    run, not once per worker. The group is the largest unit of work, so xdist hands it out
    first and the other workers run the rest meanwhile.

    The controller sees node ids only, so the group is every test in a ``test_browser.py``
    file (``pytest_collection_modifyitems`` below keeps the browser tests there). This does
    not rely on xdist's ``xdist_group`` marks alone: pytest-xdist 3.8 renames node ids
    through ``item._nodeid``, which pytest 9.2 no longer reads, so with those versions the
    marks group nothing.
    """
    if config.getvalue("dist") not in ("load", "loadgroup"):
        return None
    from xdist.scheduler import LoadScopeScheduling

    class BrowserTestsOnOneWorker(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return BROWSER_GROUP if _is_browser_file(nodeid) else nodeid

    return BrowserTestsOnOneWorker(config, log)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """PostgreSQL-only tests are deselected on any other database (they run in CI's
    PostgreSQL pass), so the SQLite pass has no skips to excuse.

    A test that needs the browser server must live in a ``test_browser.py`` file, where
    the xdist scheduler above keeps it on the browser worker; it also gets the
    ``xdist_group("browser")`` mark (before xdist's own hook reads the marks: tryfirst).
    """
    from django.conf import settings

    misplaced = []
    for item in items:
        if _needs_the_browser_server(item):
            item.add_marker(pytest.mark.xdist_group(BROWSER_GROUP))
            if not _is_browser_file(item.nodeid):
                misplaced.append(item.nodeid)
    if misplaced:
        raise pytest.UsageError(
            f"browser tests belong in a {BROWSER_FILE} file (one xdist worker runs them all "
            f"against one seeded server): {', '.join(misplaced)}"
        )
    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    kept = [item for item in items if "postgres" not in item.keywords]
    deselected = [item for item in items if "postgres" in item.keywords]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    """A seeded personal value in the session's log fails the run (tests/log_leaks.py);
    with SIFASUO_FAIL_ON_SKIP=1 (CI), so does any skipped test."""
    check_session(session)
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
