"""The statistics overview in a browser: charts, the district map, drill-down, a phone."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browsing import PHONE, login, no_horizontal_scroll, screenshot
from tests.stats.test_drilldown_demo import check_demo_drilldowns

pytestmark = [pytest.mark.browser, pytest.mark.system_package]

DESKTOP = {"width": 1280, "height": 900}

TILE_POINT = """code => {
  const element = document.querySelector("[data-stats-map]");
  // "instant": the page scrolls smoothly by default, and a box read mid-scroll is off
  element.scrollIntoView({block: "center", behavior: "instant"});
  const chart = window.echarts.getInstanceByDom(element);
  const data = JSON.parse(document.getElementById("stats-chart-data").textContent);
  const tile = data.map.tiles.find(t => t.code === code);
  const point = chart.convertToPixel({seriesIndex: 0}, [tile.col, tile.row]);
  const box = element.getBoundingClientRect();
  return [box.left + point[0], box.top + point[1]];
}"""


def charts_drawn(page) -> int:
    return page.locator(".sf-chart canvas").count()


def test_a_city_officer_colours_the_map_and_drills_down(page, server):
    # given
    page.set_viewport_size(DESKTOP)
    login(page, server, "city_officer")
    # when
    page.goto(f"{server}/stats/")
    page.wait_for_selector("[data-stats-map][data-stats-drawn] canvas")
    # then: the map, the trends and the comparisons are drawn, without a CSP violation
    assert charts_drawn(page) >= 3
    assert page.locator("table[data-table=map] tbody tr").count() >= 13
    assert page.console.csp_violations == []
    assert page.console.errors == []
    screenshot(page, "stats-city.png")

    # when: another indicator is chosen (applied on change)
    with page.expect_navigation():
        page.select_option("#stats-indicator", "mediation.received")
    page.wait_for_selector("[data-stats-map][data-stats-drawn] canvas")
    # then
    assert "indicator=mediation.received" in page.url
    assert page.locator("#stats-indicator").input_value() == "mediation.received"
    page.locator("[data-stats-map]").scroll_into_view_if_needed()
    screenshot(page, "stats-map.png")

    # when: the tile of 新城区 is clicked
    x, y = page.evaluate(TILE_POINT, "610102")
    page.mouse.move(x, y)
    # the pointer is on the tile: its tooltip names the district
    page.locator("[data-stats-map] div", has_text="新城区司法局").last.wait_for()
    with page.expect_navigation():
        page.mouse.click(x, y)
    # then: the district's dashboard
    assert re.search(r"unit=610102(&|$)", page.url)
    assert "新城区司法局" in page.locator("h1").inner_text()
    assert page.locator("[data-stats-map]").count() == 0
    screenshot(page, "stats-district.png")

    # when: a figure is clicked
    figure = page.locator('[data-figure="mediation.total"]')
    shown = figure.inner_text()
    with page.expect_navigation():
        figure.click()
    # then: the list of the records behind it, as long as the figure
    assert "/mediation/cases/" in page.url
    assert "measure=mediation.accepted" in page.url
    assert "unit=610102" in page.url
    assert shown.replace(",", "") in page.locator("main").inner_text()


def test_an_office_clerk_reads_the_dashboards_on_a_phone(page, server):
    # given
    page.set_viewport_size(PHONE)
    login(page, server, "xiyilu_clerk")
    # when
    page.goto(f"{server}/stats/")
    page.wait_for_selector(".sf-chart canvas")
    # then
    no_horizontal_scroll(page)
    assert page.locator("[data-stats-map]").count() == 0
    units = page.locator("#stats-unit option").evaluate_all("os => os.map(o => o.value)")
    assert units[0] == "610102001"
    assert all(code.startswith("610102001") for code in units)
    assert page.console.csp_violations == []
    screenshot(page, "stats-office-phone.png")
    # when: the module page of mediation
    page.locator("#module-mediation a[href^='/stats/mediation/']").first.click()
    page.wait_for_url("**/stats/mediation/**")
    page.wait_for_selector(".sf-chart canvas")
    # then
    no_horizontal_scroll(page)
    assert page.locator("table[data-table=summary]").count() == 1
    screenshot(page, "stats-module-phone.png")


@pytest.mark.browser
@pytest.mark.system_package
def test_every_dashboard_figure_drills_down_to_a_list_of_that_count(
    server: str, browser: Any
) -> None:
    """On the demo data, for a city, a district and an office user: figure == list count."""
    check_demo_drilldowns(server, browser)
