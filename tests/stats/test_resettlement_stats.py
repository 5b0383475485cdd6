"""The resettlement report: every figure equals a direct count of the ledger.

The documented rule (``sifasuo/resettlement/measures.py``): a released person counts under
the office keeping the file. The files as they stand (on file, key persons, placed, under an
agreement, lost contact, offices with a visitation system) are "now"; releases, hand-overs
(by release date, up to today), placements (result date), visits, re-offending and remote
visits held count by their date. Mediators and administrators see no file: 403.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from sifasuo.orgs.models import Unit
from sifasuo.resettlement import services
from sifasuo.resettlement.choices import HandoverMethod, MeasureResult, ReleaseType
from sifasuo.resettlement.models import (
    AssistanceMeasure,
    AssistanceVisit,
    ReleasedPerson,
    VisitationRequest,
    VisitationSystem,
)
from sifasuo.stats import reports
from sifasuo.stats.specs.resettlement import SPEC
from tests.resettlement import factories

API = "/api/v1/stats/resettlement/"
TODAY = timezone.localdate()
YEARS = (2023, 2024, TODAY.year)
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


def _fresh(rp: ReleasedPerson) -> ReleasedPerson:
    return ReleasedPerson.objects.get(pk=rp.pk)


def _handed_over(office: str, day: date, **kwargs: Any) -> ReleasedPerson:
    rp = factories.awaiting(office=office, released_on=day, notice_received_on=day, **kwargs)
    return services.released_person_hand_over(
        actor=None,
        released_person=rp,
        handed_over_on=day,
        method=HandoverMethod.MET_AT_GATE,
        handed_over_by="值班人员",
        version=rp.version,
    )


def _batch(office: str, day: date, extra: int) -> None:
    # handed over, a team, an agreement, a visit, a placement and a risk assessment
    placed = _handed_over(office, day)
    services.team_member_add(
        actor=None, released_person=placed, name="张帮教", role="OFFICE", joined_on=day
    )
    placed = _fresh(placed)
    services.released_person_sign_agreement(
        actor=None, released_person=placed, signed_on=day + timedelta(1), version=placed.version
    )
    services.visit_record(
        actor=None,
        released_person=_fresh(placed),
        visited_on=day + timedelta(2),
        method="HOME",
        visitors="张帮教",
    )
    services.measure_add(
        actor=None,
        released_person=_fresh(placed),
        kind="EMPLOYMENT",
        started_on=day + timedelta(3),
        result=MeasureResult.PLACED,
        result_on=day + timedelta(8),
    )
    services.risk_assess(
        actor=None, released_person=_fresh(placed), assessed_on=day + timedelta(4), level="LOW"
    )
    # released, never handed over (a hand-over due, not made)
    factories.awaiting(
        office=office, released_on=day, notice_received_on=day, release_type=ReleaseType.DETENTION
    )
    # handed over, then lost contact
    for _ in range(extra):
        lost = _handed_over(office, day, key=True)
        services.released_person_report_lost_contact(
            actor=None,
            released_person=lost,
            lost_contact_on=day + timedelta(5),
            police_reported_on=day + timedelta(6),
            police_station="西一路派出所",
            version=lost.version,
        )
    # handed over, then re-offended
    reoffended = _handed_over(office, day, release_type=ReleaseType.PAROLE_END)
    services.released_person_record_reoffence(
        actor=None,
        released_person=reoffended,
        reoffended_on=day + timedelta(9),
        note="再次盗窃",
        version=reoffended.version,
    )


@pytest.fixture
def ledger(demo: None) -> None:
    """Three offices of two districts (新城区, 长安区), two years, different sizes; remote
    visits held this year; 西一路 and 韦曲 have a visitation terminal, 长乐中路 none."""
    for office, extra in ((XIYILU, 2), (CHANGLE, 0), (WEIQU, 1)):
        for year in (2023, 2024):
            _batch(office, date(year, 3 + extra, 2), extra + (year == 2024))
    # a key person released in the future: awaiting, not released yet
    factories.awaiting(office=XIYILU, released_on=TODAY + timedelta(days=20), key=True)
    for office, n in ((XIYILU, 2), (WEIQU, 1)):
        for _ in range(n):
            booked = factories.booked(office=office)
            services.visitation_record_held(
                actor=None, request=booked, held_on=TODAY, version=booked.version
            )
        services.visitation_system_save(
            actor=None,
            office=Unit.objects.get(code=office),
            installed=True,
            installed_on=date(2024, 1, 1),
            terminal_location="二楼远程探视室",
        )
    factories.visitation(office=CHANGLE)  # applied, not held


def _in(field: str, year: int, month: int | None = None) -> dict[str, date]:
    period = reports.Period(year, month)
    return {f"{field}__gte": period.start, f"{field}__lt": period.end}


def direct(code: str, year: int, month: int | None = None) -> dict[str, int]:
    """The figures, counted straight from the tables by the documented rules."""
    path = Unit.objects.get(code=code).path
    files = ReleasedPerson.objects.filter(unit__path__startswith=path)
    on_file = files.filter(status__in=["ASSISTING", "LOST_CONTACT"])
    released = files.filter(released_on__lte=TODAY, **_in("released_on", year, month))
    placed_ids = AssistanceMeasure.objects.filter(result="PLACED").values("released_person")
    return {
        "on_file": on_file.count(),
        "key_persons": files.filter(
            is_key_person=True, status__in=["AWAITING", "ASSISTING", "LOST_CONTACT"]
        ).count(),
        "placed": on_file.filter(pk__in=placed_ids).count(),
        "assisted": on_file.filter(agreement_signed_on__isnull=False).count(),
        "lost_contact": files.filter(status="LOST_CONTACT").count(),
        "released": released.count(),
        "handover_due": released.count(),
        "handed_over": released.filter(handed_over_on__isnull=False).count(),
        "placements": AssistanceMeasure.objects.filter(
            released_person__unit__path__startswith=path,
            result="PLACED",
            **_in("result_on", year, month),
        ).count(),
        "assistance_visits": AssistanceVisit.objects.filter(
            released_person__unit__path__startswith=path, **_in("visited_on", year, month)
        ).count(),
        "reoffended": files.filter(
            status="REOFFENDED", **_in("reoffended_on", year, month)
        ).count(),
        "visitations": VisitationRequest.objects.filter(
            unit__path__startswith=path, status="HELD", **_in("held_on", year, month)
        ).count(),
        "visitation_coverage": VisitationSystem.objects.filter(
            unit__path__startswith=path, installed=True
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
    report = compute(city_officer, "610102", 2024)
    this_year = compute(city_officer, "610102", TODAY.year).figures
    # then: 西一路 (3 lost contact in 2024, 2 in 2023) and 长乐中路 (1 in 2024, none in 2023)
    figures = report.figures
    assert figures["released"] == figures["handover_due"] == (3 + 3) + (3 + 1)
    assert figures["handed_over"] == (2 + 3) + (2 + 1)
    assert figures["placements"] == figures["assistance_visits"] == 2
    assert figures["reoffended"] == 2
    assert figures["on_file"] == (2 + 5) + (2 + 1)  # the placed of both years and the lost
    assert figures["placed"] == figures["assisted"] == 4
    assert figures["lost_contact"] == 5 + 1
    assert figures["key_persons"] == 6 + 1  # the lost ones and the one released in 20 days
    assert figures["visitation_coverage"] == 1
    assert this_year["visitations"] == 2
    assert report.rates["handover_rate"] == round(8 / 10, 4)
    assert report.rates["placement_rate"] == round(4 / 10, 4)
    assert report.rates["assistance_rate"] == round(4 / 10, 4)


def test_breakdowns_and_comparison(city_officer, ledger):
    for code in ("610100", "610102", WEIQU):
        # given
        path = Unit.objects.get(code=code).path
        released = ReleasedPerson.objects.filter(
            unit__path__startswith=path, released_on__lte=TODAY, **_in("released_on", 2024)
        )
        # when
        report = compute(city_officer, code, 2024)
        # then
        for name, field in (
            ("by_release_type", "release_type"),
            ("by_status", "status"),
            ("by_risk_level", "risk_level"),
        ):
            counted = Counter(v for v in released.values_list(field, flat=True) if v)
            assert report.breakdowns[name] == dict(counted), (code, name)
    by_unit = {row.code: row.total for row in compute(city_officer, "610102", 2024).by_unit}
    assert by_unit == {XIYILU: direct(XIYILU, 2024)["on_file"], CHANGLE: 2 + 1}


def test_a_month_counts_only_that_month(city_officer, ledger):
    # when: 西一路's releases are in May, 长乐中路's in March
    march = compute(city_officer, "610102", 2024, 3).figures
    # then
    assert march == direct("610102", 2024, 3)
    assert march["released"] == 3 + 1


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
def test_who_sees_no_resettlement_file_is_refused(client_for, request, demo, name):
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
    live = {
        "resettlement.released",
        "resettlement.handover_due",
        "resettlement.handed_over",
        "resettlement.placed",
        "resettlement.lost_contact",
        "resettlement.visitation_coverage",
    }
    # when
    measures = [SPEC.measure(key) for key in SPEC.figures]
    # then
    assert {m.code for m in measures if m.live} == live
    assert not any(m.rolls_up for m in measures if m.code in live)
