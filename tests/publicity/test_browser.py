"""Legal publicity in a real browser on a phone: an activity with a photo, then coverage."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.browsing import login, no_horizontal_scroll, screenshot
from tests.publicity.factories import PNG_BYTES

pytestmark = [pytest.mark.browser, pytest.mark.system_package]


def test_a_clerk_records_an_activity_with_a_photo_and_views_coverage(server, page, tmp_path):
    # given
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(PNG_BYTES)
    login(page, server, "xiyilu_clerk")
    page.goto(f"{server}/publicity/activities/")
    no_horizontal_scroll(page)
    # when: the clerk records this morning's stall, with a photo
    page.goto(f"{server}/publicity/activities/new/")
    no_horizontal_scroll(page)
    page.fill("#id_held_on", timezone.localdate().isoformat())
    page.fill("#id_theme", "民法典宣传月：法律进社区")
    page.check("#id_laws_1")
    page.select_option("#id_target", "COMMUNITIES")
    page.select_option("#id_form", "STALL")
    page.fill("#id_place", "民乐社区广场")
    page.fill("#id_participants", "160")
    page.fill("#id_materials", "320")
    page.set_input_files("#id_photos", str(photo))
    with page.expect_navigation():
        page.click("main form[data-once] button[type=submit]")
    # then
    assert page.locator(".alert-success").count() == 1, page.inner_text("main")[:500]
    assert "/publicity/activities/" in page.url
    assert page.locator("#sf-photos img").count() == 1
    assert "民法典" in page.inner_text("#sf-details")
    no_horizontal_scroll(page)
    screenshot(page, "publicity-activity.png")
    # when: the coverage of 法律明白人 in the office's communities
    page.goto(f"{server}/publicity/coverage/")
    # then: some communities fall short of the target (the demo has them)
    assert page.locator("#sf-coverage-below tbody tr").count() >= 1
    assert page.inner_text("#sf-coverage-rate").endswith("%")
    no_horizontal_scroll(page)
    screenshot(page, "publicity-coverage.png")
    assert page.console.csp_violations == []
    assert page.console.errors == []
