"""The assessment workflow office → district → city, rectification and demonstration units."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from sifasuo.accounts.models import User
from sifasuo.core.errors import ApplicationError, ConcurrentModificationError
from sifasuo.core.models import AuditEvent
from sifasuo.core.todos import todos_for
from sifasuo.offices import services as office_services
from sifasuo.orgs.models import Unit
from sifasuo.standards import services
from sifasuo.standards.choices import AssessmentStatus, RectificationStatus, RuleType
from sifasuo.standards.models import (
    Assessment,
    AssessmentEvent,
    AssessmentItem,
    Campaign,
    DemonstrationUnit,
    Rectification,
)
from sifasuo.standards.selectors import demonstration_overview
from tests.standards import factories as f

D = Decimal
MONDAY = date(2024, 12, 2)


@pytest.fixture(autouse=True)
def _in_english():
    """Messages are matched by their (English) msgids, whatever the catalogue says."""
    with translation.override("en"):
        yield


def audited(action: str, obj) -> bool:
    return AuditEvent.objects.filter(
        action=action, object_type=obj._meta.label_lower, object_id=str(obj.public_id)
    ).exists()


def item(assessment: Assessment, code: str) -> AssessmentItem:
    return assessment.items.select_related("indicator", "assessment").get(indicator__code=code)


@pytest.fixture
def ready(demo, office_clerk):
    """西一路's 2024 assessment, every manual item assessed; its return fails the area check."""
    f.passing_return(business_area=D("100"))
    campaign = f.open_campaign()
    assessment = f.assessment_of(campaign)
    f.assess_manual(assessment, actor=office_clerk)
    return assessment


@pytest.fixture
def chang_an_reviewer(demo) -> User:
    """A district officer of 长安区 (another district than 西一路's)."""
    from sifasuo.accounts.models import UserRole

    user = User.objects.create(username="changan_reviewer", unit=Unit.objects.get(code="610116"))
    UserRole.objects.create(user=user, role="DISTRICT_OFFICER")
    return user


# Campaigns -----------------------------------------------------------------------------


def test_the_city_opens_a_campaign_over_a_batch(city_officer):
    # given
    offices = [f.office(), f.office("610102002"), f.office("610116001")]
    # when
    campaign = services.campaign_open(
        actor=city_officer,
        framework=f.framework(),
        year=2024,
        name="第三批验收",
        batch="第三批",
        due_on=date(2024, 12, 20),
        offices=offices,
        opened_on=date(2024, 11, 1),
    )
    # then: one draft assessment per office, one item per indicator, audited
    assert campaign.unit.code == "610100"
    assert set(campaign.offices.values_list("code", flat=True)) == {o.code for o in offices}
    assessments = Assessment.objects.filter(campaign=campaign)
    assert assessments.count() == 3
    assert {a.status for a in assessments} == {AssessmentStatus.DRAFT}
    assert {a.due_on for a in assessments} == {date(2024, 12, 20)}
    assert AssessmentItem.objects.filter(assessment__campaign=campaign).count() == 3 * 25
    assert audited("create", campaign)
    assert all(audited("create", a) for a in assessments)


def test_a_campaign_over_all_offices(city_officer):
    # when
    campaign = services.campaign_open(
        actor=city_officer,
        framework=f.framework(),
        year=2024,
        name="全市评价",
        due_on=date(2024, 12, 20),
        opened_on=date(2024, 11, 1),
    )
    # then
    offices = Unit.objects.filter(kind="OFFICE", is_active=True).count()
    assert campaign.assessments.count() == offices > 100


def test_only_the_city_opens_campaigns(office_director, district_reviewer):
    # when / then
    for user in (office_director, district_reviewer):
        with pytest.raises(PermissionDenied):
            services.campaign_open(
                actor=user,
                framework=f.framework(),
                year=2024,
                name="越权",
                due_on=date(2024, 12, 20),
                offices=[f.office()],
            )
    assert not Campaign.objects.exists()


def test_a_campaign_is_over_offices_only_and_named_once(city_officer):
    # given
    f.open_campaign([f.XIYILU], name="重名")
    # when / then
    with pytest.raises(ApplicationError, match="judicial offices"):
        f.open_campaign(["610102"], name="区局")
    with pytest.raises(ApplicationError, match="exists already"):
        f.open_campaign([f.XIYILU], name="重名")


# The self-assessment --------------------------------------------------------------------


def test_an_all_or_nothing_item_takes_0_or_its_points(ready, office_clerk):
    # given
    rotation = item(ready, "ROTATION")
    # when / then
    with pytest.raises(ApplicationError, match="all or nothing"):
        services.item_assess(actor=office_clerk, item=rotation, score=D("1.5"))
    services.item_assess(actor=office_clerk, item=rotation, score=D("0"), note="未轮岗")
    rotation.refresh_from_db()
    assert rotation.manual_score == D("0")
    assert rotation.note == "未轮岗"


def test_a_deduct_per_missing_item_scores_its_missing_elements(ready, office_clerk):
    # given: the seven management systems, 1 point each
    systems = item(ready, "SYSTEMS")
    # when
    services.item_assess(
        actor=office_clerk, item=systems, missing_elements=["应急处置", "保密管理"]
    )
    # then: in the framework's order, 7 − 2
    systems.refresh_from_db()
    assert systems.manual_score == D("5")
    assert systems.missing_elements == ["保密管理", "应急处置"]
    with pytest.raises(ApplicationError, match="Not an element"):
        services.item_assess(actor=office_clerk, item=systems, missing_elements=["食堂"])


def test_a_computed_item_takes_only_a_note(ready, office_clerk):
    # given
    area = item(ready, "PREMISES_AREA")
    # when / then
    with pytest.raises(ApplicationError, match="computed"):
        services.item_assess(actor=office_clerk, item=area, score=D("6"))
    services.item_assess(actor=office_clerk, item=area, note="新址装修中")
    area.refresh_from_db()
    assert area.note == "新址装修中"
    assert area.manual_score is None


def test_another_office_cannot_assess(ready, other_clerk, district_reviewer):
    # when / then
    for user in (other_clerk, district_reviewer):
        with pytest.raises(PermissionDenied):
            services.item_assess(actor=user, item=item(ready, "ROTATION"), score=D("3"))


def test_a_stale_item_is_refused(ready, office_clerk):
    # given
    rotation = item(ready, "ROTATION")
    stale = rotation.version
    services.item_assess(actor=office_clerk, item=rotation, score=D("0"))
    # when / then
    with pytest.raises(ConcurrentModificationError):
        services.item_assess(
            actor=office_clerk, item=item(ready, "ROTATION"), score=D("3"), version=stale
        )


# Submission ------------------------------------------------------------------------------


def test_the_director_submits_and_the_results_freeze(ready, office_director):
    # when
    submitted = services.assessment_submit(
        actor=office_director, assessment=ready, comment="请审核", today=MONDAY
    )
    # then: due with the district 10 working days later; failures frozen and opened
    assert submitted.status == AssessmentStatus.SUBMITTED
    assert submitted.submitted_on == MONDAY
    assert submitted.due_on == date(2024, 12, 16)
    assert submitted.submitted_score == D("88.0")  # no area (6), no mediation cases (6)
    assert submitted.submitted_checks_passed == 8
    area = item(submitted, "PREMISES_AREA")
    assert area.frozen_passed is False
    assert area.frozen_value == 100.0
    assert area.frozen_score == D("0")
    assert item(submitted, "SYSTEMS").frozen_score == D("7")
    rectification = Rectification.objects.get(assessment=submitted)
    assert rectification.indicator.code == "PREMISES_AREA"
    assert rectification.status == RectificationStatus.OPEN
    assert rectification.due_on == MONDAY + timedelta(days=60)
    assert "100.0" in rectification.problem
    assert AssessmentEvent.objects.get(assessment=submitted).comment == "请审核"
    assert audited("submit", submitted)
    assert audited("create", rectification)


def test_a_clerk_prepares_but_only_the_director_submits(ready, office_clerk):
    # when / then
    with pytest.raises(PermissionDenied):
        services.assessment_submit(actor=office_clerk, assessment=ready)
    ready.refresh_from_db()
    assert ready.status == AssessmentStatus.DRAFT


def test_every_manual_item_must_be_assessed(demo, office_director):
    # given
    f.passing_return()
    assessment = f.assessment_of(f.open_campaign())
    # when / then
    with pytest.raises(ApplicationError, match="PARTY_MEETINGS"):
        services.assessment_submit(actor=office_director, assessment=assessment)


def test_there_must_be_a_return_for_the_year(demo, office_director):
    # given
    assessment = f.assessment_of(f.open_campaign())
    f.assess_manual(assessment)
    # when / then
    with pytest.raises(ApplicationError, match="no return"):
        services.assessment_submit(actor=office_director, assessment=assessment)


def test_the_submitted_results_stay_as_submitted_when_the_data_changes(ready, office_director):
    # given
    services.assessment_submit(actor=office_director, assessment=ready, today=MONDAY)
    office_return = services.current_return(ready)
    assert office_return is not None
    # when: the office corrects its return
    office_services.return_update(
        actor=office_director, office_return=office_return, business_area=D("130")
    )
    # then: recomputed now, frozen as submitted
    live = services.live_card(ready)
    assert live.result_for("PREMISES_AREA").passed  # type: ignore[union-attr]
    assert live.total == D("94.0")
    assert item(ready, "PREMISES_AREA").frozen_passed is False
    ready.refresh_from_db()
    assert ready.submitted_score == D("88.0")


# The district and the city -----------------------------------------------------------------


def test_the_whole_way_office_district_city_with_returns(
    ready, office_clerk, office_director, district_reviewer, city_officer
):
    # given: submitted
    a = services.assessment_submit(actor=office_director, assessment=ready, today=MONDAY)
    # when: the district returns it
    services.assessment_district_return(
        actor=district_reviewer, assessment=a, comment="补充三会一课记录", today=date(2024, 12, 5)
    )
    # then: the office may change it again, due 10 working days later
    assert a.status == AssessmentStatus.RETURNED
    assert a.due_on == date(2024, 12, 19)
    services.item_assess(actor=office_clerk, item=item(a, "ROTATION"), score=D("3"))
    # when: resubmitted, accepted by the district, returned by the city, resubmitted, accepted
    services.assessment_submit(actor=office_director, assessment=a, today=date(2024, 12, 9))
    services.assessment_district_accept(
        actor=district_reviewer, assessment=a, today=date(2024, 12, 10)
    )
    assert (a.status, a.due_on) == (AssessmentStatus.DISTRICT_ACCEPTED, date(2024, 12, 24))
    services.assessment_city_return(
        actor=city_officer, assessment=a, comment="面积与实地不符", today=date(2024, 12, 12)
    )
    assert a.status == AssessmentStatus.RETURNED
    services.assessment_submit(actor=office_director, assessment=a, today=date(2024, 12, 13))
    services.assessment_district_accept(actor=district_reviewer, assessment=a)
    services.assessment_city_accept(actor=city_officer, assessment=a, today=date(2024, 12, 20))
    # then
    a.refresh_from_db()
    assert a.status == AssessmentStatus.ACCEPTED
    assert a.city_decided_on == date(2024, 12, 20)
    steps = list(a.events.values_list("step", flat=True))
    assert steps == [
        "SUBMIT",
        "DISTRICT_RETURN",
        "SUBMIT",
        "DISTRICT_ACCEPT",
        "CITY_RETURN",
        "SUBMIT",
        "DISTRICT_ACCEPT",
        "CITY_ACCEPT",
    ]
    # the failed area opened one rectification however often it was submitted
    assert Rectification.objects.filter(assessment=a).count() == 1
    for action in ("district_return", "district_accept", "city_return", "city_accept"):
        assert audited(action, a)


def test_each_step_is_taken_by_its_role_only(
    ready, office_director, district_reviewer, city_officer, chang_an_reviewer
):
    # given
    services.assessment_submit(actor=office_director, assessment=ready, today=MONDAY)
    # when / then: the city does not review for the district, nor another district
    for user in (city_officer, chang_an_reviewer, office_director):
        with pytest.raises(PermissionDenied):
            services.assessment_district_accept(actor=user, assessment=ready)
    services.assessment_district_accept(actor=district_reviewer, assessment=ready)
    for user in (district_reviewer, office_director):
        with pytest.raises(PermissionDenied):
            services.assessment_city_accept(actor=user, assessment=ready)
    ready.refresh_from_db()
    assert ready.status == AssessmentStatus.DISTRICT_ACCEPTED


def test_each_step_needs_its_state(ready, office_director, district_reviewer, city_officer):
    # when / then: nothing to review before submission, nothing for the city before the district
    with pytest.raises(ApplicationError, match="does not apply"):
        services.assessment_district_accept(actor=district_reviewer, assessment=ready)
    services.assessment_submit(actor=office_director, assessment=ready, today=MONDAY)
    with pytest.raises(ApplicationError, match="does not apply"):
        services.assessment_city_accept(actor=city_officer, assessment=ready)
    with pytest.raises(ApplicationError, match="does not apply"):
        services.assessment_submit(actor=office_director, assessment=ready)
    with pytest.raises(ApplicationError, match="no longer be changed"):
        services.item_assess(actor=office_director, item=item(ready, "ROTATION"), score=D("0"))


def test_a_return_says_why(ready, office_director, district_reviewer):
    # given
    services.assessment_submit(actor=office_director, assessment=ready, today=MONDAY)
    # when / then
    with pytest.raises(ApplicationError, match="corrected") as error:
        services.assessment_district_return(actor=district_reviewer, assessment=ready, comment=" ")
    assert error.value.field == "comment"


# Rectification -----------------------------------------------------------------------------


@pytest.fixture
def rectification(ready, office_director) -> Rectification:
    services.assessment_submit(actor=office_director, assessment=ready, today=MONDAY)
    return Rectification.objects.select_related("assessment__campaign__framework").get(
        assessment=ready
    )


def test_done_needs_the_check_to_pass_now(rectification, office_clerk):
    # given
    services.rectification_update(
        actor=office_clerk,
        rectification=rectification,
        measure="租用相邻用房，扩大业务用房面积",
        owner="王所长",
        due_on=date(2025, 3, 31),
    )
    services.rectification_start(actor=office_clerk, rectification=rectification)
    # when / then: the return still says 100 m²
    with pytest.raises(ApplicationError, match="still fails"):
        services.rectification_done(actor=office_clerk, rectification=rectification)
    # when: the office's data changes, the indicator re-scores and the item can be done
    office_return = services.current_return(rectification.assessment)
    office_services.return_update(
        actor=office_clerk, office_return=office_return, business_area=D("126")
    )
    found = services.recheck(rectification)
    assert found is not None
    assert found.check.passed
    assert found.year == 2024
    services.rectification_done(actor=office_clerk, rectification=rectification)
    # then
    assert rectification.status == RectificationStatus.DONE
    assert rectification.done_on == timezone.localdate()
    assert audited("done", rectification)


def test_a_later_return_fixes_an_earlier_problem(rectification, office_clerk):
    # given: the 2025 return shows the new premises
    f.passing_return(year=2025, business_area=D("140"))
    services.rectification_update(
        actor=office_clerk,
        rectification=rectification,
        measure="迁入新址",
        owner="所长",
        due_on=date(2025, 6, 30),
    )
    # when
    found = services.recheck(rectification)
    services.rectification_done(actor=office_clerk, rectification=rectification)
    # then
    assert found is not None
    assert found.year == 2025
    assert found.check.passed
    assert rectification.status == RectificationStatus.DONE


def test_the_district_verifies_or_sends_back(
    rectification, office_clerk, district_reviewer, chang_an_reviewer
):
    # given: reported done (the office moved)
    office_return = services.current_return(rectification.assessment)
    office_services.return_update(
        actor=office_clerk, office_return=office_return, business_area=D("126")
    )
    rectification.measure = "迁入新址"
    services.rectification_update(
        actor=office_clerk,
        rectification=rectification,
        measure="迁入新址",
        owner="所长",
        due_on=rectification.due_on,
    )
    services.rectification_done(actor=office_clerk, rectification=rectification)
    # when / then: only the district over the office verifies; a send-back says why
    for user in (office_clerk, chang_an_reviewer):
        with pytest.raises(PermissionDenied):
            services.rectification_verify(actor=user, rectification=rectification)
    with pytest.raises(ApplicationError, match="still to be done"):
        services.rectification_reject(actor=district_reviewer, rectification=rectification, note="")
    services.rectification_reject(
        actor=district_reviewer, rectification=rectification, note="请补充照片"
    )
    assert rectification.status == RectificationStatus.IN_PROGRESS
    services.rectification_done(actor=office_clerk, rectification=rectification)
    services.rectification_verify(
        actor=district_reviewer, rectification=rectification, note="核查属实"
    )
    # then
    assert rectification.status == RectificationStatus.VERIFIED
    assert rectification.verified_on == timezone.localdate()
    assert audited("verify", rectification)
    with pytest.raises(ApplicationError, match="does not apply"):
        services.rectification_update(
            actor=office_clerk,
            rectification=rectification,
            measure="x",
            owner="x",
            due_on=rectification.due_on,
        )


def test_done_needs_a_measure(rectification, office_clerk):
    # when / then
    with pytest.raises(ApplicationError, match="measure") as error:
        services.rectification_done(actor=office_clerk, rectification=rectification)
    assert error.value.field == "measure"


def test_a_manual_item_below_its_points_opens_a_rectification(demo, office_director):
    # given: one management system missing
    f.passing_return()
    assessment = f.assessment_of(f.open_campaign())
    f.assess_manual(assessment)
    services.item_assess(
        actor=None, item=item(assessment, "SYSTEMS"), missing_elements=["档案管理"]
    )
    # when
    services.assessment_submit(actor=office_director, assessment=assessment, today=MONDAY)
    # then
    (opened,) = Rectification.objects.filter(assessment=assessment)
    assert opened.indicator.code == "SYSTEMS"
    assert "档案管理" in opened.problem
    assert services.recheck(opened) is None  # not an automatic check


def test_overdue_rectifications(rectification):
    # when / then
    rectification.due_on = timezone.localdate() - timedelta(days=1)
    assert rectification.is_overdue
    rectification.status = RectificationStatus.DONE
    assert not rectification.is_overdue


# Demonstration units --------------------------------------------------------------------------


def test_the_city_designates_and_withdraws(city_officer, office_director):
    # when
    unit = services.demonstration_designate(
        actor=city_officer, office=f.office(), year=2024, note="示范引领"
    )
    # then
    assert audited("create", unit)
    with pytest.raises(ApplicationError, match="already"):
        services.demonstration_designate(actor=city_officer, office=f.office(), year=2024)
    with pytest.raises(PermissionDenied):
        services.demonstration_designate(actor=office_director, office=f.office(), year=2025)
    with pytest.raises(PermissionDenied):
        services.demonstration_undesignate(actor=office_director, demonstration=unit)
    services.demonstration_undesignate(actor=city_officer, demonstration=unit)
    assert not DemonstrationUnit.objects.exists()


def test_the_page_warns_below_2_and_above_4_per_district(city_officer):
    # given: 新城区 5 offices, 长安区 1, 莲湖区 2
    xincheng = Unit.objects.filter(kind="OFFICE", parent__code="610102").order_by("code")[:5]
    for office in [
        *xincheng,
        f.office("610116001"),
        *Unit.objects.filter(kind="OFFICE", parent__code="610104").order_by("code")[:2],
    ]:
        services.demonstration_designate(actor=city_officer, office=office, year=2024)
    # when
    districts = {d.bureau.code: d for d in demonstration_overview(user=city_officer, year=2024)}
    # then
    assert districts["610102"].too_many
    assert districts["610102"].count == 5
    assert districts["610116"].too_few
    assert districts["610116"].warning
    assert not districts["610104"].warning
    assert districts["610103"].too_few  # none at all
    assert demonstration_overview(user=city_officer, year=2023)[0].count == 0


def test_a_district_sees_only_its_own_designations(city_officer, district_reviewer):
    # given
    services.demonstration_designate(actor=city_officer, office=f.office("610116001"), year=2024)
    # when
    districts = demonstration_overview(user=district_reviewer, year=2024)
    # then
    assert [d.bureau.code for d in districts] == ["610102"]
    assert districts[0].count == 0


# To-dos ----------------------------------------------------------------------------------------


def _titles(user) -> list[str]:
    return [t.title for t in todos_for(user)]


def test_each_unit_sees_what_waits_for_it(
    ready, office_clerk, office_director, district_reviewer, city_officer, other_clerk
):
    # given: drafts wait for the office
    assert any("self-assessment" in t for t in _titles(office_director))
    assert not any("2024" in t for t in _titles(district_reviewer) if "assessment" in t)
    # when: submitted
    services.assessment_submit(actor=office_director, assessment=ready, today=MONDAY)
    # then: the district reviews, the office rectifies (overdue: 2024 dates are past)
    review = [t for t in todos_for(district_reviewer) if "Review" in t.title]
    assert len(review) == 1
    assert review[0].due_date == date(2024, 12, 16)
    assert review[0].overdue
    assert any("Rectify PREMISES_AREA" in t for t in _titles(office_clerk))
    assert not any("西一路" in t for t in _titles(other_clerk))
    # when: the district accepts
    services.assessment_district_accept(actor=district_reviewer, assessment=ready)
    # then: the city accepts
    accept = [t for t in todos_for(city_officer) if "Accept" in t.title]
    assert len(accept) == 1
    assert not any("Review" in t for t in _titles(district_reviewer))


def test_a_rectification_reported_done_waits_for_the_district(rectification, district_reviewer):
    # given
    rectification.status = RectificationStatus.DONE
    Rectification.objects.filter(pk=rectification.pk).update(status=RectificationStatus.DONE)
    # when
    titles = _titles(district_reviewer)
    # then
    assert any("Verify the rectification of PREMISES_AREA" in t for t in titles)


def test_items_of_every_manual_indicator_exist(ready):
    # then: the campaign gave the assessment one item per indicator of its framework
    manual = ready.items.filter(indicator__rule_type=RuleType.MANUAL).count()
    assert manual == 16 - 1  # 16 non-automatic items, one of them the mediation figure
