"""The drill-down page behind every figure: its count is the figure, inside the user's scope.

``/stats/records/?measure=<code>&unit=<code>&year=&month=&quarter=&breakdown=&key=`` lists
``measure.queryset(user, unit=, start=, end=)``; these tests make records of every app that
has factories, in two districts, and compare the page with ``measure.value`` for every
measure of the registry, then the breakdown filter, the scope rules, the export and the
page's query count.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from sifasuo.core.measures import registry
from sifasuo.core.models import AuditEvent
from sifasuo.core.xlsx import XLSX_MIME
from sifasuo.orgs.models import Unit
from sifasuo.resettlement.models import VisitationSystem
from sifasuo.stats.reports import Period
from tests.correction import factories as correction
from tests.governance import factories as governance
from tests.legalservice import factories as legalservice
from tests.mediation import factories as mediation
from tests.publicity import factories as publicity
from tests.resettlement import factories as resettlement
from tests.workorders import factories as workorders

PAGE = "/stats/records/"
XINCHENG = "610102"
XIYILU = "610102001"
WEIQU = "610116001"  # 长安区
# Apps whose records the ``ledger`` fixture makes (the others' measures still drill down).
MADE = ("mediation", "correction", "workorders", "legalservice", "governance", "publicity")
COUNT = re.compile(r'data-count="(\d+)"')
SUM = re.compile(r'data-sum="([-\d.]+)"')
VALUE = re.compile(r'data-value="([-\d.]+)"')
ROW = re.compile(r"data-record=")


def url(code: str, **params: Any) -> str:
    return f"{PAGE}?{urlencode({'measure': code, **params})}"


def figure_on(response: Any) -> dict[str, Any]:
    """What the page shows: the count, and the sum or the value where there is one."""
    text = response.content.decode()
    shown: dict[str, Any] = {"count": int(COUNT.search(text).group(1))}  # type: ignore[union-attr]
    if match := SUM.search(text):
        shown["sum"] = Decimal(match.group(1))
    if match := VALUE.search(text):
        shown["value"] = Decimal(match.group(1))
    shown["rows"] = len(ROW.findall(text))
    return shown


@pytest.fixture
def ledger(office_clerk: Any, other_clerk: Any, district_reviewer: Any) -> None:
    """Records of every app with factories in 西一路 (新城区) and 韦曲 (长安区), this year."""
    today = timezone.localdate()
    for office, committee in ((XIYILU, "610102001T01"), (WEIQU, "610116001T01")):
        mediation.agreed(committee=committee, category="NEIGHBOUR", received_on=today)
        mediation.agreed(committee=committee, category="FAMILY", received_on=today, amount="120.50")
        mediation.failed(committee=committee, category="FAMILY", received_on=today)
        mediation.register(committee=committee, received_on=today)
        correction.received(office=office, received_days_ago=0)
        legalservice.consultation(unit=office)
        legalservice.consultation(unit=office, referral="LEGAL_AID")
        legalservice.legal_aid(unit=office)
        legalservice.window_log(unit=office)
        legalservice.appointment(slot_=legalservice.slot(unit=office))
        governance.issued(office=office, received_on=today)
        governance.activity(office=office, held_on=today)
        publicity.matrix_activity(Unit.objects.get(code=office))
        resettlement.assisting(office=office, days_ago=0)
        # a one-to-one with the unit: str() reads the unit, which caches its way back
        VisitationSystem.objects.create(
            unit=Unit.objects.get(code=office), installed=True, installed_on=today
        )
    task = workorders.send(sender=XINCHENG, sent_on=today, due_in=5)
    reply = workorders.assignment_of(task, XIYILU)
    from sifasuo.workorders import services as workorder_services

    workorder_services.reply_submit(
        actor=office_clerk, assignment=reply, report="已完成。", version=reply.version
    )


def _drill_codes() -> list[str]:
    return [measure.code for measure in registry.all()]


def _expected(measure: Any, user: Any, unit: Unit, period: Period | None) -> Any:
    where: dict[str, Any] = {"unit": unit}
    if period is not None:
        where.update(start=period.start, end=period.end)
    return measure.value(user, **where), measure.queryset(user, **where).count()


def test_every_measure_drills_down_to_exactly_its_figure(
    ledger: None, city_officer: Any, client_for: Any
) -> None:
    # given: the city officer, 新城区, this year and no period ("now")
    client = client_for(city_officer)
    unit = Unit.objects.get(code=XINCHENG)
    this_year = Period(timezone.localdate().year)
    wrong: list[str] = []
    counted: dict[str, int] = {}
    for code in _drill_codes():
        measure = registry.get(code)
        for period in (this_year, None):
            # when
            params = {"unit": XINCHENG, **(period.params() if period else {})}
            response = client.get(url(code, **params))
            # then: the page's count (and sum or value) is the figure
            assert response.status_code == 200, (code, response.status_code)
            shown = figure_on(response)
            figure, count = _expected(measure, city_officer, unit, period)
            if shown["count"] != count or shown["rows"] != min(count, 25):
                wrong.append(f"{code} {params}: {shown} != {count} records")
            if measure.sum_field and shown.get("sum") != figure:
                wrong.append(f"{code} {params}: sum {shown.get('sum')} != {figure}")
            elif not measure.sum_field and "value" in shown and shown["value"] != figure:
                wrong.append(f"{code} {params}: value {shown['value']} != {figure}")
            elif not measure.sum_field and "value" not in shown and count != figure:
                wrong.append(f"{code} {params}: figure {figure} is not the count {count}")
            counted[code] = max(counted.get(code, 0), count)
    assert wrong == []
    # and the ledger made records for the figures of every app it covers
    for app in MADE:
        assert any(n for code, n in counted.items() if code.startswith(f"{app}.")), app
    for code in (
        "mediation.accepted",
        "mediation.agreement_amount",
        "correction.received",
        "correction.subjects",
        "legalservice.consultations",
        "legalservice.referrals",
        "workorders.tasks_sent",
        "workorders.replies",
        "governance.reviews",
        "resettlement.visitation_coverage",
    ):
        assert counted[code] > 0, code


def test_the_unit_and_the_period_narrow_the_list(
    ledger: None, city_officer: Any, client_for: Any
) -> None:
    # given
    client = client_for(city_officer)
    year = timezone.localdate().year
    # when: the city, one district, one office; this year and the year before
    city = figure_on(client.get(url("mediation.accepted", unit="610100", year=year)))
    district = figure_on(client.get(url("mediation.accepted", unit=XINCHENG, year=year)))
    office = figure_on(client.get(url("mediation.accepted", unit=WEIQU, year=year)))
    before = figure_on(client.get(url("mediation.accepted", unit=XINCHENG, year=year - 1)))
    # then: two offices made 3 accepted cases each; nothing the year before
    assert (city["count"], district["count"], office["count"], before["count"]) == (6, 3, 3, 0)


def test_a_breakdown_cell_lists_the_records_of_that_value(
    ledger: None, office_clerk: Any, client_for: Any
) -> None:
    # given: 西一路's clerk and the accepted cases by category
    client = client_for(office_clerk)
    measure = registry.get("mediation.accepted")
    unit = Unit.objects.get(code=XIYILU)
    counts = measure.breakdown(office_clerk, "by_category", unit=unit)
    assert counts == {"NEIGHBOUR": 1, "FAMILY": 2}
    for key, n in counts.items():
        # when
        response = client.get(url(measure.code, breakdown="by_category", key=key))
        # then: the cell's figure, and the category named in the title
        assert figure_on(response)["count"] == n
        name = {"NEIGHBOUR": "邻里", "FAMILY": "婚姻家庭"}[key]
        assert name in response.content.decode().split("</h1>")[0]
    # and the cell linked with the report's list parameter (``&category=``) is the same list
    assert figure_on(client.get(url(measure.code, category="FAMILY")))["count"] == 2
    # and an unknown breakdown, or one without a value, is no page
    assert client.get(url(measure.code, breakdown="by_nothing", key="X")).status_code == 404
    assert client.get(url(measure.code, breakdown="by_category")).status_code == 404


def test_a_sum_figure_shows_its_sum_and_its_count(
    ledger: None, office_clerk: Any, client_for: Any
) -> None:
    # given
    client = client_for(office_clerk)
    measure = registry.get("mediation.agreement_amount")
    expected = measure.value(office_clerk, unit=office_clerk.unit)
    # when
    shown = figure_on(client.get(url(measure.code, year=timezone.localdate().year)))
    # then
    assert expected > 0
    assert shown["sum"] == expected
    assert shown["count"] == 2


def test_scope_other_office_is_404_and_a_mediator_on_correction_403(
    ledger: None, office_clerk: Any, mediator: Any, sysadmin: Any, client_for: Any
) -> None:
    clerk = client_for(office_clerk)
    # an office out of the clerk's scope, an unknown unit and an unknown measure: 404
    assert clerk.get(url("mediation.accepted", unit=WEIQU)).status_code == 404
    assert clerk.get(url("mediation.accepted", unit="999999")).status_code == 404
    assert clerk.get(url("nothing.at_all")).status_code == 404
    # a mediator's roles do not reach correction subjects; an administrator sees no records
    assert client_for(mediator).get(url("correction.subjects")).status_code == 403
    assert client_for(sysadmin).get(url("mediation.accepted")).status_code == 403
    # the mediator's own figure is the committee's
    shown = figure_on(client_for(mediator).get(url("mediation.accepted")))
    assert shown["count"] == 3


@pytest.mark.parametrize(
    ("params", "field"),
    [({"year": "19"}, "year"), ({"year": "2024", "month": "13"}, "month"), ({"year": "x"}, "")],
)
def test_a_bad_period_is_refused_in_chinese(
    ledger: None, office_clerk: Any, client_for: Any, params: dict[str, str], field: str
) -> None:
    response = client_for(office_clerk).get(url("mediation.accepted", **params))
    assert response.status_code == 400
    assert re.search(r'role="alert">[^<]*[\u4e00-\u9fff]', response.content.decode())


def test_the_export_has_a_row_per_record_and_is_audited(
    ledger: None, district_reviewer: Any, client_for: Any
) -> None:
    # given: 新城区's reviewer and the district's accepted cases this year
    client = client_for(district_reviewer)
    link = url("mediation.accepted", unit=XINCHENG, year=timezone.localdate().year)
    shown = figure_on(client.get(link))
    exports = AuditEvent.objects.filter(action="export").count()
    # when
    response = client.get(link + "&export=xlsx")
    # then: one row per record under the header, one audit row
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_MIME
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row - 1 == shown["count"] == 3
    assert AuditEvent.objects.filter(action="export").count() == exports + 1


def test_the_export_of_a_sum_figure_carries_the_amounts(
    ledger: None, office_clerk: Any, client_for: Any
) -> None:
    # given
    measure = registry.get("mediation.agreement_amount")
    expected = measure.value(office_clerk, unit=office_clerk.unit)
    # when
    response = client_for(office_clerk).get(url(measure.code, export="xlsx"))
    # then: a row per agreement (header first), the amounts adding up to the figure
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 3
    assert sum(Decimal(str(row[-1])) for row in rows[1:]) == expected > Decimal("120.50")


@pytest.mark.parametrize(
    "code", ["mediation.accepted", "correction.received", "workorders.replies"]
)
def test_the_query_count_does_not_grow_with_the_records(
    code: str,
    office_clerk: Any,
    client_for: Any,
    django_assert_max_num_queries: Any,
) -> None:
    # given: 5 records, then 50 (two pages)
    client = client_for(office_clerk)
    today = timezone.localdate()

    def make(n: int) -> None:
        for _ in range(n):
            if code.startswith("mediation."):
                mediation.accepted(committee="610102001T01", received_on=today)
            elif code.startswith("correction."):
                correction.received(office=XIYILU, received_days_ago=0)
            else:
                task = workorders.send(sender=XINCHENG, sent_on=today - timedelta(days=1))
                reply = workorders.assignment_of(task, XIYILU)
                from sifasuo.workorders import services

                services.reply_submit(
                    actor=office_clerk, assignment=reply, report="已完成。", version=reply.version
                )

    make(5)
    client.get(url(code))  # the session and the caches warm
    with django_assert_max_num_queries(14) as few:
        assert figure_on(client.get(url(code)))["count"] == 5
    make(45)
    # when
    with django_assert_max_num_queries(len(few.captured_queries)):
        shown = figure_on(client.get(url(code)))
    # then
    assert shown["count"] == 50
    assert shown["rows"] == 25
