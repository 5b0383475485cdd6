"""The community-correction report: every figure equals a direct count of the ledger.

The documented rule (``sifasuo/correction/measures.py``): a subject counts under its
executing office; the caseload and the lost-contact figure are "now" (no period); reception,
ending and revocation count by their date; a commendation, admonition or warning when
decided, a proposal of revocation when proposed. Mediators and administrators see no
correction record: 403.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from django.db.models import Q
from django.utils import timezone

from sifasuo.correction import services
from sifasuo.correction.choices import Category, EndReason, MeasureKind, SupervisionClass
from sifasuo.correction.models import CorrectionSubject, DisciplinaryMeasure, SupervisionRequest
from sifasuo.correction.selectors import grace_days
from sifasuo.orgs.models import Unit
from sifasuo.stats import reports
from sifasuo.stats.specs.correction import SPEC
from tests.correction import factories

API = "/api/v1/stats/correction/"
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


def _subject(office: str, day: date, **kwargs: Any) -> CorrectionSubject:
    subject = factories.registered(office=office, effective=day, **kwargs)
    return services.subject_receive(actor=None, subject=subject, received_on=day + timedelta(1))


def _batch(office: str, day: date, extra: int) -> None:
    today = timezone.localdate()
    # in contact: reported and visited today
    kept = _subject(office, day, category=Category.PROBATION)
    services.contact_record(actor=None, subject=kept, kind="IN_PERSON", occurred_on=today)
    services.contact_record(actor=None, subject=kept, kind="FIELD_VISIT", occurred_on=today)
    services.measure_record(
        actor=None,
        subject=kept,
        kind=MeasureKind.COMMENDATION,
        facts="表现良好",
        proposed_on=day + timedelta(days=3),
    )
    # out of contact since reception, admonished, warned, proposed for revocation
    lost = _subject(
        office, day, category=Category.PAROLE, supervision_class=SupervisionClass.NORMAL
    )
    for kind in (MeasureKind.ADMONITION, MeasureKind.WARNING, MeasureKind.REVOCATION):
        measure = services.measure_record(
            actor=None, subject=lost, kind=kind, facts="未按时报到", proposed_on=day + timedelta(4)
        )
        if kind == MeasureKind.WARNING:
            services.measure_decide(
                actor=None,
                measure=measure,
                approve=True,
                note="",
                decided_on=day + timedelta(days=6),
            )
    # revoked
    for _ in range(1 + extra):
        revoked = _subject(office, day, category=Category.CONTROL)
        services.subject_end(
            actor=None,
            subject=revoked,
            reason=EndReason.REVOCATION,
            ended_on=day + timedelta(days=10),
        )
    # a short period, completed
    if extra:
        done = factories.registered(
            office=office,
            effective=day,
            period_start=day,
            period_end=day + timedelta(days=12),
            category=Category.MEDICAL_PAROLE,
        )
        done = services.subject_receive(actor=None, subject=done, received_on=day)
        services.subject_end(
            actor=None, subject=done, reason=EndReason.PERIOD_END, ended_on=day + timedelta(13)
        )
    # registered, never reported in
    factories.registered(office=office, effective=day)


@pytest.fixture
def ledger(demo: None) -> None:
    """Three offices of two districts (新城区, 长安区), two years, different sizes."""
    for office, extra in ((XIYILU, 2), (CHANGLE, 0), (WEIQU, 1)):
        for year in YEARS:
            _batch(office, date(year, 3 + extra, 2), extra + (year == 2024))


def _in(field: str, year: int, month: int | None = None) -> dict[str, date]:
    period = reports.Period(year, month)
    return {f"{field}__gte": period.start, f"{field}__lt": period.end}


def direct(code: str, year: int, month: int | None = None) -> dict[str, int]:
    """The figures, counted straight from the tables by the documented rules."""
    path = Unit.objects.get(code=code).path
    subjects = CorrectionSubject.objects.filter(unit__path__startswith=path)
    before = timezone.localdate() - timedelta(days=grace_days())
    lost = subjects.filter(
        Q(status="AWAITING_REPORT", report_in_due__lt=before)
        | Q(status="UNDER_CORRECTION", report_due__lt=before)
        | Q(status="UNDER_CORRECTION", visit_due__lt=before)
    )
    ended = subjects.filter(
        status__in=["ENDED", "REVOKED", "DECEASED"], **_in("ended_on", year, month)
    )
    measures = DisciplinaryMeasure.objects.filter(subject__unit__path__startswith=path)
    decided = measures.filter(status="DECIDED", **_in("decided_on", year, month))
    return {
        "under_correction": subjects.filter(status="UNDER_CORRECTION").count(),
        "lost_contact": lost.count(),
        "received": subjects.filter(**_in("received_on", year, month)).count(),
        "ended": ended.count(),
        "revoked": ended.filter(end_reason__in=["REVOCATION", "IMPRISONMENT"]).count(),
        "commendations": decided.filter(kind="COMMENDATION").count(),
        "admonitions": decided.filter(kind="ADMONITION").count(),
        "warnings": decided.filter(kind="WARNING").count(),
        "revocation_proposals": measures.filter(
            kind="REVOCATION", **_in("proposed_on", year, month)
        ).count(),
    }


def compute(user: Any, code: str, year: int, month: int | None = None) -> reports.ModuleReport:
    unit = Unit.objects.get(code=code)
    return reports.compute(SPEC, user=user, unit=unit, period=reports.Period(year, month))


def test_every_figure_is_the_direct_count(city_officer, ledger):
    # given: no leave is open, so a missed report or visit is what loses contact
    assert not SupervisionRequest.objects.exists()
    expected = {(code, year): direct(code, year) for code in UNITS for year in YEARS}
    # when
    figures = {key: compute(city_officer, *key).figures for key in expected}
    # then
    assert figures == expected


def test_the_ledger_is_not_empty_where_it_matters(city_officer, ledger):
    # when
    report = compute(city_officer, "610102", 2024)
    # then: 西一路 (extra 3 in 2024) and 长乐中路 (extra 1)
    figures = report.figures
    assert figures["received"] == (2 + 4 + 1) + (2 + 2 + 1)
    assert figures["revoked"] == 4 + 2
    assert figures["ended"] == (4 + 1) + (2 + 1)
    assert figures["commendations"] == figures["admonitions"] == figures["warnings"] == 2
    assert figures["revocation_proposals"] == 2
    # now: both years' "kept" subjects are in correction, the "lost" ones out of contact,
    # and the two who never reported in are past their report-in day
    assert figures["under_correction"] == 2 * 2 * 2
    assert figures["lost_contact"] == 2 * 2 * 2
    assert report.rates["lost_contact_rate"] == 1.0


def test_breakdowns_and_the_lost_contact_board(city_officer, ledger):
    for code in ("610100", "610102", WEIQU):
        # given
        path = Unit.objects.get(code=code).path
        received = CorrectionSubject.objects.filter(
            unit__path__startswith=path, **_in("received_on", 2023)
        )
        # when
        report = compute(city_officer, code, 2023)
        # then
        assert report.breakdowns["by_category"] == dict(
            Counter(received.values_list("category", flat=True))
        )
        assert report.breakdowns["by_class"] == dict(
            Counter(received.values_list("supervision_class", flat=True))
        )
    board = {row.code: row.total for row in compute(city_officer, "610100", 2023).by_unit}
    assert board == {
        "610102": direct("610102", 2023)["lost_contact"],
        "610116": direct("610116", 2023)["lost_contact"],
    }


def test_a_month_counts_only_that_month(city_officer, ledger):
    # when: 西一路's events are in May, 长乐中路's in March
    may = compute(city_officer, "610102", 2024, 5).figures
    # then
    assert may == direct("610102", 2024, 5)
    assert may["received"] == 2 + 4 + 1
    assert may["under_correction"] == direct("610102", 2024)["under_correction"]


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
    assert other.status_code == 404
    assert district.status_code == 404


def test_a_district_user_sees_the_sum_of_their_offices(client_for, district_reviewer, ledger):
    # when
    body = client_for(district_reviewer).get(API, {"year": 2023}).json()
    weiqu = client_for(district_reviewer).get(API, {"year": 2023, "unit": WEIQU})
    # then
    assert set(body) == KEYS
    xiyilu, changle = direct(XIYILU, 2023), direct(CHANGLE, 2023)
    assert {key: body[key] for key in SPEC.figures} == {
        key: xiyilu[key] + changle[key] for key in SPEC.figures
    }
    assert weiqu.status_code == 404


def test_the_schema_documents_every_key(client_for, office_clerk):
    # when
    schema = client_for(office_clerk).get("/api/schema/?format=json").json()
    # then
    ref = schema["paths"][API]["get"]["responses"]["200"]["content"]["application/json"]
    name = ref["schema"]["$ref"].rsplit("/", 1)[-1]
    assert set(schema["components"]["schemas"][name]["properties"]) == KEYS


@pytest.mark.parametrize("name", ["mediator", "sysadmin", "secadmin", "auditadmin", "citizen"])
def test_who_sees_no_correction_record_is_refused(client_for, request, demo, name):
    # given
    client = client_for(request.getfixturevalue(name))
    # when
    response = client.get(API, {"year": 2024})
    with_unit = client.get(API, {"year": 2024, "unit": "610102"})
    # then
    assert response.status_code == 403
    assert with_unit.status_code == 403


def test_the_figures_of_today_are_live_and_never_rolled_up():
    # given: what depends on today's date or on rows outside the record counted
    live = {"correction.lost_contact"}
    # when
    measures = [SPEC.measure(key) for key in SPEC.figures]
    # then
    assert {m.code for m in measures if m.live} == live
    assert not any(m.rolls_up for m in measures if m.code in live)
