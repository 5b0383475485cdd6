"""The statistics overview (``/stats/``) and the module pages (``/stats/<module>/``).

The overview shows one section per module the user's roles reach, each figure a link to the
records behind it, the comparison of the units below, and on the city a schematic map of the
districts coloured by a chosen indicator; everything inside the user's scope.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from openpyxl import load_workbook

from sifasuo.core.models import AuditEvent
from sifasuo.stats import dashboards, reports, views
from sifasuo.stats import urls as stats_urls
from sifasuo.stats.reports import Period
from tests.stats.test_mediation_stats import ledger, more_cases  # noqa: F401 - the fixture

OVERVIEW = "/stats/"
MODULE = "/stats/mediation/"


# Until ``stats/urls.py`` names ``module``, these tests serve it from this urlconf.
def _has_module_url() -> bool:
    return any(getattr(p, "name", None) == "module" for p in stats_urls.urlpatterns)


def _urlpatterns() -> list[Any]:
    from config import urls as root

    stats = [
        *stats_urls.urlpatterns,
        path("<slug:module>/", views.module_dashboard, name="module"),
    ]
    kept = [p for p in root.urlpatterns if getattr(p, "namespace", None) != "stats"]
    return [path("stats/", include((stats, "stats"))), *kept]


urlpatterns = [] if _has_module_url() else _urlpatterns()
URLS = [] if _has_module_url() else [pytest.mark.urls(__name__)]
pytestmark = URLS


def sections(html: str) -> list[str]:
    return re.findall(r'<section class="mb-4 sf-stats-section" id="module-([a-z]+)"', html)


def expected_sections(user: Any) -> list[str]:
    return [spec.module for spec in reports.REPORTS.values() if dashboards.can_view(user, spec)]


@pytest.mark.parametrize("name", ["city_officer", "district_reviewer", "office_clerk"])
@pytest.mark.usefixtures("ledger")
def test_the_overview_shows_every_module_the_user_reaches(request, client_for, name):
    # given
    user = request.getfixturevalue(name)
    # when
    response = client_for(user).get(OVERVIEW, {"year": 2024})
    html = response.content.decode()
    # then
    assert response.status_code == 200
    assert sections(html) == expected_sections(user)
    assert "mediation" in sections(html)
    assert f'<option value="{user.unit.code}" selected>' in html
    assert 'id="stats-chart-data"' in html
    assert "css/stats.css" in html


@pytest.mark.usefixtures("ledger")
def test_a_mediator_sees_mediation_only(client_for, mediator):
    # when
    html = client_for(mediator).get(OVERVIEW, {"year": 2023}).content.decode()
    # then
    assert sections(html) == ["mediation"]
    assert "module-correction" not in html
    assert "module-resettlement" not in html
    assert "data-stats-map" not in html


@pytest.mark.parametrize("module", ["correction", "resettlement", "standards"])
def test_a_mediator_is_refused_the_other_modules(client_for, mediator, module):
    # when
    response = client_for(mediator).get(f"/stats/{module}/")
    # then
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("city_officer", {"year": 2024}),
        ("district_reviewer", {"year": 2024, "month": 3}),
        ("office_clerk", {"year": 2024, "quarter": 2}),
    ],
)
@pytest.mark.usefixtures("ledger")
def test_each_card_links_to_the_drill_down_of_its_figure(request, client_for, name, params):
    # given
    user = request.getfixturevalue(name)
    period = reports.parse_period(
        str(params["year"]), str(params.get("month", "")), quarter=str(params.get("quarter", ""))
    )
    # when
    html = client_for(user).get(OVERVIEW, params).content.decode()
    cards = re.findall(r'href="([^"]+)" data-figure="([a-z_]+\.[a-z_]+)"', html)
    # then
    links = {figure: url.replace("&amp;", "&") for url, figure in cards}
    assert "mediation.total" in links
    for spec in reports.REPORTS.values():
        if not dashboards.can_view(user, spec):
            continue
        for key in spec.cards or (*spec.figures, *spec.rates):
            code = spec.measure(spec.rates[key].numerator if key in spec.rates else key).code
            expected = reports.records_url(spec, code=code, unit=user.unit.code, period=period)
            assert links[f"{spec.module}.{key}"] == expected, key


@pytest.mark.usefixtures("ledger")
def test_the_overview_figures_are_the_live_counts(client_for, district_reviewer):
    # given
    spec = reports.REPORTS["mediation"]
    unit = district_reviewer.unit
    period = Period(2024)
    expected = spec.measure("total").value(
        district_reviewer, unit=unit, start=period.start, end=period.end
    )
    # when
    html = client_for(district_reviewer).get(OVERVIEW, {"year": 2024}).content.decode()
    # then
    assert expected == 3
    assert re.search(r'data-figure="mediation.total">3</a>', html)
    assert "长乐中路街道司法所" in html  # the comparison of the offices below


@pytest.mark.usefixtures("ledger")
def test_the_trend_gives_each_month_and_links_to_it(client_for, district_reviewer):
    # given
    spec = reports.REPORTS["mediation"]
    # when
    points = dashboards.trend(
        spec, "total", district_reviewer, unit=district_reviewer.unit, year=2024
    )
    # then
    assert [p.month for p in points] == list(range(1, 13))
    assert sum(p.value for p in points) == 3
    assert points[0].value == 1  # accepted on 5 January 2024
    assert "month=1" in points[0].url
    client = client_for(district_reviewer)
    listed = client.get(points[0].url).context["result_count"]
    assert listed == points[0].value


@pytest.mark.usefixtures("ledger")
def test_the_city_overview_shows_the_map_of_the_districts(client_for, city_officer):
    # when
    html = client_for(city_officer).get(OVERVIEW, {"year": 2024}).content.decode()
    # then
    assert "data-stats-map" in html
    tiles = re.findall(r'<tr data-tile="([0-9A-Z]+)">', html)
    assert {"610102", "610103", "610116", "610124", "610114"} <= set(tiles)
    assert len(tiles) == len(set(tiles)) >= 13
    # 新城区: 3 cases accepted in 2024, linking to the district's dashboard and its records
    row = re.search(r'<tr data-tile="610102">(.*?)</tr>', html, re.S)
    assert row is not None
    assert 'href="?unit=610102&amp;year=2024&amp;indicator=mediation.total"' in row.group(1)
    assert ">3</a>" in row.group(1)


@pytest.mark.usefixtures("ledger")
def test_the_map_is_coloured_by_the_chosen_indicator(client_for, city_officer):
    # when
    response = client_for(city_officer).get(
        OVERVIEW, {"year": 2024, "indicator": "mediation.success_rate"}
    )
    html = response.content.decode()
    # then: 新城区 1 of 3 succeeded; 长安区 (韦曲) 1 of 1
    assert response.status_code == 200
    assert '<option value="mediation.success_rate" selected>' in html
    xincheng = re.search(r'<tr data-tile="610102">(.*?)</tr>', html, re.S)
    changan = re.search(r'<tr data-tile="610116">(.*?)</tr>', html, re.S)
    assert xincheng is not None
    assert "33.33%" in xincheng.group(1)
    assert changan is not None
    assert "100.00%" in changan.group(1)


def test_an_unknown_indicator_is_400(client_for, city_officer, demo):
    # when
    response = client_for(city_officer).get(
        OVERVIEW, {"indicator": "people.salaries"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    # then
    assert response.status_code == 400
    assert "Indicator: choose one from the list." in response.content.decode()


def test_a_district_officer_has_no_map_and_only_the_district(client_for, district_reviewer, demo):
    # when
    html = client_for(district_reviewer).get(OVERVIEW).content.decode()
    # then
    assert "data-stats-map" not in html
    assert '<option value="610102001"' in html
    assert '<option value="610100"' not in html
    assert '<option value="610116"' not in html


def test_an_office_clerk_chooses_only_the_office_and_below(client_for, office_clerk, demo):
    # when
    html = client_for(office_clerk).get(OVERVIEW).content.decode()
    # then
    options = re.findall(r'<option value="([0-9A-Z]+)"', html)
    units = [code for code in options if code.startswith("6101")]
    assert units[0] == "610102001"
    assert all(code.startswith("610102001") for code in units)
    assert "610102001T01" in units


@pytest.mark.parametrize("page", [OVERVIEW, MODULE])
def test_a_unit_out_of_scope_is_404(client_for, other_clerk, demo, page):
    # when
    response = client_for(other_clerk).get(page, {"unit": "610102001"})
    # then
    assert response.status_code == 404


@pytest.mark.parametrize("page", [OVERVIEW, MODULE])
def test_a_bad_year_is_400_with_the_chinese_message(client_for, office_clerk, demo, page):
    # when
    response = client_for(office_clerk).get(page, {"year": "20x4"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    # then
    assert response.status_code == 400
    assert 'id="stats-error"' in response.content.decode()
    assert "年份" in response.content.decode()


def test_an_unknown_module_page_is_404(client_for, city_officer, demo):
    # when
    response = client_for(city_officer).get("/stats/nosuchmodule/")
    # then
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["sysadmin", "citizen"])
def test_who_sees_no_business_record_is_refused_the_overview(request, client_for, demo, name):
    # when
    response = client_for(request.getfixturevalue(name)).get(OVERVIEW)
    # then
    assert response.status_code == 403


@pytest.mark.usefixtures("ledger")
def test_a_comparison_table_exports_with_its_figures(client_for, district_reviewer):
    # given
    html = client_for(district_reviewer).get(OVERVIEW, {"year": 2024}).content.decode()
    match = re.search(r'href="(/stats/mediation/\?[^"]*export=xlsx)&amp;table=by_unit"', html)
    assert match is not None
    url = match.group(1).replace("&amp;", "&") + "&table=by_unit"
    # when
    response = client_for(district_reviewer).get(url)
    # then
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert {row[0]: row[2] for row in rows[1:]} == {"610102001": 1, "610102002": 2}


@pytest.mark.parametrize(
    ("page", "object_type"), [(OVERVIEW, "stats.overview"), (MODULE, "stats.mediation")]
)
@pytest.mark.usefixtures("ledger")
def test_the_page_exports_to_pdf_and_is_audited(client_for, city_officer, page, object_type):
    # given
    before = AuditEvent.objects.filter(action="export").count()
    # when
    response = client_for(city_officer).get(page, {"year": 2024, "export": "pdf"})
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert ".pdf" in response["Content-Disposition"]
    event = AuditEvent.objects.filter(action="export").order_by("-seq").first()
    assert AuditEvent.objects.filter(action="export").count() == before + 1
    assert event.object_type == object_type
    assert event.actor_username == city_officer.username
    assert event.changes["rows"] > 0


@pytest.mark.usefixtures("ledger")
def test_the_module_page_shows_every_table(client_for, district_reviewer):
    # when
    html = client_for(district_reviewer).get(MODULE, {"year": 2024}).content.decode()
    # then
    for name in reports.REPORTS["mediation"].tables:
        assert f'data-table="{name}"' in html, name
    assert 'data-stats-chart="trend"' in html
    assert "style=" not in html


@pytest.mark.usefixtures("ledger")
def test_the_overview_has_no_inline_script_or_style(client_for, city_officer):
    # when
    html = client_for(city_officer).get(OVERVIEW, {"year": 2024}).content.decode()
    # then
    assert "style=" not in html
    for attributes in re.findall(r"<script\b([^>]*)>", html):
        assert 'src="' in attributes or 'type="application/json"' in attributes, attributes


def test_every_tile_position_is_a_district_once():
    # when
    positions = dashboards.tile_positions()
    # then
    assert len(positions) == len(set(positions.values())) == 16
    assert {code[:4] for code in positions} == {"6101"}


# Query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["city_officer", "district_reviewer", "office_clerk"])
@pytest.mark.usefixtures("ledger")
def test_the_overview_query_count_does_not_grow_with_the_ledger(request, client_for, name):
    # given
    client = client_for(request.getfixturevalue(name))
    client.get(OVERVIEW, {"year": 2024})  # warm the session
    with CaptureQueriesContext(connection) as small:
        client.get(OVERVIEW, {"year": 2024})
    more_cases()
    client.get(OVERVIEW, {"year": 2024})  # brings the aggregates up to date
    # when / then
    with CaptureQueriesContext(connection) as large:
        response = client.get(OVERVIEW, {"year": 2024})
    assert response.status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


@pytest.mark.usefixtures("ledger")
def test_the_module_page_query_count_does_not_grow_with_the_ledger(
    client_for, district_reviewer, django_assert_num_queries
):
    # given
    client = client_for(district_reviewer)
    client.get(MODULE, {"year": 2024})
    # when / then
    with django_assert_num_queries(MODULE_QUERIES):
        client.get(MODULE, {"year": 2024})
    more_cases()
    client.get(MODULE, {"year": 2024})  # brings the aggregates up to date
    with django_assert_num_queries(MODULE_QUERIES):
        response = client.get(MODULE, {"year": 2024})
    assert "610102004" in response.content.decode()


# including, once per request, the ids of the district's units and of the cases shared with
# them (core.scope lists a small subtree's ids, so PostgreSQL can use the unit indexes);
# the user read with their unit (accounts.backends); no session save (an unchanged session
# is written once a minute)
MODULE_QUERIES = 16


@pytest.mark.parametrize(
    ("name", "params"),
    [("district_reviewer", {"year": 2024}), ("city_officer", {"year": 2023})],
)
@pytest.mark.usefixtures("ledger")
def test_every_case_count_on_the_overview_opens_a_list_of_that_count(
    request, client_for, name, params
):
    # given
    client = client_for(request.getfixturevalue(name))
    html = client.get(OVERVIEW, params).content.decode()
    links = re.findall(r'<a [^>]*href="(/mediation/cases/\?[^"]+)"[^>]*>([0-9]+)</a>', html)
    # when
    answers = {
        (url, n): client.get(url.replace("&amp;", "&")).context["result_count"] for url, n in links
    }
    # then: cards, trend months, comparison and map rows alike
    assert len(links) > 10
    assert {key: n for key, n in answers.items() if n != int(key[1])} == {}
