"""Rule-of-law work in a real browser on a 375-px phone.

The clerk of 西一路 registers a matter for legality review, issues the opinion from the
checklist and downloads the Word opinion; a citizen opens the city's draft on the public
pages, logs in with the SMS code read from the server's log, comments on a clause and finds
the comment under "my comments". Assertions use elements and classes, not wording.
"""

from __future__ import annotations

import re

import pytest
from docx import Document

from tests.browsing import login, no_horizontal_scroll, run_step, screenshot, server_log

pytestmark = [pytest.mark.browser, pytest.mark.system_package]

CITIZEN_PHONE = "13755552468"
MASKED = "137****2468"
TITLE = "关于加强沿街商铺门前管理的通知（送审稿）"
COMMENT = "建议明确夜间遛犬时间，并在社区设置宣传牌。"


def _latest_code() -> str:
    lines = [line for line in server_log().splitlines() if f"SMS to {MASKED}" in line]
    assert lines, "no SMS for the citizen in the server's log"
    found = re.search(r"(?<!\d)(\d{6})(?!\d)", lines[-1].split(MASKED, 1)[1])
    assert found, lines[-1]
    return found.group(1)


def test_a_clerk_reviews_a_matter_and_downloads_the_opinion(server, page, tmp_path):
    # given
    login(page, server, "xiyilu_clerk")
    page.goto(f"{server}/governance/reviews/")
    no_horizontal_scroll(page)
    assert page.locator("table.sf-table tbody tr").count() >= 1
    # when: the matter is registered
    page.goto(f"{server}/governance/reviews/new/")
    page.select_option("#id_matter_type", "NORMATIVE")
    page.fill("#id_title", TITLE)
    no_horizontal_scroll(page)
    with page.expect_navigation():
        page.click("form.sf-form button[type=submit]")
    assert "/governance/reviews/" in page.url
    assert page.locator(".alert-success").count() == 1
    # when: the opinion, every point of the checklist passing
    run_step(page, "opinion", {"#id_conclusion": "LAWFUL", "#id_opinion_text": "送审稿合法。"})
    no_horizontal_scroll(page)
    screenshot(page, "governance-review.png")
    # then: the Word opinion downloads and opens
    with page.expect_download() as download:
        page.click("a[href$='/opinion.docx']")
    path = tmp_path / "opinion.docx"
    download.value.save_as(path)
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "合法性审查意见书" in text
    assert TITLE in text
    assert page.console.csp_violations == []
    assert page.console.errors == []


def test_a_citizen_comments_on_a_clause_of_the_city_draft(server, page):
    # given: the public list and the draft, no login
    page.goto(f"{server}/governance/consult/")
    no_horizontal_scroll(page)
    with page.expect_navigation():
        page.click("main a.card")
    assert page.locator(".sf-comment-clause").count() >= 3
    no_horizontal_scroll(page)
    screenshot(page, "governance-draft.png")
    # when: commenting asks for the SMS login, then comes back to the clause
    with page.expect_navigation():
        page.locator(".sf-comment-clause").nth(1).click()
    assert "/portal/login/" in page.url
    page.fill("#id_phone", CITIZEN_PHONE)
    with page.expect_navigation():
        page.click("form.sf-portal-login button[type=submit]")
    page.fill("#id_code", _latest_code())
    with page.expect_navigation():
        page.click("form.sf-portal-login button[type=submit]")
    assert "/comment/" in page.url
    assert page.locator("#id_clause option[selected]").count() == 1
    page.fill("#id_text", COMMENT)
    no_horizontal_scroll(page)
    with page.expect_navigation():
        page.click("main form.sf-form button[type=submit]")
    # then: the comment is among the citizen's own, waiting for its answer
    assert page.url.endswith("/governance/consult/mine/")
    assert COMMENT in page.inner_text("main")
    no_horizontal_scroll(page)
    assert page.console.csp_violations == []
    assert page.console.errors == []
