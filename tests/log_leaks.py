"""No seeded personal value in any log record of the whole test session (SECURITY.md check 34).

Two recorders run for the whole session, started from ``tests/conftest.py``:

* the **seeded values**: every ID number, phone number, address and (encrypted) name that
  is written to an ``EncryptedTextField`` of its category — whoever writes it: a factory,
  the demo, a test's own literal, a form post. That field is where every such value goes
  (check 36 makes sure), so this is the one place to collect them;
* the **log**: every record any logger creates (``logging.setLogRecordFactory``, so loggers
  that do not propagate, ``django.request`` and those configured later are seen too),
  formatted as the configured console handler writes it — its formatter and its filters,
  so a traceback is checked as the log would carry it.

At the end of the session the log is searched for every seeded value, and the session
fails on any match, naming the value masked and the line. The browser tests' server (a
separate process, ``tests/browsing.py``) writes its own log file and seeds its own
database; both are checked too. Under pytest-xdist each worker checks its own records and
hands its findings to the controller (``workeroutput``), which fails the run.
"""

from __future__ import annotations

import copy
import logging
import os
import re
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.browsing import SERVER_DATABASE_VARIABLE, SERVER_LOG_VARIABLE

SEEDED_CATEGORIES = frozenset({"id_number", "phone", "address", "name"})
# Shorter values would match ordinary text by chance (a two-character name, a house number).
MIN_DIGITS = 7
MIN_TEXT = 4
WORKER_KEY = "sifasuo_log_leaks"

_DIGITS = re.compile(r"[0-9X]+")
_DIGIT_RUN = re.compile(rf"[0-9Xx]{{{MIN_DIGITS},}}")


@dataclass(frozen=True)
class Leak:
    """A seeded value found in a log line."""

    where: str
    value: str
    line: str

    def __str__(self) -> str:
        hidden = _masked(self.value)
        line = re.sub(re.escape(self.value), hidden, self.line, flags=re.IGNORECASE)
        return f"{self.where}: {hidden} in: {line[:300]}"


def _masked(value: str) -> str:
    keep = max(1, len(value) // 4)
    return value[:keep] + "*" * (len(value) - 2 * keep) + value[-keep:]


def find_leaks(lines: Iterable[str], values: Iterable[str], where: str = "log") -> list[Leak]:
    """Return every ``values`` member that occurs in one of ``lines``.

    Number-like values (ID numbers, phones) are looked up among the digit runs of each line
    (cheap whatever their count); text values (addresses, names) by substring, and only in
    lines that hold a character outside ASCII when the value does.
    """
    numbers = {v.upper() for v in values if len(v) >= MIN_DIGITS and _DIGITS.fullmatch(v.upper())}
    texts = [v for v in values if len(v) >= MIN_TEXT and v.upper() not in numbers]
    lengths = sorted({len(v) for v in numbers})
    leaks: list[Leak] = []
    for line in lines:
        for run in _DIGIT_RUN.findall(line):
            run = run.upper()
            for length in lengths:
                for start in range(len(run) - length + 1):
                    if run[start : start + length] in numbers:
                        leaks.append(Leak(where, run[start : start + length], line))
        wide = not line.isascii()
        for value in texts:
            if (wide or value.isascii()) and value in line:
                leaks.append(Leak(where, value, line))
    return leaks


class LeakWatch:
    """The session's seeded values and the log lines it produced."""

    def __init__(self) -> None:
        self.values: set[str] = set()
        self.lines: list[str] = []
        self._previous: Callable[..., logging.LogRecord] | None = None
        self._formatter = logging.Formatter("%(levelname)s %(name)s %(message)s")
        self._filters: list[logging.Filter] = []

    def seed(self, value: str) -> None:
        """Remember ``value`` as personal data that must not reach the log."""
        self.values.add(value.strip())

    def use_log_format(self, formatter: logging.Formatter, filters: list[logging.Filter]) -> None:
        """Format records as the console handler does (its formatter and filters)."""
        self._formatter, self._filters = formatter, filters

    def capture(self, record: logging.LogRecord) -> None:
        """Keep ``record`` as its handler would write it (a copy goes through the filters)."""
        written = copy.copy(record)
        try:
            for log_filter in self._filters:
                log_filter.filter(written)
            self.lines.append(self._formatter.format(written))
        except Exception:  # noqa: BLE001 - a record logging cannot format is still checked
            self.lines.append(f"{record.msg} {record.args}")

    def start(self) -> None:
        """Capture every log record from now on."""
        previous = logging.getLogRecordFactory()
        self._previous = previous

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            self.capture(record)
            return record

        logging.setLogRecordFactory(factory)

    def stop(self) -> None:
        if self._previous is not None:
            logging.setLogRecordFactory(self._previous)
            self._previous = None

    def leaks(self) -> list[Leak]:
        return find_leaks(self.lines, self.values)


WATCH = LeakWatch()


# Django: seeded values and the configured log format -------------------------------------


def _django_ready() -> bool:
    try:
        from django.apps import apps
    except ImportError:
        return False
    return apps.ready


def _record_seeded_fields(watch: LeakWatch) -> None:
    """Seed ``watch`` with every personal value written to an encrypted field of its kind."""
    from sifasuo.core.fields import EncryptedTextField

    original = EncryptedTextField.get_prep_value

    def recording(self: EncryptedTextField, value: Any) -> Any:
        if value and self.pii_category in SEEDED_CATEGORIES:
            watch.seed(str(value))
        return original(self, value)

    EncryptedTextField.get_prep_value = recording  # type: ignore[method-assign]


def _console_format(watch: LeakWatch) -> None:
    """Format as ``LOGGING``'s console handler: its formatter, its filters."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    config = settings.LOGGING
    console = config["handlers"]["console"]
    fmt = config["formatters"][console["formatter"]]["format"]
    filters = [import_string(config["filters"][name]["()"])() for name in console["filters"]]
    watch.use_log_format(logging.Formatter(fmt), filters)


def _server_values(database: Path) -> set[str]:
    """The personal values the browser tests' server seeded in its own SQLite database."""
    from django.apps import apps

    from sifasuo.core import crypto
    from sifasuo.core.fields import EncryptedTextField

    values: set[str] = set()
    with sqlite3.connect(database) as db:
        for model in apps.get_models():
            for field in model._meta.concrete_fields:
                if not isinstance(field, EncryptedTextField):
                    continue
                if field.pii_category not in SEEDED_CATEGORIES:
                    continue
                query = f'SELECT "{field.column}" FROM "{model._meta.db_table}"'  # noqa: S608
                for (stored,) in db.execute(query):
                    if stored:
                        values.add(crypto.decrypt(stored, aad=field.aad))
    return values


def _server_leaks(values: set[str]) -> list[Leak]:
    log, database = os.environ.get(SERVER_LOG_VARIABLE), os.environ.get(SERVER_DATABASE_VARIABLE)
    if not log or not Path(log).exists():
        return []
    seeded = set(values)
    if database and Path(database).exists() and _django_ready():
        seeded |= _server_values(Path(database))
    lines = Path(log).read_text(encoding="utf-8", errors="replace").splitlines()
    return find_leaks(lines, seeded, where="browser server log")


# Hooks (imported into tests/conftest.py) --------------------------------------------------


_FOUND = pytest.StashKey[list[str]]()


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    """Start both recorders (after pytest-django has set Django up)."""
    if _django_ready():
        _record_seeded_fields(WATCH)
        _console_format(WATCH)
    WATCH.start()
    config.stash[_FOUND] = []


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """Controller under pytest-xdist: collect a worker's findings."""
    found = getattr(node, "workeroutput", {}).get(WORKER_KEY, [])
    node.config.stash.setdefault(_FOUND, []).extend(found)


def check_session(session: pytest.Session) -> None:
    """Search the session's log for its seeded values; fail the session on any."""
    WATCH.stop()
    found = [str(leak) for leak in WATCH.leaks() + _server_leaks(WATCH.values)]
    config = session.config
    if hasattr(config, "workeroutput"):  # a pytest-xdist worker: the controller reports
        config.workeroutput[WORKER_KEY] = found
        return
    found += config.stash.get(_FOUND, [])
    if not found:
        return
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(
            f"personal data in the log (SECURITY.md check 34): {len(found)} line(s):", red=True
        )
        for line in found:
            reporter.write_line(f"  {line}")
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
