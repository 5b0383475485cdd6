"""The platform in a real browser on a 375-px phone screen: locator, login, workbench.

Drives Debian's Chromium (``/usr/bin/chromium``) through Playwright against a real server
(gunicorn on a throwaway SQLite database, migrated and seeded like ``make run``). Not
pytest-django's live server: its flush is refused by the audit table's triggers.
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

pytestmark = [pytest.mark.browser, pytest.mark.system_package]

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
    log = (directory / "gunicorn.log").open("wb")
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


def test_the_locator_finds_an_office_on_a_phone(server, page):
    # given
    page.goto(f"{server}/locator/")
    no_horizontal_scroll(page)
    # when: the district is chosen, htmx refreshes the towns
    with page.expect_response(lambda r: "/locator/towns/" in r.url):
        page.select_option("#id_district", label="新城区")
    towns = page.locator("#id_town option:not([value=''])")
    towns.first.wait_for(state="attached")
    # then
    assert towns.count() == 9
    assert "西一路街道" in towns.all_inner_texts()
    # when
    page.select_option("#id_town", label="西一路街道")
    with page.expect_navigation():
        page.click("form[role=search] button[type=submit]")
    # then
    card = page.locator(".sf-office-card", has_text="西一路街道司法所")
    assert card.count() == 1
    assert "district=610102" in page.url
    no_horizontal_scroll(page)
    screenshot(page, "locator-375.png")
    assert page.console.csp_violations == []
    assert page.console.errors == []


def test_login_workbench_and_logout_on_a_phone(server, page):
    from sifasuo.accounts.demo import demo_password

    # given
    page.goto(f"{server}/accounts/login/")
    no_horizontal_scroll(page)
    screenshot(page, "login.png")
    # when
    page.fill("#id_username", "xiyilu_clerk")
    page.fill("#id_password", demo_password())
    page.click("form:has(#id_password) button[type=submit]")
    page.wait_for_url(f"{server}/")
    # then: the workbench shows the clerk's office
    assert "西一路街道司法所" in page.inner_text("main")
    no_horizontal_scroll(page)
    screenshot(page, "workbench-375.png")
    # when: log out (the button may sit in the collapsed menu on a phone)
    toggler = page.locator(".navbar-toggler")
    if toggler.count() and toggler.first.is_visible():
        toggler.first.click()
        page.locator(".navbar-collapse.collapse.show").wait_for()  # the opening has ended
    with page.expect_navigation():
        page.locator("form[action='/accounts/logout/'] button").first.click()
    # then: back at the login page, and the workbench wants a login again
    assert "/accounts/login/" in page.url
    page.goto(f"{server}/")
    assert "/accounts/login/" in page.url
    assert page.console.csp_violations == []
    assert page.console.errors == []


def test_the_login_page_refuses_a_wrong_password_in_chinese(server, page):
    # when
    page.goto(f"{server}/accounts/login/")
    page.fill("#id_username", "xiyilu_clerk")
    page.fill("#id_password", "Wrong-password-123")
    with page.expect_navigation():
        page.click("form:has(#id_password) button[type=submit]")
    # then
    assert "/accounts/login/" in page.url
    assert "用户名或密码" in page.inner_text("body")
    no_horizontal_scroll(page)
    assert page.console.csp_violations == []


def test_the_api_documentation_renders_its_operations_under_the_csp(server, page):
    from sifasuo.accounts.demo import demo_password

    # given: a logged-in user
    page.goto(f"{server}/accounts/login/")
    page.fill("#id_username", "xiyilu_clerk")
    page.fill("#id_password", demo_password())
    page.click("form:has(#id_password) button[type=submit]")
    page.wait_for_url(f"{server}/")
    # when
    page.goto(f"{server}/api/docs/")
    operations = page.locator(".opblock")
    operations.first.wait_for()
    # then: Swagger UI ran (no inline script blocked) and lists the API's operations
    assert operations.count() >= 5
    assert "/api/v1/offices/" in page.inner_text("body")
    assert page.console.csp_violations == []


def _login(page: Any, server: str, username: str) -> None:
    from sifasuo.accounts.demo import demo_password

    page.goto(f"{server}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", demo_password())
    page.click("form:has(#id_password) button[type=submit]")
    page.wait_for_url(f"{server}/")


def _run_step(page: Any, name: str, fill: dict[str, str] | None = None) -> None:
    """Open a step of the case page (a <details>), fill it and submit it."""
    form = page.locator(f"form[action$='/steps/{name}/']")
    details = page.locator("details.sf-step", has=form)
    if details.get_attribute("open") is None:
        details.locator("summary").click()
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


def test_a_mediator_takes_a_dispute_from_intake_to_a_return_visit_on_a_phone(server, page):
    # given
    _login(page, server, "xiyilu_mediator")
    page.goto(f"{server}/mediation/cases/new/")
    no_horizontal_scroll(page)
    # when: the intake of a walk-in dispute
    page.select_option("#id_category", label="邻里")
    page.fill("#id_summary", "楼上漏水导致楼下天花板受损")
    page.fill("#id_applicant_name", "孙丽")
    page.fill("#id_respondent_name", "钱军")
    with page.expect_navigation():
        page.click("form.sf-form button[type=submit]")
    # then: the case page, with its number and the next steps
    assert "调字第" in page.inner_text("h1")
    no_horizontal_scroll(page)
    # when: accept, a session, a written agreement, a return visit
    _run_step(page, "accept")
    _run_step(page, "record", {"#id_content": "双方到场陈述意见，经调解达成一致。"})
    _run_step(
        page,
        "conclude",
        {
            "select[name=outcome]": "WRITTEN",
            "textarea[name=facts]": "楼上住户水管破裂，应承担维修费用。",
            "textarea[name=agreement_terms]": "钱军赔偿孙丽维修费二千元。",
            "input[name=performance_manner]": "现金一次性支付",
            "input[name=agreement_amount]": "2000",
        },
    )
    agreement = page.locator("a[href$='/documents/agreement/']")
    assert agreement.count() == 1
    screenshot(page, "mediation-case-375.png")
    _run_step(page, "visit")
    # then
    assert page.locator("a[href$='/document/']").count() >= 2  # the record and the visit
    no_horizontal_scroll(page)
    assert page.console.csp_violations == []
    assert page.console.errors == []


def test_the_mediation_ledger_on_a_phone(server, page):
    # given
    _login(page, server, "xiyilu_director")
    # when
    page.goto(f"{server}/mediation/cases/?overdue=on")
    # then: the overdue cases of the office, each flagged
    assert page.locator("table.sf-table tbody tr").count() >= 1
    assert page.locator("table.sf-table .text-bg-danger").count() >= 1
    no_horizontal_scroll(page)
    screenshot(page, "mediation-ledger-375.png")
    assert page.console.csp_violations == []


def test_the_statistics_dashboard_draws_its_charts_and_drills_down(server, page):
    # given
    _login(page, server, "xiyilu_director")
    # when
    page.goto(f"{server}/stats/")
    page.locator("canvas").first.wait_for()
    # then: ECharts drew under the CSP, and a figure opens the cases behind it
    no_horizontal_scroll(page)
    screenshot(page, "stats-dashboard-375.png")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_timeout(500)  # ECharts redraws on resize
    page.screenshot(path=str(SCREENSHOTS / "stats-dashboard.png"), full_page=True)
    link = page.locator("a[href*='measure=mediation.accepted']").first
    with page.expect_navigation():
        link.click()
    assert "/mediation/cases/" in page.url
    assert page.console.csp_violations == []
    assert page.console.errors == []


def test_an_office_return_and_the_league_table(server, page):
    # given
    _login(page, server, "xiyilu_director")
    page.set_viewport_size({"width": 1280, "height": 900})
    # when: the office's return, with its automatic checks
    page.goto(f"{server}/offices/returns/")
    with page.expect_navigation():
        page.locator("table a[href*='/offices/returns/']").first.click()
    # then
    assert "PREMISES_AREA" in page.inner_text("main") or "业务用房" in page.inner_text("main")
    page.screenshot(path=str(SCREENSHOTS / "office-return.png"), full_page=False)
    # when: the league table
    page.goto(f"{server}/standards/league/?year=2024")
    # then
    assert page.locator("table tbody tr").count() >= 1
    page.screenshot(path=str(SCREENSHOTS / "league-table.png"), full_page=False)
    page.set_viewport_size(PHONE)
    page.reload()
    no_horizontal_scroll(page)
    assert page.console.csp_violations == []
    assert page.console.errors == []
