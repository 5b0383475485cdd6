"""The rule-of-law report agrees with a direct count of the governance ledgers.

The documented rule (``sifasuo/governance/measures.py``): a legality review counts under its
office in the period it was received; supervision by the date held, its rectification
requests by the date requested under the activity's office; opinions by the date submitted;
juror candidates by the draw date of their round; three-rules entries (submitted) by the
date of the inquiry. Reviews open and rectifications overdue are counted now.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from django.db.models import F, Sum
from django.http import Http404
from django.utils import timezone

from sifasuo.governance import services
from sifasuo.governance.choices import (
    Adoption,
    CandidateResult,
    Conclusion,
    Consent,
    InterferenceCategory,
    MatterType,
    OpinionSource,
)
from sifasuo.governance.models import (
    InterferenceRecord,
    JurorCandidate,
    LegalityReview,
    Opinion,
    RectificationRequest,
    SupervisionActivity,
)
from sifasuo.orgs.models import Unit
from sifasuo.stats import reports
from sifasuo.stats.specs.governance import SPEC
from tests.governance import factories as f

pytestmark = pytest.mark.django_db

XIYILU, WEIQU = "610102001", "610116001"
YEARS = (2023, 2024)
CODES = ("610100", "610102", XIYILU, "610116", WEIQU)
API = "/api/v1/stats/governance/"
REGISTERED = pytest.mark.skipif(
    "governance" not in reports.REPORTS,
    reason="the API route appears once stats.specs.SPECS lists the governance report",
)


def _issue(review: LegalityReview, day: date, conclusion: str = Conclusion.LAWFUL) -> None:
    services.review_issue_opinion(
        actor=None,
        review=review,
        conclusion=conclusion,
        opinion_text="合法。",
        issued_on=day,
        checks=f.checks() if conclusion == Conclusion.LAWFUL else f.checks(fail="AUTHORITY"),
    )


def _entry(code: str, day: date, *, submit: bool = True) -> InterferenceRecord:
    return services.interference_create(
        actor=None,
        unit=f.unit(code),
        occurred_on=day,
        category=InterferenceCategory.INSIDER,
        who="某机关工作人员",
        case_reference="调解案件",
        what_asked="询问进展",
        handling="拒绝透露",
        reported_to="区司法局",
        submit=submit,
    )


@pytest.fixture
def ledger() -> None:
    """Two offices in two districts, records dated in 2023 and 2024."""
    # legality reviews: 西一路 2024 one issued on time, one late, one open; 韦曲 2023 open
    on_time = f.review(received_on=date(2024, 3, 1))
    _issue(on_time, date(2024, 3, 4))
    late = f.review(received_on=date(2024, 4, 1), matter_type=MatterType.CONTRACT)
    _issue(late, late.due_on + timedelta(days=3), Conclusion.UNLAWFUL)
    f.review(received_on=date(2024, 9, 1))
    f.review(office=WEIQU, received_on=date(2023, 6, 1))
    # supervision: 西一路 2024 with two requests (one done), 韦曲 2023
    activity = f.activity(held_on=date(2024, 4, 10), problems_found=2)
    done = services.rectification_request(
        actor=None, activity=activity, issue="补充法制审核意见", requested_on=date(2024, 4, 11)
    )
    services.rectification_close(
        actor=None,
        rectification=done,
        status="DONE",
        result="已补充",
        completed_on=date(2024, 5, 1),
    )
    services.rectification_request(
        actor=None, activity=activity, issue="规范送达程序", requested_on=date(2024, 4, 12)
    )
    f.activity(office=WEIQU, held_on=date(2023, 8, 1), problems_found=1)
    # legislative opinions gathered by both offices on a city draft, one adopted
    draft = f.draft(opens_on=date(2024, 5, 1), closes_on=timezone.localdate() + timedelta(days=5))
    for code, day in (
        (XIYILU, date(2024, 5, 20)),
        (XIYILU, date(2024, 6, 2)),
        (WEIQU, date(2024, 6, 3)),
    ):
        opinion = services.opinion_record(
            actor=None,
            unit=f.unit(code),
            draft=draft,
            text="建议明确适用范围。",
            submitted_on=day,
            source=OpinionSource.LAWYER,
        )
    services.opinion_answer(actor=None, opinion=opinion, adoption=Adoption.ADOPTED)
    # a juror round of 新城区 drawn in 2024, one candidate selected
    for n in range(6):
        f.person(office=XIYILU if n % 2 == 0 else "610102002", name=f"候选{n}")
    juror_round = services.round_draw(
        actor=None, juror_round=f.juror_round(), draw_date=date(2024, 8, 1), seed="stats-seed"
    )
    candidate = juror_round.candidates.order_by("draw_position").first()
    services.candidate_verify(
        actor=None,
        candidate=candidate,
        grounds=[],
        consent=Consent.AGREED,
        verified_on=date(2024, 8, 5),
    )
    services.candidate_decide(actor=None, candidate=candidate, result=CandidateResult.SELECTED)
    # three rules: two submitted (2023 韦曲, 2024 西一路), one draft
    _entry(WEIQU, date(2023, 2, 1))
    _entry(XIYILU, date(2024, 2, 1))
    _entry(XIYILU, date(2024, 2, 2), submit=False)


def _path(code: str) -> str:
    return Unit.objects.get(code=code).path


def _in_year(field: str, year: int) -> dict[str, date]:
    return {f"{field}__gte": date(year, 1, 1), f"{field}__lt": date(year + 1, 1, 1)}


def expected(code: str, year: int) -> dict[str, Any]:
    """The documented rule, counted directly from the tables."""
    path = _path(code)
    today = timezone.localdate()
    mine = {"unit__path__startswith": path}
    reviews = LegalityReview.objects.filter(**mine, **_in_year("received_on", year))
    issued = reviews.filter(opinion_issued_on__isnull=False)
    open_reviews = LegalityReview.objects.filter(**mine, status__in=["REGISTERED", "IN_REVIEW"])
    activities = SupervisionActivity.objects.filter(**mine, **_in_year("held_on", year))
    requests = RectificationRequest.objects.filter(activity__unit__path__startswith=path)
    requested = requests.filter(**_in_year("requested_on", year))
    opinions = Opinion.objects.filter(**mine, **_in_year("submitted_on", year))
    candidates = JurorCandidate.objects.filter(**mine, **_in_year("round__draw_date", year))
    return {
        "reviews": reviews.count(),
        "reviews_issued": issued.count(),
        "reviews_on_time": issued.filter(opinion_issued_on__lte=F("due_on")).count(),
        "reviews_open": open_reviews.count(),
        "reviews_overdue": open_reviews.filter(due_on__lt=today).count(),
        "supervision_activities": activities.count(),
        "supervision_findings": activities.aggregate(s=Sum("problems_found"))["s"] or 0,
        "rectifications_requested": requested.count(),
        "rectifications_completed": requested.filter(status="DONE").count(),
        "rectifications_overdue": requests.filter(status="OPEN", due_on__lt=today).count(),
        "opinions": opinions.count(),
        "opinions_adopted": opinions.filter(adoption__in=["ADOPTED", "PARTLY"]).count(),
        "juror_candidates": candidates.count(),
        "jurors_selected": candidates.filter(result="SELECTED").count(),
        "interference_records": InterferenceRecord.objects.filter(
            **mine, status="SUBMITTED", **_in_year("occurred_on", year)
        ).count(),
        "by_type": dict(Counter(reviews.values_list("matter_type", flat=True))),
        "by_status": dict(Counter(reviews.values_list("status", flat=True))),
        "by_conclusion": dict(
            Counter(reviews.exclude(conclusion="").values_list("conclusion", flat=True))
        ),
    }


def compute(user: Any, code: str, year: int, month: int | None = None) -> reports.ModuleReport:
    unit = reports.report_unit(user=user, code=code)
    return reports.compute(SPEC, user=user, unit=unit, period=reports.Period(year, month))


def test_every_figure_is_the_direct_count(city_officer, ledger):
    for code in CODES:
        for year in YEARS:
            # given
            want = expected(code, year)
            # when
            report = compute(city_officer, code, year)
            # then
            where = f"{code} {year}"
            for key in SPEC.figures:
                assert report.figures[key] == want[key], f"{where} {key}"
            for name in SPEC.breakdowns:
                assert report.breakdowns[name] == want[name], f"{where} {name}"
            issued = want["reviews_issued"]
            rate = round(want["reviews_on_time"] / issued, 4) if issued else 0.0
            assert report.rates["on_time_rate"] == rate, where


def test_the_ledger_is_not_empty_where_it_matters(city_officer, ledger):
    # when
    xiyilu = compute(city_officer, XIYILU, 2024)
    city_2023 = compute(city_officer, "610100", 2023)
    # then
    figures = xiyilu.figures
    assert figures["reviews"] == 3
    assert figures["reviews_issued"] == 2
    assert figures["reviews_on_time"] == 1
    assert figures["reviews_open"] == 1
    assert figures["supervision_findings"] == 2
    assert figures["rectifications_requested"] == 2
    assert figures["rectifications_completed"] == 1
    assert figures["opinions"] == 2
    assert figures["interference_records"] == 1
    assert xiyilu.rates["rectification_rate"] == 0.5
    assert xiyilu.breakdowns["by_type"] == {"NORMATIVE": 2, "CONTRACT": 1}
    assert compute(city_officer, "610102", 2024).figures["jurors_selected"] == 1
    assert city_2023.figures["reviews"] == 1
    assert city_2023.figures["reviews_overdue"] == 2  # a stock: both open reviews are late
    assert [row.code for row in city_2023.by_unit] == ["610116"]


def test_a_month_counts_only_that_month(city_officer, ledger):
    # when
    march = compute(city_officer, XIYILU, 2024, 3)
    april = compute(city_officer, XIYILU, 2024, 4)
    # then
    assert march.figures["reviews"] == 1
    assert april.figures["reviews"] == 1
    assert april.figures["rectifications_requested"] == 2
    assert march.figures["rectifications_requested"] == 0


def test_an_office_sees_its_own_figures_only(office_clerk, other_clerk, district_reviewer, ledger):
    # when
    own = compute(office_clerk, XIYILU, 2024)
    district = compute(district_reviewer, "610102", 2024)
    other = compute(other_clerk, WEIQU, 2023)
    # then
    want = expected(XIYILU, 2024)
    assert own.figures == {key: want[key] for key in SPEC.figures}
    assert district.figures["reviews"] == own.figures["reviews"]
    assert other.figures["reviews"] == 1
    for user, code in ((office_clerk, WEIQU), (other_clerk, XIYILU), (district_reviewer, "610116")):
        with pytest.raises(Http404):
            reports.report_unit(user=user, code=code)


def test_a_district_is_the_sum_of_its_offices(city_officer, ledger):
    city = compute(city_officer, "610100", 2024)
    assert sum(row.total for row in city.by_unit) == city.figures["reviews"]
    districts = [compute(city_officer, code, 2024) for code in ("610102", "610116")]
    for key in ("reviews", "supervision_activities", "opinions", "interference_records"):
        assert sum(d.figures[key] for d in districts) == city.figures[key], key


@REGISTERED
def test_the_api_answers_every_key(client_for, city_officer, office_clerk, ledger):
    # when
    response = client_for(city_officer).get(API, {"unit": "610102", "year": 2024})
    refused = client_for(office_clerk).get(API, {"unit": WEIQU, "year": 2024})
    # then
    assert response.status_code == 200, response.content
    body = response.json()
    keys = {"unit", "unit_name", "year", "month", *SPEC.figures, *SPEC.rates, *SPEC.breakdowns}
    assert set(body) == keys | {"by_unit"}
    want = expected("610102", 2024)
    for key in SPEC.figures:
        value = body[key]
        assert (float(value) if isinstance(value, str) else value) == want[key], key
    assert refused.status_code == 404


@REGISTERED
def test_the_endpoint_is_in_the_schema(client_for, city_officer):
    response = client_for(city_officer).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    text = response.content.decode()
    assert API in text
    for key in SPEC.figures:
        assert key in text
