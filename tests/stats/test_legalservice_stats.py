"""The legal services and satisfaction report: every figure equals a direct count of the ledgers.

The documented rules (``sifasuo/legalservice/measures.py``, ``sifasuo/portal/measures.py``):
a consultation, a legal aid pre-application, an appointment and a window log line count
under the office that recorded it, by its own date (received, transferred, decided, the
appointment's day, the day served); a rating under the office of the rated application, on
the day rated; a follow-up under its office, when opened (or closed). Overdue figures are
"now".
"""

from __future__ import annotations

from collections import Counter
from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import F, Sum
from django.utils import timezone

from sifasuo.legalservice import services
from sifasuo.legalservice.choices import AppointmentStatus, CentreDecision, Channel, Referral
from sifasuo.legalservice.models import (
    Appointment,
    Consultation,
    LegalAidApplication,
    ServiceWindow,
    WindowServiceLog,
)
from sifasuo.orgs.models import Unit
from sifasuo.portal import services as portal_services
from sifasuo.portal.models import FollowUp, Rating
from sifasuo.stats import reports
from sifasuo.stats.specs.legalservice import SPEC
from tests.legalservice import factories
from tests.portal import factories as portal_factories

API = "/api/v1/stats/legalservice/"
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
SATISFIED = ("VERY_SATISFIED", "SATISFIED", "BASICALLY_SATISFIED")
POOR = ("DISSATISFIED", "VERY_DISSATISFIED")


def _consultations(office: str, day: date, extra: int) -> None:
    factories.consultation(unit=office, received_on=day)
    factories.consultation(
        unit=office,
        received_on=day,
        channel=Channel.PHONE,
        topic=factories.topic("FAMILY"),
        referral=Referral.LAWYER,
    )
    for n in range(extra):
        factories.consultation(unit=office, received_on=day + timedelta(days=n), channel="HOTLINE")
    # online: one answered on its day, one answered after the due date, one never answered
    on_time = services.consultation_create(
        actor=None,
        office=factories.office(office),
        channel=Channel.ONLINE,
        topic=factories.topic("DEBT"),
        question="网上提问：借款不还。",
        received_on=day,
    )
    services.consultation_answer(
        actor=None, consultation=on_time, answer="可起诉。", answered_on=day
    )
    late = services.consultation_create(
        actor=None,
        office=factories.office(office),
        channel=Channel.ONLINE,
        topic=factories.topic(),
        question="网上提问：工资被拖欠。",
        received_on=day,
    )
    assert late.answer_due is not None
    services.consultation_answer(
        actor=None, consultation=late, answer="可仲裁。", answered_on=late.answer_due + timedelta(1)
    )
    services.consultation_create(
        actor=None,
        office=factories.office(office),
        channel=Channel.ONLINE,
        topic=factories.topic(),
        question="网上提问：没人回答。",
        received_on=day,
    )


def _legal_aid(office: str, day: date, extra: int) -> None:
    factories.legal_aid(unit=office, received_on=day)
    for n in range(1 + extra):
        aid = factories.legal_aid(unit=office, received_on=day)
        aid = services.legal_aid_set_materials(
            actor=None, application=aid, materials=aid.case_type.material_list
        )
        aid = services.legal_aid_transfer(
            actor=None, application=aid, transferred_on=day + timedelta(days=1)
        )
        if n == 0:
            services.legal_aid_record_decision(
                actor=None,
                application=aid,
                decision=CentreDecision.ACCEPTED,
                decided_on=day + timedelta(days=5),
            )


def _appointments(office: str, day: date, extra: int) -> None:
    slot = factories.slot(unit=office, day=day, capacity=10, start=time(9, 0))
    outcomes = [AppointmentStatus.KEPT, AppointmentStatus.NO_SHOW, None] + [
        AppointmentStatus.KEPT
    ] * extra
    for status in outcomes:
        appointment = factories.appointment(slot_=slot)
        if status:
            services.appointment_record_outcome(
                actor=None, appointment=appointment, status=status, on=day
            )


def _windows(office: str, day: date, extra: int) -> None:
    for n in range(1 + extra):
        services.window_log_create(
            actor=None,
            office=factories.office(office),
            served_on=day,
            window=ServiceWindow.objects.get(code="GENERAL"),
            matter="咨询引导",
            people_served=2 + n,
            minutes=20,
        )


def _ratings(office: str, day: date, extra: int) -> None:
    levels = ["VERY_SATISFIED", "DISSATISFIED"] + ["SATISFIED", "VERY_DISSATISFIED"][:extra]
    for level in levels:
        envelope = portal_factories.completed(office=office, received_on=day - timedelta(days=3))
        portal_services.rating_create(
            citizen=envelope.citizen, application=envelope, level=level, on=day
        )
    first = FollowUp.objects.filter(unit__code=office, opened_on=day).order_by("pk")[0]
    portal_services.followup_record_call(
        actor=None,
        followup=first,
        called_on=day + timedelta(days=2),
        reached="APPLICANT",
        outcome="已说明情况",
        rectification="改进接待流程",
        close=True,
    )


@pytest.fixture
def ledger(demo: None) -> None:
    """Three offices of two districts (新城区, 长安区), two years, different sizes."""
    for office, extra in ((XIYILU, 2), (CHANGLE, 0), (WEIQU, 1)):
        for year in YEARS:
            day = date(year, 3 + extra, 10)
            more = extra + (year == 2024)
            _consultations(office, day, more)
            _legal_aid(office, day, more)
            _appointments(office, day, more)
            _windows(office, day, more)
            _ratings(office, day, more)


def _in(field: str, year: int, month: int | None = None) -> dict[str, date]:
    period = reports.Period(year, month)
    return {f"{field}__gte": period.start, f"{field}__lt": period.end}


def direct(code: str, year: int, month: int | None = None) -> dict[str, Any]:
    """The figures, counted straight from the tables by the documented rules."""
    path = Unit.objects.get(code=code).path
    today = timezone.localdate()
    cons = Consultation.objects.filter(unit__path__startswith=path)
    cons_y = cons.filter(**_in("received_on", year, month))
    online = cons_y.filter(channel="ONLINE")
    aid = LegalAidApplication.objects.filter(unit__path__startswith=path)
    appts = Appointment.objects.filter(unit__path__startswith=path, **_in("date", year, month))
    windows = WindowServiceLog.objects.filter(
        unit__path__startswith=path, **_in("served_on", year, month)
    )
    ratings = Rating.objects.filter(
        application__unit__path__startswith=path, **_in("rated_on", year, month)
    )
    followups = FollowUp.objects.filter(unit__path__startswith=path)
    people = windows.aggregate(n=Sum("people_served"))["n"] or 0
    return {
        "consultations": cons_y.count(),
        "online_consultations": online.count(),
        "online_answered_on_time": online.filter(answered_on__lte=F("answer_due")).count(),
        "online_overdue": cons_y.filter(status="PENDING", answer_due__lt=today).count(),
        "referrals": cons_y.exclude(referral="").count(),
        "legal_aid_applications": aid.filter(**_in("received_on", year, month)).count(),
        "legal_aid_transfers": aid.filter(**_in("transferred_on", year, month)).count(),
        "legal_aid_granted": aid.filter(
            decision="ACCEPTED", **_in("decided_on", year, month)
        ).count(),
        "appointments": appts.count(),
        "appointments_kept": appts.filter(status="KEPT").count(),
        "appointments_no_show": appts.filter(status="NO_SHOW").count(),
        "window_services": windows.count(),
        "window_people_served": Decimal(people),
        "ratings": ratings.count(),
        "satisfied_ratings": ratings.filter(level__in=SATISFIED).count(),
        "poor_ratings": ratings.filter(level__in=POOR).count(),
        "followups": followups.filter(**_in("opened_on", year, month)).count(),
        "followups_closed": followups.filter(
            status="CLOSED", **_in("closed_on", year, month)
        ).count(),
        "followups_overdue": followups.filter(status="OPEN", due_on__lt=today).count(),
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
    figures = compute(city_officer, "610102", 2024).figures
    # then: 西一路 (2 + 1 extra) and 长乐中路 (0 + 1 extra) in 2024
    assert figures["consultations"] == (5 + 3) + (5 + 1)
    assert figures["online_consultations"] == 6
    assert figures["online_answered_on_time"] == 2
    assert figures["online_overdue"] == 2
    assert figures["referrals"] == 2
    assert figures["legal_aid_applications"] == (1 + 4) + (1 + 2)
    assert figures["legal_aid_transfers"] == 4 + 2
    assert figures["legal_aid_granted"] == 2
    assert figures["appointments_kept"] == (1 + 3) + (1 + 1)
    assert figures["appointments_no_show"] == 2
    assert figures["ratings"] == 4 + 3
    assert figures["satisfied_ratings"] == 2 + 2
    assert figures["poor_ratings"] == 2 + 1
    assert figures["followups"] == 3
    assert figures["followups_closed"] == 2
    assert figures["window_people_served"] == (2 + 3 + 4 + 5) + (2 + 3)


def test_rates_breakdowns_and_comparison_agree_with_the_ledger(city_officer, ledger):
    for code in ("610102", XIYILU, WEIQU):
        check_rates_and_breakdowns(city_officer, code)
    # the comparison: 新城区's offices, each its own direct count
    report = compute(city_officer, "610102", 2024)
    children = {row.code: row.total for row in report.by_unit}
    assert children == {
        XIYILU: direct(XIYILU, 2024)["consultations"],
        CHANGLE: direct(CHANGLE, 2024)["consultations"],
    }
    assert sum(children.values()) == report.figures["consultations"]


def check_rates_and_breakdowns(user: Any, code: str) -> None:
    # given
    path = Unit.objects.get(code=code).path
    consultations = Consultation.objects.filter(
        unit__path__startswith=path, **_in("received_on", 2024)
    )
    expected = direct(code, 2024)
    # when
    report = compute(user, code, 2024)
    # then
    assert report.rates["satisfaction_rate"] == round(
        expected["satisfied_ratings"] / expected["ratings"], 4
    )
    assert report.rates["online_on_time_rate"] == round(
        expected["online_answered_on_time"] / expected["online_consultations"], 4
    )
    assert report.rates["appointment_kept_rate"] == round(
        expected["appointments_kept"] / expected["appointments"], 4
    )
    assert report.breakdowns["by_channel"] == dict(
        Counter(consultations.values_list("channel", flat=True))
    )
    assert report.breakdowns["by_topic"] == dict(
        Counter(consultations.values_list("topic__code", flat=True))
    )
    assert report.breakdowns["by_referral"] == dict(
        Counter(consultations.exclude(referral="").values_list("referral", flat=True))
    )


def test_a_month_counts_only_that_month(city_officer, ledger):
    # when: 西一路's records are in May, 长乐中路's in March
    may = compute(city_officer, "610102", 2024, 5).figures
    march = compute(city_officer, "610102", 2024, 3).figures
    # then
    assert may == direct("610102", 2024, 5)
    assert march == direct("610102", 2024, 3)
    assert may["consultations"] == 8
    assert march["consultations"] == 6


def test_an_office_user_sees_only_their_office(client_for, office_clerk, ledger):
    # when
    report = compute(office_clerk, XIYILU, 2024)
    own = client_for(office_clerk).get(API, {"year": 2024})
    other = client_for(office_clerk).get(API, {"year": 2024, "unit": WEIQU})
    district = client_for(office_clerk).get(API, {"year": 2024, "unit": "610102"})
    # then
    assert report.figures == direct(XIYILU, 2024)
    assert own.status_code == 200
    assert own.json()["unit"] == XIYILU
    assert own.json()["consultations"] == direct(XIYILU, 2024)["consultations"]
    assert other.status_code == 404
    assert district.status_code == 404


def test_a_district_user_sees_the_sum_of_their_offices(client_for, district_reviewer, ledger):
    # when
    response = client_for(district_reviewer).get(API, {"year": 2023})
    weiqu = client_for(district_reviewer).get(API, {"year": 2023, "unit": WEIQU})
    # then
    body = response.json()
    xiyilu, changle = direct(XIYILU, 2023), direct(CHANGLE, 2023)
    for key in ("consultations", "legal_aid_transfers", "appointments_kept", "ratings"):
        assert body[key] == xiyilu[key] + changle[key], key
    assert body["by_unit"] == [
        {"code": XIYILU, "name": "西一路街道司法所", "total": xiyilu["consultations"]},
        {"code": CHANGLE, "name": "长乐中路街道司法所", "total": changle["consultations"]},
    ]
    assert weiqu.status_code == 404


def test_the_api_answers_every_key_of_the_spec(client_for, city_officer, ledger):
    # when
    response = client_for(city_officer).get(API, {"year": 2024, "unit": "610100"})
    # then
    assert response.status_code == 200
    body = response.json()
    assert set(body) == KEYS
    expected = direct("610100", 2024)
    assert Decimal(body.pop("window_people_served")) == expected.pop("window_people_served")
    assert {key: body[key] for key in expected} == expected


def test_the_schema_documents_every_key(client_for, office_clerk):
    # when
    schema = client_for(office_clerk).get("/api/schema/?format=json").json()
    # then
    assert API in schema["paths"]
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
    live = {"legalservice.online_overdue", "portal.followups_overdue"}
    # when
    measures = [SPEC.measure(key) for key in SPEC.figures]
    # then
    assert {m.code for m in measures if m.live} == live
    assert not any(m.rolls_up for m in measures if m.code in live)
