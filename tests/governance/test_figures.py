"""The governance figures and the demo data."""

from __future__ import annotations

import pytest
from django.utils import timezone

from sifasuo.core.measures import registry
from sifasuo.governance import services
from sifasuo.governance.choices import Adoption, Conclusion
from sifasuo.governance.demo import create_demo_governance
from sifasuo.governance.models import (
    Draft,
    JurorRound,
    LegalityReview,
    Opinion,
    SupervisionActivity,
)
from sifasuo.orgs.models import Unit
from tests.governance import factories as f

pytestmark = pytest.mark.django_db

CODES = {
    "governance.reviews",
    "governance.reviews_on_time",
    "governance.supervision_findings",
    "governance.opinions",
    "governance.opinions_adopted",
    "governance.juror_candidates",
    "governance.interference_records",
}


def test_the_figures_are_registered_under_stable_codes():
    assert {m.code for m in registry.all()} >= CODES


def test_reviews_by_type_and_outcome_and_on_time(office_clerk, city_officer, other_clerk):
    # given
    f.issued(actor=office_clerk)
    late = f.review(actor=office_clerk, received_on=timezone.localdate().replace(day=1))
    late_issue = services.review_issue_opinion(
        actor=office_clerk,
        review=late,
        conclusion=Conclusion.LAWFUL,
        opinion_text="合法",
        issued_on=timezone.localdate(),
        checks=f.checks(),
    )
    f.review(actor=office_clerk, matter_type="CONTRACT")
    reviews = registry.get("governance.reviews")
    # then
    assert reviews.value(city_officer) == 3
    assert reviews.value(other_clerk) == 0
    assert reviews.breakdown(city_officer, "by_type") == {"NORMATIVE": 2, "CONTRACT": 1}
    assert reviews.breakdown(city_officer, "by_conclusion") == {"CHANGES": 1, "LAWFUL": 1}
    on_time = registry.get("governance.reviews_on_time").value(city_officer)
    assert on_time == (2 if late_issue.on_time else 1)


def test_findings_opinions_and_interference(office_clerk, city_officer, citizen):
    f.activity(actor=office_clerk, problems_found=3)
    draft = f.draft(actor=city_officer)
    opinion = services.opinion_submit_online(actor=citizen, draft=draft, text="意见")
    services.opinion_submit_online(actor=citizen, draft=draft, text="意见二")
    services.opinion_answer(actor=city_officer, opinion=opinion, adoption=Adoption.ADOPTED)
    f.entry(actor=office_clerk, submit=True)
    f.entry(actor=office_clerk)
    assert registry.get("governance.supervision_findings").value(city_officer) == 3
    assert registry.get("governance.opinions").value(city_officer) == 2
    assert registry.get("governance.opinions_adopted").value(city_officer) == 1
    assert registry.get("governance.interference_records").value(city_officer) == 1


def test_the_demo_is_complete_and_idempotent(office_clerk):
    # given: the people the draw needs (seed_demo makes them before governance)
    from sifasuo.people.demo import create_demo_people
    from sifasuo.portal.demo import create_demo_portal  # noqa: F401 - citizens are made here

    create_demo_people()
    # when
    create_demo_governance()
    again = create_demo_governance()
    # then: every office has a legality review and a supervision activity
    offices = Unit.objects.filter(kind="OFFICE", is_active=True)
    assert LegalityReview.objects.values("unit").distinct().count() == offices.count()
    assert SupervisionActivity.objects.values("unit").distinct().count() == offices.count()
    assert set(again.values()) == {0}
    xiyilu = LegalityReview.objects.filter(unit__code="610102001")
    assert {r.status for r in xiyilu} == {"REGISTERED", "ISSUED", "FILED"}
    assert any(r.is_overdue for r in xiyilu)
    assert LegalityReview.objects.values("unit__parent").distinct().count() >= 10
    city = Draft.objects.get(unit__code="610100")
    assert city.is_open
    assert Opinion.objects.filter(draft=city, source="ONLINE").exists()
    assert Opinion.objects.filter(draft=city, source="MEETING").exists()
    assert Opinion.objects.filter(draft=city).exclude(adoption="").exists()
    assert JurorRound.objects.get(unit__code="610102").candidates.exists()
