"""A clerk of 西一路 works community correction on a phone, all in the UI."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browsing import login, no_horizontal_scroll, run_step, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.system_package]


def test_a_clerk_receives_supervises_disciplines_and_ends_corrections(page, server):
    today = timezone.localdate()
    # given
    login(page, server, "xiyilu_clerk")
    # when: the subject who has not reported in yet is received
    page.goto(f"{server}/correction/subjects/?status=AWAITING_REPORT")
    no_horizontal_scroll(page)
    page.locator(".sf-table tbody a").first.click()
    page.wait_for_url("**/correction/subjects/*/")
    run_step(page, "receive")
    # then: a report, and a leave request approved by the office
    run_step(page, "contact", {"select[name=kind]": "IN_PERSON"})
    run_step(
        page,
        "request",
        {
            "select[name=kind]": "LEAVE",
            "input[name=destination]": "咸阳市秦都区",
            "textarea[name=reason]": "探望亲属",
            "input[name=start_on]": today.isoformat(),
            "input[name=end_on]": (today + timedelta(days=2)).isoformat(),
        },
    )
    decide = page.locator("form[action$='/decide/']").first
    decide.locator("select[name=decision]").select_option("approve")
    with page.expect_navigation():
        decide.locator("button[type=submit]").click()
    assert page.locator(".alert-success").count() == 1
    assert page.locator(".sf-request .badge.text-bg-success").count() == 1
    no_horizontal_scroll(page)

    # when: the losing-contact board shows the report missed by one day
    page.goto(f"{server}/correction/board/")
    no_horizontal_scroll(page)
    row = page.locator(".sf-board tbody tr", has=page.locator(".badge", has_text="1")).filter(
        has_not=page.locator(".badge", has_text="12")
    )
    assert row.count() >= 1
    screenshot(page, "correction-board.png")
    row.first.locator("a").click()
    page.wait_for_url("**/correction/subjects/*/")
    # then: overdue on the subject page, and the rules propose an admonition
    assert page.locator("#sf-overdue").is_visible()
    assert page.locator(".sf-overdue-report").count() == 1
    assert page.locator(".sf-proposal").count() == 1
    no_horizontal_scroll(page)
    screenshot(page, "correction-subject.png")
    proposal = page.locator(".sf-proposal form")
    with page.expect_navigation():
        proposal.locator("button[type=submit]").click()
    assert page.locator(".alert-success").count() == 1
    assert page.locator(".sf-proposal").count() == 0
    assert page.locator(".sf-measure").count() >= 1

    # when: the subject whose period ended yesterday is released (解矫)
    page.goto(f"{server}/correction/subjects/?status=UNDER_CORRECTION&sort=period_end")
    page.locator(".sf-table tbody a").first.click()
    page.wait_for_url("**/correction/subjects/*/")
    run_step(page, "end", {"select[name=reason]": "PERIOD_END"})
    # then
    assert page.locator("a[href$='/certificate/']").count() == 1
    no_horizontal_scroll(page)
    assert not page.console.csp_violations, page.console.csp_violations
    assert not page.console.errors, page.console.errors
