"""The platform in a real browser on a 375-px phone screen: locator, login, workbench.

Drives Debian's Chromium (``/usr/bin/chromium``) through Playwright against a real server
(gunicorn on a throwaway SQLite database, migrated and seeded like ``make run``). Not
pytest-django's live server: its flush is refused by the audit table's triggers. The
fixtures are in ``tests/conftest.py``, the helpers in ``tests/browsing.py``.
"""

from __future__ import annotations

import pytest

from tests.browsing import (
    PHONE,
    SCREENSHOTS,
    login,
    no_horizontal_scroll,
    run_step,
    screenshot,
)

pytestmark = [pytest.mark.browser, pytest.mark.system_package]


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


def test_a_mediator_takes_a_dispute_from_intake_to_a_return_visit_on_a_phone(server, page):
    # given
    login(page, server, "xiyilu_mediator")
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
    run_step(page, "accept")
    run_step(page, "record", {"#id_content": "双方到场陈述意见，经调解达成一致。"})
    run_step(
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
    run_step(page, "visit")
    # then
    assert page.locator("a[href$='/document/']").count() >= 2  # the record and the visit
    no_horizontal_scroll(page)
    assert page.console.csp_violations == []
    assert page.console.errors == []


def test_the_mediation_ledger_on_a_phone(server, page):
    # given
    login(page, server, "xiyilu_director")
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
    login(page, server, "xiyilu_director")
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
    login(page, server, "xiyilu_director")
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
