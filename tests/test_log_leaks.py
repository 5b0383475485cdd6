"""The session-wide log check of SECURITY.md check 34 (tests/log_leaks.py) can fail.

Every value here is made up for the test and never written to an encrypted field while
it is logged, so the session's own check is not tripped by these tests.
"""

from __future__ import annotations

import logging
import os
import secrets
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from sifasuo.people import services as people_services
from tests import log_leaks
from tests.log_leaks import WATCH, LeakWatch, find_leaks

ROOT = Path(__file__).resolve().parent.parent


def _fresh_phone() -> str:
    return "199" + "".join(secrets.choice("0123456789") for _ in range(8))


def test_number_values_are_found_inside_longer_digit_runs_and_masked_ones_are_not():
    # given
    phone, id_number = "13800001111", "61010219800101123X"
    lines = [
        "INFO sifasuo.sms SMS to 138****1111: your code",
        "WARNING django.request Not Found: /people/6101**********123X/",
        "INFO x sent to 8613800001111 today",
        "INFO x id=61010219800101123x",
    ]
    # when
    leaks = find_leaks(lines, {phone, id_number})
    # then: the two plain ones (one behind a country code, one in lower case), not the masks
    assert [(leak.value, leak.line) for leak in leaks] == [(phone, lines[2]), (id_number, lines[3])]
    assert all("61010219800101123" not in str(leak).upper() for leak in leaks)


def test_text_values_are_found_and_short_ones_ignored():
    # given: an address, and a two-character name that would match by chance
    address = "西安市新城区西一路88号"
    lines = ["ERROR x could not geocode 西安市新城区西一路88号", "INFO x 张三丰 logged in"]
    # when
    leaks = find_leaks(lines, {address, "张三"})
    # then
    assert [leak.value for leak in leaks] == [address]
    assert address not in str(leaks[0])  # the report masks it


def test_a_value_written_to_an_encrypted_field_is_seeded(office_clerk):
    # given
    phone = _fresh_phone()
    # when
    people_services.person_create(
        actor=office_clerk, unit=office_clerk.unit, name="种子测", phone=phone
    )
    # then
    assert phone in WATCH.values


def test_a_deliberate_leak_is_caught_and_a_withheld_traceback_is_not():
    # given: a watch of its own, formatting as the settings' console handler does
    watch = LeakWatch()
    log_leaks._console_format(watch)
    phone = _fresh_phone()
    watch.seed(phone)
    logger = logging.getLogger("sifasuo.test.leak")
    watch.start()
    try:
        # when
        try:
            raise ValueError(f"cannot parse {phone}")
        except ValueError:
            logger.exception("import failed")  # the message of the exception is withheld
        logger.warning("text sent to %s", phone)  # a leak
    finally:
        watch.stop()
    # then
    leaks = watch.leaks()
    assert len(leaks) == 1
    assert "text sent to" in leaks[0].line
    assert phone not in str(leaks[0])


INNER_CONFTEST = """
from tests.log_leaks import check_session, pytest_configure, pytest_testnodedown


def pytest_sessionfinish(session, exitstatus):
    check_session(session)
"""

INNER_TEST = """
import logging

from tests.log_leaks import WATCH


def test_it():
    WATCH.seed("{value}")
    logging.getLogger("sifasuo.inner").warning("{message}")
"""


def _inner_run(
    tmp_path: Path, message: str, value: str, *args: str
) -> subprocess.CompletedProcess[str]:
    (tmp_path / "conftest.py").write_text(INNER_CONFTEST)
    (tmp_path / "test_inner.py").write_text(
        textwrap.dedent(INNER_TEST.format(value=value, message=message))
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:django", "-p", "no:cacheprovider", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("leaking", "args"),
    [(True, ()), (False, ()), (True, ("-n", "2"))],
    ids=["leak", "clean", "leak-in-an-xdist-worker"],
)
def test_a_session_that_logs_a_seeded_value_fails(tmp_path, leaking, args):
    # given: a test that passes, and logs the value it seeded (or a masked form of it)
    value = "61010219800101123X"
    message = f"person {value} saved" if leaking else "person 6101**********123X saved"
    # when
    result = _inner_run(tmp_path, message, value, *args)
    # then: the test passed, the session fails because of the log
    assert "1 passed" in result.stdout, result.stdout + result.stderr
    if leaking:
        assert result.returncode == 1, result.stdout
        assert "personal data in the log (SECURITY.md check 34): 1 line(s)" in result.stdout
        assert value not in result.stdout  # reported masked
    else:
        assert result.returncode == 0, result.stdout
