"""What the browser tests share: Debian's Chromium, a phone viewport, and page helpers.

The fixtures (``server``, ``browser``, ``page``) live in ``tests/conftest.py`` so that one
seeded server serves every browser test of a session, whichever module it is in. Under
pytest-xdist, ``pytest_collection_modifyitems`` in ``tests/conftest.py`` puts every test that
uses ``server`` in the ``xdist_group("browser")``, so with ``--dist loadgroup`` one worker
seeds it once.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "docs" / "screenshots"
PHONE = {"width": 375, "height": 812}
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


SERVER_LOG_VARIABLE = "SIFASUO_BROWSER_SERVER_LOG"
# Its database, where tests/log_leaks.py finds the personal values the server seeded.
SERVER_DATABASE_VARIABLE = "SIFASUO_BROWSER_SERVER_DATABASE"


def server_log() -> str:
    """What the browser tests' server has written so far (its log: requests, SMS …)."""
    return Path(os.environ[SERVER_LOG_VARIABLE]).read_text(encoding="utf-8", errors="replace")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - local URL
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer at {url}")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real server on a fresh SQLite database with the demo data; yields its base URL."""
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")
    directory = tmp_path_factory.mktemp("browser")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{directory / 'b.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "SIFASUO_MEDIA_ROOT": str(directory / "media"),
        # Text messages go to the server's log, where a test reads a one-time code.
        "SIFASUO_SMS_BACKEND": "sifasuo.core.sms.LogBackend",
    }
    env.pop("OTP_ENFORCED_ROLES", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate", "--noinput"], ["seed_demo"], ["collectstatic", "--noinput"]):
        subprocess.run(
            [*manage, *command, "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    port = _free_port()
    log_path = directory / "gunicorn.log"
    os.environ[SERVER_LOG_VARIABLE] = str(log_path)
    os.environ[SERVER_DATABASE_VARIABLE] = str(directory / "b.sqlite3")
    log = log_path.open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base}/locator/", process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class Console:
    """The page's console messages and uncaught errors."""

    def __init__(self, page: Any) -> None:
        self.messages: list[str] = []
        page.on("console", lambda message: self.messages.append(message.text))
        page.on("pageerror", lambda error: self.messages.append(f"pageerror: {error}"))

    @property
    def csp_violations(self) -> list[str]:
        return [m for m in self.messages if "Content Security Policy" in m]

    @property
    def errors(self) -> list[str]:
        return [m for m in self.messages if m.startswith("pageerror")]


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, locale="zh-CN")
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.console = Console(page)  # type: ignore[attr-defined]
    try:
        yield page
    finally:
        context.close()


def no_horizontal_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px screen"


def screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=False)


def login(page: Any, server: str, username: str) -> None:
    from sifasuo.accounts.demo import demo_password

    page.goto(f"{server}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", demo_password())
    page.click("form:has(#id_password) button[type=submit]")
    page.wait_for_url(f"{server}/")


def run_step(page: Any, name: str, fill: dict[str, str] | None = None) -> None:
    """Open a step of the case page (a <details>), fill it and submit it.

    A page may render every step's form, or (``data-step``) fetch a step's form when it is
    opened: then the form is waited for.
    """
    form = page.locator(f"form[action$='/steps/{name}/']")
    details = page.locator(f"details.sf-step[data-step='{name}']")
    if details.count() == 0:
        details = page.locator("details.sf-step", has=form)
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    form.wait_for()
    for selector, value in (fill or {}).items():
        field = form.locator(selector)
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        elif field.get_attribute("type") == "checkbox":
            field.check()
        else:
            field.fill(value)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.locator(".alert-success").count() == 1, page.inner_text("main")[:500]
