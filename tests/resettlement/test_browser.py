"""Resettlement in a real browser on a phone: a key person from the notice to a visit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from sifasuo.people.demo import synthetic_id_number
from tests.browsing import login, no_horizontal_scroll, run_step, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.system_package]


def test_a_clerk_receives_a_key_person_at_the_gate_and_visits(server, page):
    # given
    today = timezone.localdate()
    login(page, server, "xiyilu_clerk")
    page.goto(f"{server}/resettlement/persons/")
    no_horizontal_scroll(page)
    # when: the prison's notice for a key person released today is registered
    page.goto(f"{server}/resettlement/persons/new/")
    no_horizontal_scroll(page)
    page.fill("#id_name", "韩重点")
    page.fill("#id_id_number", synthetic_id_number("610102", date(1983, 7, 9), 91, male=True))
    page.select_option("#id_release_type", "PRISON")
    page.fill("#id_released_on", today.isoformat())
    page.fill("#id_prison", "陕西省监狱")
    page.fill("#id_crime", "抢劫罪")
    page.fill("#id_sentence", "有期徒刑六年")
    page.check("#id_is_key_person")
    page.fill("#id_notice_received_on", (today - timedelta(days=30)).isoformat())
    with page.expect_navigation():
        page.click("form[action$='/persons/new/'] button[type=submit]")
    # then
    assert page.locator(".alert-success").count() == 1, page.inner_text("main")[:500]
    assert "/resettlement/persons/" in page.url
    assert page.locator("#value-crime").inner_text() == "******"
    # when: met at the prison gate, then visited at home
    run_step(
        page,
        "handover",
        {"[name=method]": "MET_AT_GATE", "[name=handed_over_by]": "刘干事、社区主任、家属"},
    )
    status = page.inner_text("#sf-rp-status")
    assert page.locator("#sf-rp-handed-over").inner_text().startswith(today.isoformat())
    run_step(
        page,
        "visit",
        {"[name=visitors]": "刘干事、社区网格员", "[name=notes]": "到家走访，已落实临时住处"},
    )
    # then
    assert page.inner_text("#sf-rp-status") == status
    assert page.locator("#sf-rp-visit-list li").count() == 1
    no_horizontal_scroll(page)
    screenshot(page, "resettlement-person.png")
    assert page.console.csp_violations == []
    assert page.console.errors == []
