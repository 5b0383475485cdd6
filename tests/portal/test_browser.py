"""The citizens' portal in a real browser on a 375-px phone (the issue's "done means").

A citizen logs in with the SMS code read from the server's log, files a consultation with
西一路 (610102001) and sees its tracking number and status; the office's clerk (a second
browser) answers it from the inbox; the citizen reads the answer and rates it 不满意; the
follow-up shows for the office with its due date 15 working days on. Bad input (an invalid
phone, a wrong code) gets a message. Assertions use elements and classes, not wording, so
they hold in Chinese and in English.
"""

from __future__ import annotations

import csv
import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.browsing import PHONE, ROOT, login, no_horizontal_scroll, screenshot, server_log

pytestmark = [pytest.mark.browser, pytest.mark.system_package]

CITIZEN_PHONE = "13766661234"
MASKED = "137****1234"
ANSWER = "押金条和租赁合同是主要证据；可先申请人民调解，调解不收费。"


def _working_days_after(start: date, days: int) -> date:
    """``start`` plus ``days`` working days, from the holiday file the server loaded.

    (The browser test has no database of its own to ask: Playwright runs an event loop.)
    """
    with (ROOT / "sifasuo" / "core" / "data" / "holidays.csv").open(encoding="utf-8") as f:
        kinds = {date.fromisoformat(r["date"]): r["kind"] for r in csv.DictReader(f)}
    day = start
    while days:
        day += timedelta(days=1)
        kind = kinds.get(day)
        if kind == "WORKDAY" or (kind != "HOLIDAY" and day.weekday() < 5):
            days -= 1
    return day


def _latest_code() -> str:
    lines = [line for line in server_log().splitlines() if f"SMS to {MASKED}" in line]
    assert lines, "no SMS for the citizen in the server's log"
    found = re.search(r"(?<!\d)(\d{6})(?!\d)", lines[-1].split(MASKED, 1)[1])
    assert found, lines[-1]
    return found.group(1)


def test_a_citizen_applies_the_office_answers_and_a_poor_rating_is_followed_up(
    server, page, browser
):
    # given: the SMS login; an invalid phone first
    page.goto(f"{server}/portal/login/")
    no_horizontal_scroll(page)
    page.fill("#id_phone", "12345")
    with page.expect_navigation():
        page.click("form.sf-portal-login button[type=submit]")
    assert page.locator("#id_phone_error").count() == 1
    screenshot(page, "portal-login.png")
    page.fill("#id_phone", CITIZEN_PHONE)
    with page.expect_navigation():
        page.click("form.sf-portal-login button[type=submit]")
    assert page.url.endswith("/portal/login/verify/")
    assert MASKED in page.inner_text("main")
    code = _latest_code()
    # when: a wrong code, then the right one
    page.fill("#id_code", "000000" if code != "000000" else "111111")
    with page.expect_navigation():
        page.click("form.sf-portal-login button[type=submit]")
    assert page.locator("#id_code_error").count() == 1
    page.fill("#id_code", code)
    with page.expect_navigation():
        page.click("form.sf-portal-login button[type=submit]")
    assert page.url.endswith("/portal/requests/")

    # when: a consultation request to 西一路: kind, district, office, form, consent
    page.goto(f"{server}/portal/apply/")
    with page.expect_navigation():
        page.click("a.sf-kind-link[href$='/apply/CONSULTATION/']")
    page.select_option("#id_district", "610102")
    with page.expect_navigation():
        page.click("form[role=search] button[type=submit]")
    no_horizontal_scroll(page)
    with page.expect_navigation():
        page.click("a.sf-office-link[data-office='610102001']")
    assert page.locator(".sf-hours").count() == 1
    assert page.locator(".sf-bring").count() == 1
    topic = page.locator("#id_topic option:not([value=''])").first.get_attribute("value")
    page.select_option("#id_topic", topic)
    page.fill("#id_question", "房东不退押金，我该怎么办？")
    page.check("#id_pipl_consent")
    no_horizontal_scroll(page)
    with page.expect_navigation():
        page.click("form.sf-apply-form button[type=submit]")
    # then: the tracking number and the status
    tracking = page.inner_text("#sf-tracking").strip()
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{12}", tracking), tracking
    assert page.locator("#sf-status [data-status]").get_attribute("data-status") in (
        "SUBMITTED",
        "IN_PROGRESS",
    )
    assert page.locator(".alert-success").count() == 1
    no_horizontal_scroll(page)
    screenshot(page, "portal-request.png")
    request_url = page.url

    # when: the clerk of 西一路 answers it from the inbox (a second browser)
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, locale="zh-CN")
    context.set_default_timeout(20_000)
    clerk = context.new_page()
    try:
        login(clerk, server, "xiyilu_clerk")
        clerk.goto(f"{server}/portal/inbox/")
        with clerk.expect_navigation():
            clerk.click(f"a.sf-inbox-link[data-tracking='{tracking}']")
        assert "/legalservice/consultations/" in clerk.url
        form = clerk.locator("form[action$='/answer/']")
        form.locator("#id_answer").fill(ANSWER)
        with clerk.expect_navigation():
            form.locator("button[type=submit]").click()
        assert clerk.locator(".alert-success").count() == 1

        # then: the citizen sees the answer and rates it 不满意
        page.goto(request_url)
        assert page.locator("#sf-status [data-status]").get_attribute("data-status") == "COMPLETED"
        assert ANSWER in page.inner_text(".sf-timeline")
        page.check("input[name=level][value=DISSATISFIED]")
        with page.expect_navigation():
            page.click("form.sf-rating-form button[type=submit]")
        assert page.locator(".sf-rated [data-level=DISSATISFIED]").count() == 1
        no_horizontal_scroll(page)
        screenshot(page, "portal-rating.png")

        # then: the follow-up shows for the office, due 15 working days on
        due = _working_days_after(timezone.localdate(), 15).isoformat()
        clerk.goto(f"{server}/portal/followups/?status=OPEN")
        link = clerk.locator(f"a.sf-followup-link[data-tracking='{tracking}']")
        assert link.count() == 1
        assert due in clerk.locator("tr", has=link).inner_text()
        with clerk.expect_navigation():
            link.click()
        assert due in clerk.inner_text("#sf-followup-due")
        clerk.goto(f"{server}/")
        assert clerk.locator("a[href*='/portal/followups/']").count() >= 1
    finally:
        context.close()
    assert page.console.csp_violations == []
    assert page.console.errors == []
