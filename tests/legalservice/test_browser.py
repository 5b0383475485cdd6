"""A clerk on a phone records a walk-in consultation with a referral and books a counter
appointment (Debian's Chromium through Playwright, against the seeded demo server)."""

from __future__ import annotations

import pytest

from tests.browsing import login, no_horizontal_scroll, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.system_package]


def test_a_clerk_records_a_consultation_and_books_an_appointment(server, page):
    # given
    login(page, server, "xiyilu_clerk")
    page.goto(f"{server}/legalservice/consultations/")
    no_horizontal_scroll(page)
    # when: a walk-in consultation, answered and referred to a lawyer
    page.goto(f"{server}/legalservice/consultations/new/")
    page.select_option("#id_channel", "WALK_IN")
    page.select_option("#id_topic", label="劳动争议")
    page.fill("#id_question", "单位拖欠三个月工资，如何维权？")
    page.fill("#id_person_name", "浏览器来访人")
    page.fill("#id_answer", "可向劳动保障监察投诉或申请劳动仲裁；已引导至律师事务所。")
    page.fill("#id_duration_minutes", "20")
    page.select_option("#id_referral", "LAWYER")
    page.fill("#id_referral_note", "西一路律师值班点")
    no_horizontal_scroll(page)
    with page.expect_navigation():
        page.click("form.sf-form button[type=submit]")
    # then
    assert page.locator(".alert-success").count() == 1, page.inner_text("main")[:500]
    main = page.inner_text("main")
    assert "浏览器来访人" in main
    assert "西一路律师值班点" in main
    no_horizontal_scroll(page)
    screenshot(page, "legalservice-consultation.png")
    # when: book a counter appointment in the first open slot
    page.goto(f"{server}/legalservice/appointments/new/")
    options = page.locator("#id_slot option:not([value=''])")
    assert options.count() > 0
    page.select_option("#id_slot", options.first.get_attribute("value"))
    page.fill("#id_person_name", "浏览器来访人")
    page.fill("#id_person_phone", "13800138000")
    page.fill("#id_matter", "律师见面咨询")
    with page.expect_navigation():
        page.click("form.sf-form button[type=submit]")
    # then
    assert page.locator(".alert-success").count() == 1, page.inner_text("main")[:500]
    assert "律师见面咨询" in page.inner_text("main")
    no_horizontal_scroll(page)
    assert page.console.csp_violations == []
    assert page.console.errors == []
