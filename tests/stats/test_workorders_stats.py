"""The tasks-from-above report: every figure equals a direct count of the ledger.

The documented rule (``sifasuo/workorders/measures.py``): a task sent counts under the
bureau that sent it, on the day sent; a task received under each office it was sent to, on
that day; a reply under the office, on the day of its first submission, on time when that
day is not after the task's due date; a notice read once per user, under the reader's
office, on the local day of the first read. "Awaiting past the due date" is "now".
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time
from typing import Any

import pytest
from django.db.models import F
from django.utils import timezone

from sifasuo.orgs.models import Unit
from sifasuo.stats import reports
from sifasuo.stats.specs.workorders import SPEC
from sifasuo.workorders import services
from sifasuo.workorders.models import Assignment, NoticeReceipt, Task
from tests.workorders import factories

API = "/api/v1/stats/workorders/"
YEARS = (2023, 2024)
XIYILU, CHANGLE, WEIQU = "610102001", "610102002", "610116001"
UNITS = (XIYILU, CHANGLE, WEIQU, "610102", "610116", "610100")
KEYS = {
    "unit",
    "unit_name",
    "year",
    "month",
    *SPEC.figures,
    *SPEC.rates,
    *SPEC.breakdowns,
    "by_unit",
}


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def _reply(task: Task, office: str, day: date) -> Assignment:
    assignment = factories.assignment_of(task, office)
    return services.reply_submit(
        actor=None, assignment=assignment, report="已按要求排查。", version=None, at=_at(day)
    )


def _offices(*codes: str) -> list[Unit]:
    return list(Unit.objects.filter(code__in=codes).order_by("code"))


def _year(year: int, readers: list[Any]) -> None:
    # 新城区 to its two offices; the city to three offices; 长安区 to 韦曲
    xincheng = factories.send(
        sender="610102", offices=_offices(XIYILU, CHANGLE), sent_on=date(year, 3, 1)
    )
    city = factories.send(
        sender="610100", offices=_offices(XIYILU, CHANGLE, WEIQU), sent_on=date(year, 6, 1)
    )
    # 韦曲 never replies to 长安区's task: past due, awaiting the office
    factories.send(sender="610116", offices=_offices(WEIQU), sent_on=date(year, 4, 1))
    _reply(xincheng, XIYILU, date(year, 3, 5))  # on time
    _reply(xincheng, CHANGLE, date(year, 3, 20))  # late
    _reply(city, XIYILU, date(year, 6, 3))  # on time
    late = _reply(city, WEIQU, date(year, 6, 30))  # late, then returned for rework
    if year == 2024:
        services.reply_return(
            actor=None, assignment=late, note="请补充材料", version=None, at=_at(date(year, 7, 2))
        )
        services.reply_accept(
            actor=None,
            assignment=factories.assignment_of(city, XIYILU),
            version=None,
            at=_at(date(year, 6, 5)),
        )
    # nor 长乐中路 to the city's
    notice = factories.publish(sender="610102")
    for n, reader in enumerate(readers):
        services.notice_read(actor=reader, notice=notice, at=_at(date(year, 3, 10 + n)))


@pytest.fixture
def ledger(office_clerk: Any, office_director: Any, other_clerk: Any) -> None:
    """Tasks from the city, 新城区 and 长安区 to three offices of two districts, two years."""
    _year(2023, [office_clerk])
    _year(2024, [office_clerk, office_director])
    city_notice = factories.publish(sender="610100", offices=_offices(WEIQU))
    services.notice_read(actor=other_clerk, notice=city_notice, at=_at(date(2024, 8, 1)))


def _in(field: str, year: int, month: int | None = None) -> dict[str, date]:
    period = reports.Period(year, month)
    return {f"{field}__gte": period.start, f"{field}__lt": period.end}


def direct(code: str, year: int, month: int | None = None) -> dict[str, int]:
    """The figures, counted straight from the tables by the documented rules."""
    path = Unit.objects.get(code=code).path
    period = reports.Period(year, month)
    assignments = Assignment.objects.filter(unit__path__startswith=path)
    replies = assignments.filter(**_in("first_submitted_on", year, month))
    return {
        "tasks_sent": Task.objects.filter(
            unit__path__startswith=path, **_in("sent_on", year, month)
        ).count(),
        "tasks_received": assignments.filter(**_in("task__sent_on", year, month)).count(),
        "replies": replies.count(),
        "replies_on_time": replies.filter(first_submitted_on__lte=F("task__due_on")).count(),
        "replies_late": replies.filter(first_submitted_on__gt=F("task__due_on")).count(),
        "awaiting_overdue": assignments.filter(
            status__in=["PENDING", "DRAFT", "RETURNED"], task__due_on__lt=timezone.localdate()
        ).count(),
        "notices_read": NoticeReceipt.objects.filter(
            unit__path__startswith=path,
            read_at__date__gte=period.start,
            read_at__date__lt=period.end,
        ).count(),
    }


def compute(user: Any, code: str, year: int, month: int | None = None) -> reports.ModuleReport:
    unit = Unit.objects.get(code=code)
    return reports.compute(SPEC, user=user, unit=unit, period=reports.Period(year, month))


def test_every_figure_is_the_direct_count(city_officer, ledger):
    # given
    expected = {(code, year): direct(code, year) for code in UNITS for year in YEARS}
    # when
    figures = {key: compute(city_officer, *key).figures for key in expected}
    # then
    assert figures == expected


def test_the_ledger_is_not_empty_where_it_matters(city_officer, ledger):
    # when
    city = compute(city_officer, "610100", 2024)
    xincheng = compute(city_officer, "610102", 2024).figures
    # then
    assert city.figures["tasks_sent"] == 3
    assert city.figures["tasks_received"] == 6
    assert city.figures["replies"] == 4
    assert city.figures["replies_on_time"] == 2
    assert city.figures["replies_late"] == 2
    assert city.rates["on_time_rate"] == 0.5
    # now: 长乐中路 and 韦曲 owe a task of each year, 韦曲 the returned reply of 2024
    assert city.figures["awaiting_overdue"] == 2 + 2 + 1
    assert city.figures["notices_read"] == 3
    assert xincheng["tasks_sent"] == 1  # the city's task counts under the city
    assert xincheng["tasks_received"] == 4
    assert xincheng["notices_read"] == 2


def test_breakdowns_and_comparison(city_officer, ledger):
    for code in ("610100", "610102", WEIQU):
        # given
        path = Unit.objects.get(code=code).path
        replies = Assignment.objects.filter(
            unit__path__startswith=path, **_in("first_submitted_on", 2024)
        )
        # when
        report = compute(city_officer, code, 2024)
        # then
        assert report.breakdowns["by_status"] == dict(
            Counter(replies.values_list("status", flat=True))
        )
        assert report.breakdowns["by_sender"] == dict(
            Counter(replies.values_list("task__unit__code", flat=True))
        )
    by_unit = {row.code: row.total for row in compute(city_officer, "610100", 2024).by_unit}
    assert by_unit == {"610102": 3, "610116": 1}


def test_a_month_counts_only_that_month(city_officer, ledger):
    # when
    march = compute(city_officer, "610102", 2024, 3).figures
    # then
    assert march == direct("610102", 2024, 3)
    assert march["replies"] == 2
    assert march["replies_on_time"] == 1


def test_an_office_user_sees_only_their_office(client_for, office_clerk, ledger):
    # given
    client = client_for(office_clerk)
    # when
    own = client.get(API, {"year": 2024})
    other = client.get(API, {"year": 2024, "unit": WEIQU})
    district = client.get(API, {"year": 2024, "unit": "610102"})
    # then
    assert own.status_code == 200
    body = own.json()
    assert body["unit"] == XIYILU
    assert {key: body[key] for key in SPEC.figures} == direct(XIYILU, 2024)
    assert body["tasks_received"] == 2
    assert other.status_code == 404
    assert district.status_code == 404


def test_a_district_user_sees_the_sum_of_their_offices(client_for, district_reviewer, ledger):
    # when
    body = client_for(district_reviewer).get(API, {"year": 2023}).json()
    weiqu = client_for(district_reviewer).get(API, {"year": 2023, "unit": WEIQU})
    # then
    assert set(body) == KEYS
    xiyilu, changle = direct(XIYILU, 2023), direct(CHANGLE, 2023)
    for key in ("tasks_received", "replies", "replies_on_time", "replies_late", "notices_read"):
        assert body[key] == xiyilu[key] + changle[key], key
    assert body["tasks_sent"] == direct("610102", 2023)["tasks_sent"] == 1
    assert weiqu.status_code == 404


def test_the_schema_documents_every_key(client_for, office_clerk):
    # when
    schema = client_for(office_clerk).get("/api/schema/?format=json").json()
    # then
    ref = schema["paths"][API]["get"]["responses"]["200"]["content"]["application/json"]
    name = ref["schema"]["$ref"].rsplit("/", 1)[-1]
    assert set(schema["components"]["schemas"][name]["properties"]) == KEYS


@pytest.mark.parametrize("name", ["sysadmin", "secadmin", "auditadmin", "citizen"])
def test_who_sees_no_business_record_is_refused(client_for, request, demo, name):
    # when
    response = client_for(request.getfixturevalue(name)).get(API, {"year": 2024})
    # then
    assert response.status_code == 403


def test_the_figures_of_today_are_live_and_never_rolled_up():
    # given: what depends on today's date or on rows outside the record counted
    live = {
        "workorders.replies_on_time",
        "workorders.replies_late",
        "workorders.awaiting_overdue",
    }
    # when
    measures = [SPEC.measure(key) for key in SPEC.figures]
    # then
    assert {m.code for m in measures if m.live} == live
    assert not any(m.rolls_up for m in measures if m.code in live)
