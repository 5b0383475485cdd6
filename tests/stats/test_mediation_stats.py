"""The mediation report: API, dashboard and exports agree with a direct count of the ledger.

The documented rule (``sifasuo/mediation/measures.py``): a case counts once, under the
committee that accepted it, in the year of its acceptance date; an intake counts under the
committee that registered it, in the year it was received. A transfer moves the work, not
the count, so a unit's figure is the sum of its children's.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Sum
from openpyxl import load_workbook

from sifasuo.core.models import AuditEvent
from sifasuo.core.xlsx import XLSX_MIME
from sifasuo.mediation import services
from sifasuo.mediation.choices import CaseSource, Outcome, RefusalReason, TransferKind
from sifasuo.mediation.models import MediationCase
from sifasuo.orgs.models import Unit
from sifasuo.stats import urls as stats_urls
from sifasuo.stats.reports import Period, parse_period
from tests.mediation import factories

# Until ``stats/urls.py`` names ``module``, the page is served from tests/stats/test_dashboard.py.
if not any(getattr(p, "name", None) == "module" for p in stats_urls.urlpatterns):
    pytestmark = [pytest.mark.urls("tests.stats.test_dashboard")]

API = "/api/v1/stats/mediation/"
PAGE = "/stats/mediation/"  # the module's detailed dashboard (``stats:module``)
YEARS = (2023, 2024)
# Every unit on the two paths of the ledger, committee to city.
XIYILU_PATH = ("610102001T01", "610102001", "610102", "610100")
WEIQU_PATH = ("610116001T01", "610116001", "610116", "610100")
KEYS = {
    "unit",
    "unit_name",
    "year",
    "month",
    "received",
    "total",
    "succeeded",
    "failed",
    "refused",
    "on_time",
    "overdue",
    "success_rate",
    "agreement_amount",
    "by_category",
    "by_source",
    "by_outcome",
    "by_committee_type",
    "by_unit",
}


@pytest.fixture
def ledger(office_clerk: Any) -> dict[str, MediationCase]:
    """Cases across three committees, two offices of 新城区, 韦曲 (长安区) and 碑林, two years."""
    services.committee_profile_save(
        actor=None, committee=Unit.objects.get(code="610102001T01"), committee_type="TOWN"
    )
    services.committee_profile_save(
        actor=None, committee=Unit.objects.get(code="610102002T01"), committee_type="VILLAGE"
    )
    cases = {
        # 2023
        "agreed_2023": factories.agreed(
            committee="610102001T01", category="NEIGHBOUR", received_on=date(2023, 3, 10)
        ),
        "failed_2023": factories.failed(
            committee="610102001T01", category="FAMILY", received_on=date(2023, 5, 2)
        ),
        "open_2023": factories.accepted(
            committee="610116001T01", category="LABOUR", received_on=date(2023, 7, 1)
        ),
        "referred_2023": factories.agreed(
            committee="610102002T01",
            category="CONTRACT",
            received_on=date(2023, 9, 14),
            source=CaseSource.REFERRAL,
            referral_organ="COURT",
            amount="800.50",
        ),
        # received in December 2023, accepted in January 2024
        "across_years": factories.accepted(
            committee="610102002T01",
            category="CONTRACT",
            received_on=date(2023, 12, 28),
            accepted_on=date(2024, 1, 5),
        ),
        # 2024
        "oral_2024": factories.agreed(
            committee="610102002T01",
            category="NEIGHBOUR",
            received_on=date(2024, 2, 1),
            outcome=Outcome.ORAL,
            amount="500.00",
        ),
        "weiqu_2024": factories.agreed(
            committee="610116001T01",
            category="DAMAGES",
            received_on=date(2024, 3, 3),
            amount="3000.00",
            source=CaseSource.INITIATIVE,
        ),
        "beilin_2024": factories.failed(
            committee="610103001T01", category="HOUSING", received_on=date(2024, 3, 20)
        ),
        "pending_2024": factories.register(committee="610102001T01", received_on=date(2024, 4, 8)),
    }
    refused = factories.register(
        committee="610102002T01", category="OTHER", received_on=date(2024, 5, 6)
    )
    cases["refused_2024"] = services.case_refuse(
        actor=None, case=refused, reason=RefusalReason.OUT_OF_SCOPE
    )
    moved = factories.accepted(
        committee="610102001T01", category="HOUSING", received_on=date(2024, 4, 1)
    )
    transfer = services.case_transfer_request(
        actor=office_clerk,
        case=moved,
        to_unit=Unit.objects.get(code="610116001T01"),
        kind=TransferKind.TRANSFER,
        reason="当事人长期居住在韦曲",
    )
    services.transfer_accept(actor=None, transfer=transfer)
    moved.refresh_from_db()
    assert moved.unit.code == "610116001T01"
    assert moved.accepted_unit.code == "610102001T01"
    cases["transferred_2024"] = moved
    return cases


def _in_year(field: str, year: int) -> dict[str, date]:
    return {f"{field}__gte": date(year, 1, 1), f"{field}__lt": date(year + 1, 1, 1)}


def accepted_cases(code: str, year: int) -> Any:
    """The documented rule, counted directly: accepted under the unit, in the year."""
    unit = Unit.objects.get(code=code)
    return MediationCase.objects.filter(
        accepted_unit__path__startswith=unit.path, **_in_year("accepted_on", year)
    )


def received_cases(code: str, year: int) -> Any:
    unit = Unit.objects.get(code=code)
    return MediationCase.objects.filter(
        registered_unit__path__startswith=unit.path, **_in_year("received_on", year)
    )


def get_report(client: Any, **params: Any) -> dict[str, Any]:
    response = client.get(API, params)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("code", sorted(set(XIYILU_PATH + WEIQU_PATH)))
def test_every_unit_on_the_path_reports_the_direct_count(
    client_for, city_officer, ledger, code, year
):
    # given
    accepted = accepted_cases(code, year)
    expected_categories = Counter(accepted.values_list("category__code", flat=True))
    # when
    report = get_report(client_for(city_officer), unit=code, year=year)
    # then
    assert set(report) == KEYS
    assert report["unit"] == code
    assert report["year"] == year
    assert report["month"] is None
    assert report["received"] == received_cases(code, year).count()
    assert report["total"] == accepted.count()
    assert report["succeeded"] == accepted.filter(outcome__in=["WRITTEN", "ORAL"]).count()
    assert report["failed"] == accepted.filter(outcome="FAILED").count()
    assert report["refused"] == received_cases(code, year).filter(status="REFUSED").count()
    assert report["by_category"] == dict(expected_categories)
    assert sum(report["by_source"].values()) == report["total"]
    amount = accepted.filter(outcome__in=["WRITTEN", "ORAL"]).aggregate(s=Sum("agreement_amount"))
    assert Decimal(report["agreement_amount"]) == (amount["s"] or Decimal("0"))


def test_the_ledger_is_not_empty_where_it_matters(client_for, city_officer, ledger):
    # when
    report = get_report(client_for(city_officer), unit="610102", year=2024)
    # then: the case received in 2023 and accepted in 2024 counts in 2024; the transferred one
    # counts under 西一路, where it was accepted
    assert report["total"] == 3
    assert report["received"] == 4  # pending, refused, transferred, oral
    assert report["succeeded"] == 1
    assert report["refused"] == 1
    assert report["agreement_amount"] == "500.00"
    assert report["success_rate"] == round(1 / 3, 4)
    assert report["by_category"] == {"CONTRACT": 1, "NEIGHBOUR": 1, "HOUSING": 1}
    assert report["by_outcome"] == {"ORAL": 1}
    assert report["by_committee_type"] == {"TOWN": 1, "VILLAGE": 2}
    assert report["by_unit"] == [
        {"code": "610102001", "name": "西一路街道司法所", "total": 1},
        {"code": "610102002", "name": "长乐中路街道司法所", "total": 2},
    ]


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("code", ["610100", "610102", "610102001", "610116", "610116001"])
def test_a_parent_is_the_sum_of_its_children(client_for, city_officer, ledger, code, year):
    # given
    client = client_for(city_officer)
    # when
    parent = get_report(client, unit=code, year=year)
    children = [get_report(client, unit=row["code"], year=year) for row in parent["by_unit"]]
    # then
    assert parent["by_unit"], "the ledger has cases under every unit of the paths"
    assert sum(row["total"] for row in parent["by_unit"]) == parent["total"]
    assert [c["total"] for c in children] == [row["total"] for row in parent["by_unit"]]
    for key in ("received", "succeeded", "failed", "refused"):
        assert sum(c[key] for c in children) == parent[key], key
    merged: Counter[str] = Counter()
    for child in children:
        merged.update(child["by_category"])
    assert dict(merged) == parent["by_category"]


def test_a_transferred_case_counts_where_it_was_accepted(client_for, city_officer, ledger):
    # given
    client = client_for(city_officer)
    # when
    xiyilu = get_report(client, unit="610102001T01", year=2024)
    weiqu = get_report(client, unit="610116001T01", year=2024)
    # then
    assert xiyilu["total"] == 1
    assert xiyilu["by_category"] == {"HOUSING": 1}
    assert weiqu["total"] == 1
    assert weiqu["by_category"] == {"DAMAGES": 1}


def test_a_month_counts_only_that_month(client_for, city_officer, ledger):
    # when
    january = get_report(client_for(city_officer), unit="610102", year=2024, month=1)
    # then
    assert january["month"] == 1
    assert january["total"] == 1
    assert january["received"] == 0
    assert january["by_category"] == {"CONTRACT": 1}


def test_the_default_unit_is_the_users_own(client_for, district_reviewer, ledger):
    # when
    report = get_report(client_for(district_reviewer), year=2024)
    # then
    assert report["unit"] == "610102"
    assert report["total"] == accepted_cases("610102", 2024).count()


def test_a_mediator_sees_the_committee_only(client_for, mediator, ledger):
    # given
    client = client_for(mediator)
    # when
    own = get_report(client, year=2023)
    office = client.get(API, {"unit": "610102001", "year": 2023})
    # then
    assert own["unit"] == "610102001T01"
    assert own["total"] == accepted_cases("610102001T01", 2023).count() == 2
    assert office.status_code == 404


def test_another_district_gets_404_and_figures_without_xincheng(client_for, other_clerk, ledger):
    # given
    client = client_for(other_clerk)
    # when
    refused = client.get(API, {"unit": "610102001", "year": 2024})
    refused_district = client.get(API, {"unit": "610102", "year": 2024})
    own = get_report(client, year=2024)
    # then
    assert refused.status_code == 404
    assert refused_district.status_code == 404
    assert own["unit"] == "610116001"
    # the case transferred in from 西一路 is worked (and seen) at 韦曲 but counted in 新城区
    assert (
        MediationCase.objects.visible_to(other_clerk)
        .filter(pk=ledger["transferred_2024"].pk)
        .exists()
    )
    assert own["total"] == 1
    assert own["by_category"] == {"DAMAGES": 1}
    assert own["received"] == 1
    xincheng = MediationCase.objects.filter(accepted_unit__path__startswith="/610100/610102/")
    assert own["total"] == accepted_cases("610116001", 2024).exclude(pk__in=xincheng).count()


def test_a_unit_that_does_not_exist_is_404(client_for, office_clerk, ledger):
    # when
    response = client_for(office_clerk).get(API, {"unit": "999999"})
    # then
    assert response.status_code == 404


def test_an_unknown_module_is_404(client_for, city_officer):
    # when
    response = client_for(city_officer).get("/api/v1/stats/nosuchmodule/")
    # then
    assert response.status_code == 404


def test_anonymous_gets_401(client, demo):
    # when
    response = client.get(API, {"year": 2024})
    # then
    assert response.status_code == 401


@pytest.mark.parametrize("name", ["sysadmin", "secadmin", "auditadmin", "citizen"])
def test_who_sees_no_business_record_is_refused(client_for, request, ledger, name):
    # given
    user = request.getfixturevalue(name)
    client = client_for(user)
    # when
    api = client.get(API, {"year": 2024})
    api_unit = client.get(API, {"year": 2024, "unit": "610102"})
    page = client.get(PAGE, {"year": 2024})
    # then
    assert api.status_code == 403
    assert api_unit.status_code == 403
    assert page.status_code == 403


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"year": "20x4"}, "year"),
        ({"year": "1899"}, "year"),
        ({"year": "2024", "month": "13"}, "month"),
        ({"year": "2024", "month": "0"}, "month"),
    ],
)
def test_a_bad_period_is_400_with_a_message(client_for, office_clerk, params, field):
    # when
    response = client_for(office_clerk).get(API, params)
    # then
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert response.json()[field][0]


def test_the_period_message_is_translated(client_for, office_clerk):
    # when
    response = client_for(office_clerk).get(API, {"year": "abc"}, HTTP_ACCEPT_LANGUAGE="en")
    # then
    assert "Year" in response.json()["year"][0]


def test_periods_are_half_open_ranges():
    # when / then
    assert Period(2024).start == date(2024, 1, 1)
    assert Period(2024).end == date(2025, 1, 1)
    assert Period(2024, 12).end == date(2025, 1, 1)
    assert Period(2024, 2).end == date(2024, 3, 1)
    assert parse_period("", "", today=date(2025, 6, 1)) == Period(2025)
    assert parse_period("2024", "3", today=date(2025, 6, 1)) == Period(2024, 3)


# The dashboard --------------------------------------------------------------------------------


def link(measure: str, unit: str, year: int, **extra: str) -> str:
    """A drill-down link as the page writes it (``&`` escaped)."""
    query = f"measure={measure}&amp;unit={unit}&amp;year={year}"
    for key, value in extra.items():
        query += f"&amp;{key}={value}"
    return f'href="/mediation/cases/?{query}"'


def test_the_dashboard_shows_the_figures_with_their_links(client_for, district_reviewer, ledger):
    # when
    response = client_for(district_reviewer).get(PAGE, {"year": 2024})
    html = response.content.decode()
    # then
    assert response.status_code == 200
    assert link("mediation.accepted", "610102", 2024) in html
    assert link("mediation.received", "610102", 2024) in html
    assert link("mediation.agreement_amount", "610102", 2024) in html
    assert link("mediation.accepted", "610102", 2024, category="NEIGHBOUR") in html
    assert link("mediation.accepted", "610102", 2024, source="APPLICATION") in html
    assert link("mediation.accepted", "610102", 2024, outcome="ORAL") in html
    assert link("mediation.accepted", "610102", 2024, committee_type="VILLAGE") in html
    assert link("mediation.accepted", "610102002", 2024) in html  # the child-unit row
    assert f'{link("mediation.accepted", "610102", 2024)} data-figure="total">3</a>' in html
    assert f'{link("mediation.succeeded", "610102", 2024)} data-figure="succeeded">1</a>' in html
    assert "长乐中路街道司法所" in html
    assert 'id="stats-chart-data"' in html
    assert "vendor/echarts/echarts.min.js" in html
    assert "js/stats.js" in html


@pytest.mark.parametrize(
    ("user", "params"),
    [
        ("district_reviewer", {"year": 2024}),
        ("city_officer", {"year": 2023}),
        ("office_clerk", {"year": 2024, "month": 4}),
    ],
)
def test_every_count_opens_a_case_list_of_the_same_count(request, client_for, ledger, user, params):
    # given
    client = client_for(request.getfixturevalue(user))
    html = client.get(PAGE, params).content.decode()
    links = re.findall(r'<a [^>]*href="(/mediation/cases/\?[^"]+)"[^>]*>([0-9]+)</a>', html)
    # when
    answers = {
        (url, n): client.get(url.replace("&amp;", "&")).context["result_count"] for url, n in links
    }
    # then: money and rates aside, every number on the page is the length of its list
    assert len(links) > 10
    assert {key: n for key, n in answers.items() if n != int(key[1])} == {}


def test_the_dashboard_of_a_month_links_with_the_month(client_for, office_clerk, ledger):
    # when
    html = client_for(office_clerk).get(PAGE, {"year": 2024, "month": 4}).content.decode()
    # then
    assert link("mediation.accepted", "610102001", 2024, month="4") in html
    assert link("mediation.accepted", "610102001T01", 2024, month="4") in html


def test_the_dashboard_has_no_inline_script_or_style(client_for, city_officer, ledger):
    # when
    html = client_for(city_officer).get(PAGE, {"year": 2024}).content.decode()
    # then
    assert "style=" not in html
    assert "<style" not in html
    for attributes in re.findall(r"<script\b([^>]*)>", html):
        assert 'src="' in attributes or 'type="application/json"' in attributes, attributes


def test_the_chart_assets_are_vendored():
    # when / then: served from this site, never a CDN
    from django.contrib.staticfiles import finders

    assert finders.find("vendor/echarts/echarts.min.js")
    assert finders.find("vendor/echarts/LICENSE")
    assert finders.find("js/stats.js")


def test_the_dashboard_unit_selector_lists_the_units_below(client_for, district_reviewer, demo):
    # when
    html = client_for(district_reviewer).get(PAGE).content.decode()
    # then
    assert '<option value="610102" selected>' in html
    assert '<option value="610102001"' in html
    assert '<option value="610116001"' not in html
    assert '<option value="610100"' not in html
    # a bureau's selector lists no committees, until one is chosen (from an office's
    # comparison): then it is listed, selected
    assert '<option value="610102001T01"' not in html
    chosen = client_for(district_reviewer).get(PAGE, {"unit": "610102001T01"})
    assert '<option value="610102001T01" selected>' in chosen.content.decode()


def test_the_dashboard_out_of_scope_unit_is_404(client_for, other_clerk, demo):
    # when
    response = client_for(other_clerk).get(PAGE, {"unit": "610102001"})
    # then
    assert response.status_code == 404


def test_the_dashboard_bad_year_is_400_with_the_message(client_for, office_clerk, demo):
    # when
    response = client_for(office_clerk).get(PAGE, {"year": "19"}, HTTP_ACCEPT_LANGUAGE="en")
    # then
    assert response.status_code == 400
    assert "Year: enter a year" in response.content.decode()


def test_the_dashboard_works_on_an_empty_ledger(client_for, office_clerk, demo):
    # when
    response = client_for(office_clerk).get(PAGE, {"year": 2024})
    # then
    assert response.status_code == 200
    assert link("mediation.accepted", "610102001", 2024) in response.content.decode()


@pytest.mark.parametrize(
    "table", ["summary", "by_category", "by_source", "by_outcome", "by_committee_type", "by_unit"]
)
def test_each_table_exports_to_excel_and_is_audited(client_for, district_reviewer, ledger, table):
    # given
    before = AuditEvent.objects.filter(action="export").count()
    # when
    response = client_for(district_reviewer).get(
        PAGE, {"year": 2024, "unit": "610102", "export": "xlsx", "table": table}
    )
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_MIME
    assert ".xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) >= 2
    event = AuditEvent.objects.filter(action="export").order_by("-seq").first()
    assert AuditEvent.objects.filter(action="export").count() == before + 1
    assert event.object_type == f"stats.mediation.{table}"
    assert event.actor_username == district_reviewer.username
    assert event.changes["rows"] == len(rows) - 1


def test_the_category_export_holds_the_figures(client_for, district_reviewer, ledger):
    # when
    response = client_for(district_reviewer).get(
        PAGE, {"year": 2024, "export": "xlsx", "table": "by_category"}
    )
    # then
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert {row[0]: row[2] for row in rows[1:]} == {"CONTRACT": 1, "NEIGHBOUR": 1, "HOUSING": 1}


def test_an_unknown_export_table_is_404(client_for, office_clerk, demo):
    # when
    response = client_for(office_clerk).get(PAGE, {"export": "xlsx", "table": "people"})
    # then
    assert response.status_code == 404


# Query counts -------------------------------------------------------------------------------


def more_cases() -> None:
    """Another batch in more committees, categories and both years."""
    for committee, category, day in [
        ("610102003T01", "TRAFFIC", date(2024, 6, 1)),
        ("610102004T01", "MEDICAL", date(2024, 7, 2)),
        ("610102001T01", "CONSUMER", date(2024, 8, 3)),
        ("610116002T01", "LAND", date(2024, 9, 4)),
        ("610102002T01", "NEIGHBOUR", date(2023, 10, 5)),
    ]:
        factories.agreed(committee=committee, category=category, received_on=day)
        factories.failed(committee=committee, category="OTHER", received_on=day)


# session, the user with their unit (accounts.backends), roles, the unit asked for; 8
# figures, 4 breakdowns, the grouped comparison and the children's names; and once per
# request the ids of the user's subtree and of the cases shared with it (core.scope). An
# unchanged session is not saved (accounts.middleware.SessionTouchMiddleware).
API_QUERIES = 12
# session, the user with their unit, the figures and breakdowns (from the aggregates once they are
# up to date), the comparison, the unit selector, the category names and the trend by month;
# the ids of the user's subtree and of the cases shared with it. No session save.
DASHBOARD_QUERIES = 16


def test_the_api_has_a_pinned_query_count(
    client_for, city_officer, ledger, django_assert_num_queries
):
    # given
    client = client_for(city_officer)
    client.get(API, {"year": 2024, "unit": "610100"})  # brings the aggregates up to date
    # when / then
    with django_assert_num_queries(API_QUERIES):
        small = client.get(API, {"year": 2024, "unit": "610100"})
    more_cases()
    client.get(API, {"year": 2024, "unit": "610100"})  # brings the aggregates up to date
    with django_assert_num_queries(API_QUERIES):
        large = client.get(API, {"year": 2024, "unit": "610100"})
    assert large.json()["total"] > small.json()["total"]
    assert len(large.json()["by_unit"]) >= len(small.json()["by_unit"])


def test_the_dashboard_has_a_pinned_query_count(
    client_for, district_reviewer, ledger, django_assert_num_queries
):
    # given
    client = client_for(district_reviewer)
    client.get(PAGE, {"year": 2024})  # brings the aggregates up to date
    # when / then
    with django_assert_num_queries(DASHBOARD_QUERIES):
        small = client.get(PAGE, {"year": 2024})
    more_cases()
    client.get(PAGE, {"year": 2024})  # brings the aggregates up to date
    with django_assert_num_queries(DASHBOARD_QUERIES):
        large = client.get(PAGE, {"year": 2024})
    assert small.status_code == large.status_code == 200
    assert "610102004" in large.content.decode()
