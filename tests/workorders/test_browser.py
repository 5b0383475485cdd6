"""A task from the district to its offices, replied on a phone, seen on the sender's page.

Drives Chromium against the seeded demo server (``tests/browsing.py``): 新城区's officer
sends a task to all of the district's offices, 西一路's clerk replies, and the officer's
task page shows the reply and the offices still pending; the demo's overdue city task shows
the district's late offices. Selectors use names and values, not texts, so the test holds
in any language.
"""

from __future__ import annotations

import pytest

from tests.browsing import PHONE, login, no_horizontal_scroll, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.system_package]

TITLE = "关于报送辖区重点人员走访情况的通知"
OVERDUE_CITY_TASK = "关于报送社区矫正对象集中排查情况的通知"  # demo: past due, 西一路 a draft


def _page_as(browser, server, username):
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, locale="zh-CN")
    context.set_default_timeout(20_000)
    page = context.new_page()
    login(page, server, username)
    return context, page


def test_a_district_sends_a_task_an_office_replies_and_the_sender_sees_it(server, browser, page):
    # given: 新城区's officer on the send form (a phone)
    login(page, server, "xincheng_reviewer")
    page.goto(f"{server}/workorders/tasks/new/")
    no_horizontal_scroll(page)
    # when: a task to every office of the district
    page.fill("#id_title", TITLE)
    page.fill("#id_instructions", "请于期限内报送走访记录和情况说明。")
    page.check("input[name=mode][value=ALL]")
    with page.expect_navigation():
        page.click("form[action$='/tasks/new/'] button[type=submit]")
    # then: the task page lists the district's offices, none replied yet
    assert "/workorders/tasks/" in page.url
    task_url = page.url
    rows = page.locator("table.sf-table tbody tr")
    offices = rows.count()
    assert offices > 1
    assert rows.filter(has_text="西一路街道司法所").count() == 1
    assert page.locator(".alert-success").count() == 1

    # when: 西一路's clerk opens the task on a phone and replies
    clerk_context, clerk = _page_as(browser, server, "xiyilu_clerk")
    try:
        clerk.goto(task_url)
        no_horizontal_scroll(clerk)
        with clerk.expect_navigation():
            clerk.click("section[aria-labelledby=sf-my-reply] a.btn-primary")
        clerk.fill("#id_report", "已走访辖区重点人员12人，情况稳定，走访记录见附件。")
        with clerk.expect_navigation():
            clerk.click("button[name=action][value=submit]")
        assert clerk.locator(".alert-success").count() == 1
        no_horizontal_scroll(clerk)
    finally:
        clerk_context.close()

    # then: the sender's page shows 西一路's reply and the offices still pending
    page.goto(task_url)
    no_horizontal_scroll(page)
    xiyilu = page.locator("table.sf-table tbody tr", has_text="西一路街道司法所")
    assert xiyilu.locator(".badge.text-bg-primary").count() == 1  # submitted
    pending = page.locator("table.sf-table tbody tr:has(.badge.text-bg-secondary)")
    assert pending.count() == offices - 1
    assert page.locator("a[href='?status=SUBMITTED']").count() == 1  # awaiting review
    page.evaluate("document.getElementById('sf-task-replies').scrollIntoView()")
    screenshot(page, "workorders-task.png")

    # and the demo's overdue city task flags the district's late offices (西一路 among them)
    page.goto(f"{server}/workorders/tasks/?q={OVERDUE_CITY_TASK}")
    with page.expect_navigation():
        page.locator("table.sf-table tbody tr a").first.click()
    late = page.locator("table.sf-table tbody tr.table-danger")
    assert late.count() >= 1
    assert late.first.locator(".badge.text-bg-danger").count() == 1
    assert late.filter(has_text="西一路街道司法所").count() == 1
    assert page.console.csp_violations == []
    assert page.console.errors == []
