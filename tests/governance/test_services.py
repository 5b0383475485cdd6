"""The rule-of-law services: each business rule, the audit rows, scope and stale versions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation

from sifasuo.core.choices import DayKind
from sifasuo.core.errors import ApplicationError, ConcurrentModificationError
from sifasuo.core.models import AuditEvent, Holiday
from sifasuo.core.todos import todos_for
from sifasuo.governance import services
from sifasuo.governance.choices import (
    Adoption,
    CandidateResult,
    CheckResult,
    Conclusion,
    Consent,
    DraftStatus,
    Eligibility,
    EntryStatus,
    MatterType,
    OpinionSource,
    RectificationStatus,
    ReviewStatus,
    RoundStatus,
)
from sifasuo.governance.models import (
    Draft,
    InterferenceAnnotation,
    InterferenceRecord,
    JurorCandidate,
    JurorExclusionGround,
    LegalityReview,
    Opinion,
)
from tests.governance import factories as f

pytestmark = pytest.mark.django_db


def audit_actions(obj) -> list[str]:
    public_id = str(getattr(obj, "public_id", obj.pk))
    return list(
        AuditEvent.objects.filter(object_id=public_id)
        .order_by("seq")
        .values_list("action", flat=True)
    )


def set_days(rows: list[tuple[str, str]]) -> None:
    """Holiday rows as the State Council's notice sets them (explicit: the test owns them)."""
    for day, kind in rows:
        Holiday.objects.update_or_create(
            date=date.fromisoformat(day), defaults={"kind": kind, "name": "测试"}
        )


# Legality review: due dates by working days ---------------------------------------------

SPRING_FESTIVAL_2024 = [
    ("2024-02-04", DayKind.WORKDAY),  # a Sunday worked
    *[(f"2024-02-{d:02d}", DayKind.HOLIDAY) for d in range(10, 18)],
    ("2024-02-18", DayKind.WORKDAY),  # a Sunday worked
]
NATIONAL_DAY_2024 = [
    ("2024-09-29", DayKind.WORKDAY),  # a Sunday worked
    *[(f"2024-10-{d:02d}", DayKind.HOLIDAY) for d in range(1, 8)],
    ("2024-10-12", DayKind.WORKDAY),  # a Saturday worked
]


def test_a_normative_document_received_before_the_spring_festival_is_due_fifteen_working_days_on(
    office_clerk,
):
    # given: 8 Feb 2024 (Thursday); 10–17 Feb off, Sunday 18 Feb worked
    set_days(SPRING_FESTIVAL_2024)
    # when
    review = f.review(
        actor=office_clerk, matter_type=MatterType.NORMATIVE, received_on=date(2024, 2, 8)
    )
    # then: 9 Feb (1), 18 Feb (2), 19–23 Feb (3–7), 26 Feb–1 Mar (8–12), 4–6 Mar (13–15)
    assert review.due_on == date(2024, 3, 6)
    # and without the holidays it would have been a week earlier
    Holiday.objects.filter(date__range=(date(2024, 2, 1), date(2024, 2, 29))).delete()
    again = f.review(
        actor=office_clerk, matter_type=MatterType.NORMATIVE, received_on=date(2024, 2, 8)
    )
    assert again.due_on == date(2024, 2, 29)


def test_a_major_decision_received_before_national_day_counts_the_make_up_days(office_clerk):
    # given: Friday 27 Sep 2024; Sunday 29 Sep worked, 1–7 Oct off, Saturday 12 Oct worked
    set_days(NATIONAL_DAY_2024)
    # when
    review = f.review(
        actor=office_clerk, matter_type=MatterType.MAJOR_DECISION, received_on=date(2024, 9, 27)
    )
    # then: 29 Sep (1), 30 Sep (2), 8–11 Oct (3–6), Saturday 12 Oct (7)
    assert review.due_on == date(2024, 10, 12)


def test_each_type_of_matter_has_its_own_rule_row(office_clerk):
    # given
    from sifasuo.core.models import DeadlineRule

    codes = set(
        DeadlineRule.objects.filter(code__startswith="governance.review.").values_list(
            "code", flat=True
        )
    )
    # then: one configurable row per type, in working days
    assert codes == {services.review_rule_code(t) for t in MatterType.values}
    assert set(DeadlineRule.objects.filter(code__in=codes).values_list("count", flat=True)) == {
        "WORKING"
    }


def test_changing_the_rule_changes_the_due_date(office_clerk):
    # given
    from sifasuo.core.models import DeadlineRule

    DeadlineRule.objects.filter(code="governance.review.OTHER").update(days=1)
    # when: received on a Friday
    review = f.review(
        actor=office_clerk, matter_type=MatterType.OTHER, received_on=date(2024, 3, 1)
    )
    # then: the next Monday
    assert review.due_on == date(2024, 3, 4)


# Legality review: the workflow ----------------------------------------------------------


def test_registering_numbers_the_matter_audits_it_and_keeps_the_first_draft(
    office_clerk, settings, tmp_path
):
    # given
    settings.MEDIA_ROOT = tmp_path
    # when
    review = f.review(actor=office_clerk, files=[f.docx_upload()])
    # then
    assert review.status == ReviewStatus.REGISTERED
    assert review.number.endswith("号")
    assert audit_actions(review) == ["create"]
    assert [m.version_number for m in review.materials.all()] == [1]


def test_each_new_upload_is_a_new_version(office_clerk, settings, tmp_path):
    # given
    settings.MEDIA_ROOT = tmp_path
    review = f.review(actor=office_clerk, files=[f.docx_upload()])
    # when
    services.review_add_material(
        actor=office_clerk, review=review, uploaded=f.docx_upload("v2.docx"), note="第二稿"
    )
    # then
    assert list(review.materials.values_list("version_number", "note")) == [(1, ""), (2, "第二稿")]


def test_another_office_cannot_register_at_xiyilu(other_clerk):
    # when / then
    with pytest.raises(PermissionDenied):
        f.review(actor=other_clerk)


def test_a_district_bureau_is_not_a_reviewing_office(district_reviewer):
    with pytest.raises(ApplicationError) as caught:
        f.review(actor=None, office="610102")
    assert caught.value.field == "unit"


def test_a_matter_cannot_be_received_in_the_future(office_clerk):
    with pytest.raises(ApplicationError) as caught:
        f.review(actor=office_clerk, received_on=timezone.localdate() + timedelta(days=1))
    assert caught.value.field == "received_on"


def test_a_stale_edit_is_refused(office_clerk):
    # given
    review = f.review(actor=office_clerk)
    stale = LegalityReview.objects.get(pk=review.pk)
    services.review_update(
        actor=office_clerk,
        review=review,
        version=review.version,
        title="新标题",
        submitting_body=review.submitting_body,
        matter_type=review.matter_type,
        received_on=review.received_on,
    )
    # when / then
    with pytest.raises(ConcurrentModificationError):
        services.review_update(
            actor=office_clerk,
            review=stale,
            version=stale.version,
            title="另一个标题",
            submitting_body=stale.submitting_body,
            matter_type=stale.matter_type,
            received_on=stale.received_on,
        )


def test_the_reviewer_must_belong_to_the_office(office_clerk, office_director, other_clerk):
    # given
    review = f.review(actor=office_clerk)
    # when / then
    with pytest.raises(ApplicationError):
        services.review_assign(actor=office_clerk, review=review, reviewer=other_clerk)
    services.review_assign(actor=office_clerk, review=review, reviewer=office_director)
    assert review.status == ReviewStatus.IN_REVIEW


def test_an_opinion_answers_the_checklist_and_lists_the_changes(office_clerk):
    # given
    review = f.review(actor=office_clerk)
    # when
    services.review_issue_opinion(
        actor=office_clerk,
        review=review,
        conclusion=Conclusion.LAWFUL_AFTER_CHANGES,
        opinion_text="修改后合法。",
        issued_on=timezone.localdate(),
        checks=f.checks(fail="CONTENT"),
        changes=[
            services.ChangeInput("第三条", "减损权益", "删除"),
            services.ChangeInput("第九条", "表述不清", "改写"),
        ],
    )
    # then
    review.refresh_from_db()
    assert review.status == ReviewStatus.ISSUED
    assert review.reviewer == office_clerk
    assert review.checks.filter(result=CheckResult.FAIL).count() == 1
    assert list(review.changes.values_list("position", "clause")) == [(1, "第三条"), (2, "第九条")]
    assert "issue_opinion" in audit_actions(review)


@pytest.mark.parametrize(
    ("conclusion", "fail", "changes", "field"),
    [
        (Conclusion.LAWFUL, "CONTENT", [], "conclusion"),
        (Conclusion.UNLAWFUL, "", [], "checks"),
        (Conclusion.LAWFUL_AFTER_CHANGES, "CONTENT", [], "changes"),
    ],
)
def test_an_opinion_that_contradicts_its_checklist_is_refused(
    office_clerk, conclusion, fail, changes, field
):
    review = f.review(actor=office_clerk)
    with pytest.raises(ApplicationError) as caught:
        services.review_issue_opinion(
            actor=office_clerk,
            review=review,
            conclusion=conclusion,
            opinion_text="意见",
            issued_on=timezone.localdate(),
            checks=f.checks(fail=fail),
            changes=changes,
        )
    assert caught.value.field == field


def test_every_point_of_the_checklist_must_be_answered(office_clerk):
    review = f.review(actor=office_clerk)
    with pytest.raises(ApplicationError) as caught:
        services.review_issue_opinion(
            actor=office_clerk,
            review=review,
            conclusion=Conclusion.LAWFUL,
            opinion_text="合法",
            issued_on=timezone.localdate(),
            checks=f.checks()[:-1],
        )
    assert caught.value.field == "checks"


def test_filing_needs_the_towns_answer_and_numbers_the_register_without_gaps(
    office_clerk, other_clerk
):
    # given
    first, second = f.issued(actor=office_clerk), f.issued(actor=office_clerk)
    with pytest.raises(ApplicationError):
        services.review_file(actor=office_clerk, review=first, filed_on=timezone.localdate())
    with pytest.raises(ApplicationError) as caught:
        services.review_record_adoption(actor=office_clerk, review=first, adoption=Adoption.PARTLY)
    assert caught.value.field == "adoption_note"
    # when
    numbers = []
    for review in (first, second):
        services.review_record_adoption(
            actor=office_clerk, review=review, adoption=Adoption.ADOPTED
        )
        numbers.append(
            services.review_file(
                actor=office_clerk, review=review, filed_on=timezone.localdate()
            ).registration_number
        )
    weiqu = f.issued(actor=other_clerk, office="610116001")
    services.review_record_adoption(actor=other_clerk, review=weiqu, adoption=Adoption.ADOPTED)
    services.review_file(actor=other_clerk, review=weiqu, filed_on=timezone.localdate())
    # then: 0001, 0002 at 西一路; 韦曲 starts its own series
    assert numbers[0].endswith("0001号")
    assert numbers[1].endswith("0002号")
    assert "备" in numbers[0]
    assert weiqu.registration_number.endswith("0001号")
    assert first.status == ReviewStatus.FILED


def test_an_overdue_review_is_flagged_and_on_the_office_to_do_lists(
    office_clerk, office_director, other_clerk, district_reviewer
):
    # given
    review = f.review(actor=office_clerk, received_on=timezone.localdate() - timedelta(days=60))
    # then
    assert review.is_overdue
    for user in (office_clerk, office_director):
        todo = [t for t in todos_for(user) if review.number in t.title]
        assert todo
        assert todo[0].overdue
    for user in (other_clerk, district_reviewer):
        assert not [t for t in todos_for(user) if review.number in t.title]


# Enforcement supervision ----------------------------------------------------------------


def test_a_rectification_gets_the_default_deadline_and_is_flagged_when_late(office_clerk):
    # given
    activity = f.activity(actor=office_clerk)
    requested = timezone.localdate() - timedelta(days=40)
    activity_old = f.activity(actor=office_clerk, held_on=requested)
    # when
    default = services.rectification_request(
        actor=office_clerk, activity=activity, issue="补齐审核意见", requested_on=activity.held_on
    )
    late = services.rectification_request(
        actor=office_clerk, activity=activity_old, issue="规范送达", requested_on=requested
    )
    # then
    assert default.due_on == activity.held_on + timedelta(days=30)
    assert late.is_overdue
    assert not default.is_overdue
    assert any("规范送达" not in t.title and t.overdue for t in todos_for(office_clerk))


def test_a_rectification_result_is_recorded_once(office_clerk):
    # given
    activity = f.activity(actor=office_clerk)
    r = services.rectification_request(
        actor=office_clerk, activity=activity, issue="问题", requested_on=activity.held_on
    )
    # when
    services.rectification_close(
        actor=office_clerk,
        rectification=r,
        status=RectificationStatus.DONE,
        result="已整改",
        completed_on=timezone.localdate(),
    )
    # then
    assert r.status == RectificationStatus.DONE
    assert "close" in audit_actions(r)
    with pytest.raises(ApplicationError):
        services.rectification_close(
            actor=office_clerk,
            rectification=r,
            status=RectificationStatus.DONE,
            result="再次",
            completed_on=timezone.localdate(),
        )


def test_problems_found_need_a_description(office_clerk):
    with pytest.raises(ApplicationError) as caught:
        f.activity(actor=office_clerk, findings="", problems_found=2)
    assert caught.value.field == "findings"


def test_another_office_cannot_request_a_rectification(office_clerk, other_clerk):
    activity = f.activity(actor=office_clerk)
    with pytest.raises(PermissionDenied):
        services.rectification_request(
            actor=other_clerk, activity=activity, issue="x", requested_on=activity.held_on
        )


# Legislative opinions -------------------------------------------------------------------


def test_the_text_is_split_at_each_line_starting_with_a_clause_number():
    # when
    clauses = services.split_clauses(
        "某条例\n第一章 总则\n第一条 目的。\n第二条　适用范围，\n包括下列情形。\n"
        "第二章 附则\n第十二条 施行日期。\n第3条 阿拉伯数字。"
    )
    # then: the title and the chapter headings belong to no clause; a wrapped line stays
    assert [h for h, _ in clauses] == ["第一条", "第二条", "第十二条", "第3条"]
    assert clauses[1][1] == "适用范围，\n包括下列情形。"


def test_only_a_bureau_publishes_and_the_offices_below_receive_the_draft(
    city_officer, district_reviewer, office_clerk, other_clerk
):
    # given / when
    with pytest.raises(ApplicationError):
        f.draft(actor=office_clerk, bureau="610102001")
    city = f.draft(actor=city_officer)
    district = f.draft(actor=district_reviewer, bureau="610102")
    # then
    assert city.status == DraftStatus.PUBLISHED
    assert city.clauses.count() == 3
    assert Draft.objects.visible_to(office_clerk).filter(pk=city.pk).exists()
    assert Draft.objects.visible_to(other_clerk).filter(pk=city.pk).exists()
    assert Draft.objects.visible_to(office_clerk).filter(pk=district.pk).exists()
    assert not Draft.objects.visible_to(other_clerk).filter(pk=district.pk).exists()
    assert "publish" in audit_actions(city)


def test_a_published_draft_cannot_be_rewritten(city_officer):
    draft = f.draft(actor=city_officer)
    with pytest.raises(ApplicationError):
        services.clause_update(
            actor=city_officer,
            clause=draft.clauses.first(),
            heading="第一条",
            text="改",
            version=1,
        )


def test_a_text_without_clauses_is_refused(city_officer):
    with pytest.raises(ApplicationError) as caught:
        f.draft(actor=city_officer, text="没有条款的文字")
    assert caught.value.field == "text"


def test_a_citizen_comments_on_a_clause_of_an_open_draft_and_sees_only_their_own(
    city_officer, citizen, office_clerk
):
    # given
    draft = f.draft(actor=city_officer)
    clause = draft.clauses.first()
    other = services.opinion_record(
        actor=office_clerk,
        unit=f.unit(),
        draft=draft,
        clause=clause,
        meeting="座谈会",
        people_count=7,
        text="会议意见",
        submitted_on=timezone.localdate(),
    )
    # when
    mine = services.opinion_submit_online(actor=citizen, draft=draft, clause=clause, text="意见")
    # then
    assert mine.source == OpinionSource.ONLINE
    assert mine.unit == draft.unit
    seen = set(Opinion.objects.visible_to(citizen))
    assert mine in seen
    assert other not in seen
    assert {mine, other} <= set(Opinion.objects.visible_to(city_officer))


def test_comments_are_refused_outside_the_period_and_from_staff(city_officer, citizen):
    # given
    closed = f.draft(
        actor=city_officer,
        opens_on=timezone.localdate() - timedelta(days=20),
        closes_on=timezone.localdate() + timedelta(days=1),
    )
    Draft.objects.filter(pk=closed.pk).update(closes_on=timezone.localdate() - timedelta(days=1))
    closed.refresh_from_db()
    # then
    with pytest.raises(ApplicationError):
        services.opinion_submit_online(actor=citizen, draft=closed, text="迟到的意见")
    with pytest.raises(PermissionDenied):
        services.opinion_submit_online(actor=city_officer, draft=f.draft(), text="x")


def test_an_office_enters_meeting_opinions_only_on_drafts_addressed_to_it(
    district_reviewer, office_clerk, other_clerk
):
    # given
    draft = f.draft(actor=district_reviewer, bureau="610102")
    # then
    with pytest.raises(ApplicationError) as caught:
        services.opinion_record(
            actor=other_clerk,
            unit=f.unit("610116001"),
            draft=draft,
            meeting="座谈会",
            text="x",
            submitted_on=timezone.localdate(),
        )
    assert caught.value.field == "unit"
    with pytest.raises(ApplicationError) as caught:
        services.opinion_record(
            actor=office_clerk,
            unit=f.unit(),
            draft=draft,
            text="x",
            submitted_on=timezone.localdate(),
        )
    assert caught.value.field == "meeting"
    with pytest.raises(ApplicationError) as caught:
        services.opinion_record(
            actor=office_clerk,
            unit=f.unit(),
            draft=draft,
            meeting="会",
            text="x",
            submitted_on=draft.opens_on - timedelta(days=1),
        )
    assert caught.value.field == "submitted_on"


def test_the_publishing_bureau_answers_with_a_reason_and_no_one_else_may(
    city_officer, citizen, office_clerk
):
    # given
    draft = f.draft(actor=city_officer)
    opinion = services.opinion_submit_online(actor=citizen, draft=draft, text="意见")
    # then
    with pytest.raises(ApplicationError) as caught:
        services.opinion_answer(actor=city_officer, opinion=opinion, adoption=Adoption.NOT_ADOPTED)
    assert caught.value.field == "reason"
    with pytest.raises(PermissionDenied):
        services.opinion_answer(actor=office_clerk, opinion=opinion, adoption=Adoption.ADOPTED)
    # when
    services.opinion_answer(
        actor=city_officer, opinion=opinion, adoption=Adoption.PARTLY, reason="部分采纳"
    )
    # then
    opinion.refresh_from_db()
    assert opinion.adoption == Adoption.PARTLY
    assert opinion.answered_by == city_officer
    assert "answer" in audit_actions(opinion)


# Juror selection ------------------------------------------------------------------------


def test_the_pool_multiple_and_the_age_cannot_go_below_the_law(district_reviewer):
    for kwargs, field in (({"pool_multiple": 4}, "pool_multiple"), ({"min_age": 25}, "min_age")):
        with pytest.raises(ApplicationError) as caught:
            services.round_create(
                actor=district_reviewer,
                unit=f.unit("610102"),
                title="选任",
                court_name="法院",
                quota=1,
                **kwargs,
            )
        assert caught.value.field == field


def test_an_office_cannot_open_a_round(office_director):
    with pytest.raises(ApplicationError):
        f.juror_round(actor=office_director, district="610102001")


def test_the_draw_takes_only_people_old_enough_and_is_reproducible_from_its_seed(
    district_reviewer,
):
    # given: six adults and one person of 27 in 新城区, one adult elsewhere
    today = timezone.localdate()
    adults = [f.person(name=f"成年{n}") for n in range(6)]
    young = f.person(born=today.replace(year=today.year - 27), name="年轻人")
    elsewhere = f.person(office="610116001", name="外区")
    # when
    one = services.round_draw(
        actor=district_reviewer,
        juror_round=f.juror_round(actor=district_reviewer),
        draw_date=today,
        seed="s1",
    )
    two = services.round_draw(
        actor=district_reviewer,
        juror_round=f.juror_round(actor=district_reviewer),
        draw_date=today,
        seed="s1",
    )
    # then
    drawn_one = list(one.candidates.order_by("draw_position").values_list("person", flat=True))
    drawn_two = list(two.candidates.order_by("draw_position").values_list("person", flat=True))
    assert len(drawn_one) == 5
    assert drawn_one == drawn_two
    assert young.pk not in drawn_one
    assert elsewhere.pk not in drawn_one
    assert set(drawn_one) <= {p.pk for p in adults}
    assert one.status == RoundStatus.DRAWN
    assert one.seed == "s1"
    assert one.pool_size == 6
    assert one.offices.filter(code="610102001").exists()
    assert one.verify_by is not None
    assert "draw" in audit_actions(one)


def test_a_pool_too_small_is_refused(district_reviewer):
    f.person()
    with pytest.raises(ApplicationError):
        services.round_draw(
            actor=district_reviewer,
            juror_round=f.juror_round(actor=district_reviewer),
            draw_date=timezone.localdate(),
        )


def test_the_office_verifies_and_the_district_decides(office_clerk, district_reviewer, other_clerk):
    # given
    juror_round = f.drawn_round(quota=1)
    candidates = list(JurorCandidate.objects.visible_to(office_clerk).filter(round=juror_round))
    assert len(candidates) >= 2
    assert all(c.unit.code == "610102001" for c in candidates)
    assert any("juror" in t.title or "陪审员" in t.title for t in todos_for(office_clerk))
    first, second = candidates[0], candidates[1]
    # when: the office checks the grounds and asks the person
    services.candidate_verify(
        actor=office_clerk,
        candidate=first,
        grounds=[],
        consent=Consent.AGREED,
        verified_on=timezone.localdate(),
    )
    services.candidate_verify(
        actor=office_clerk,
        candidate=second,
        grounds=[JurorExclusionGround.objects.get(code="CRIMINAL")],
        consent=Consent.AGREED,
        verified_on=timezone.localdate(),
    )
    # then
    assert first.eligibility == Eligibility.ELIGIBLE
    assert second.eligibility == Eligibility.INELIGIBLE
    assert not JurorCandidate.objects.visible_to(other_clerk).filter(pk=first.pk).exists()
    with pytest.raises(PermissionDenied):
        services.candidate_decide(
            actor=office_clerk, candidate=first, result=CandidateResult.SELECTED
        )
    with pytest.raises(ApplicationError):
        services.candidate_decide(
            actor=district_reviewer, candidate=second, result=CandidateResult.SELECTED
        )
    with pytest.raises(ApplicationError) as caught:
        services.candidate_decide(
            actor=district_reviewer, candidate=second, result=CandidateResult.EXCLUDED
        )
    assert caught.value.field == "reason"
    services.candidate_decide(
        actor=district_reviewer, candidate=first, result=CandidateResult.SELECTED
    )
    services.candidate_decide(
        actor=district_reviewer,
        candidate=second,
        result=CandidateResult.EXCLUDED,
        reason="受过刑事处罚",
    )
    # and the round cannot close while candidates wait
    with pytest.raises(ApplicationError):
        services.round_complete(actor=district_reviewer, juror_round=juror_round)


def test_the_quota_cannot_be_exceeded(office_clerk, district_reviewer):
    juror_round = f.drawn_round(quota=1)
    agreeing = []
    for candidate in JurorCandidate.objects.filter(round=juror_round)[:2]:
        services.candidate_verify(
            actor=None,
            candidate=candidate,
            grounds=[],
            consent=Consent.AGREED,
            verified_on=timezone.localdate(),
        )
        agreeing.append(candidate)
    services.candidate_decide(
        actor=district_reviewer, candidate=agreeing[0], result=CandidateResult.SELECTED
    )
    with pytest.raises(ApplicationError):
        services.candidate_decide(
            actor=district_reviewer, candidate=agreeing[1], result=CandidateResult.SELECTED
        )


# The "three rules" register -------------------------------------------------------------


def test_an_entry_is_edited_as_a_draft_then_frozen_once_submitted(office_clerk):
    # given
    entry = f.entry(actor=office_clerk)
    services.interference_update(
        actor=office_clerk,
        record=entry,
        version=entry.version,
        occurred_on=entry.occurred_on,
        category=entry.category,
        who="更正后的描述",
        case_reference=entry.case_reference,
        what_asked=entry.what_asked,
        handling=entry.handling,
        reported_to=entry.reported_to,
    )
    # when
    services.interference_submit(actor=office_clerk, record=entry, version=entry.version)
    # then: the service, the model and the database all refuse a change
    assert entry.status == EntryStatus.SUBMITTED
    assert entry.submitted_by == office_clerk
    with pytest.raises(ApplicationError):
        services.interference_update(
            actor=office_clerk,
            record=entry,
            version=entry.version,
            occurred_on=entry.occurred_on,
            category=entry.category,
            who="再改",
            case_reference=entry.case_reference,
            what_asked=entry.what_asked,
            handling=entry.handling,
        )
    stored = InterferenceRecord.objects.get(pk=entry.pk)
    stored.who = "偷偷改"
    with pytest.raises(ApplicationError):
        stored.save()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE governance_interferencerecord SET who = %s WHERE id = %s", ["篡改", entry.pk]
        )
    assert InterferenceRecord.objects.get(pk=entry.pk).who == "更正后的描述"


def test_submitting_needs_to_whom_it_was_reported(office_clerk):
    entry = services.interference_create(
        actor=office_clerk,
        unit=f.unit(),
        occurred_on=timezone.localdate(),
        category="INSIDER",
        who="法院工作人员",
        case_reference="案件",
        what_asked="询问",
        handling="拒绝",
    )
    with pytest.raises(ApplicationError) as caught:
        services.interference_submit(actor=office_clerk, record=entry)
    assert caught.value.field == "reported_to"


def test_annotations_are_append_only(office_clerk):
    # given
    entry = f.entry(actor=office_clerk, submit=True)
    # when
    note = services.interference_annotate(actor=office_clerk, record=entry, text="已通报")
    # then
    assert list(entry.annotations.values_list("text", flat=True)) == ["已通报"]
    note.text = "改写"
    with pytest.raises(ApplicationError):
        note.save()
    with pytest.raises(ApplicationError):
        note.delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE governance_interferenceannotation SET text = %s WHERE id = %s", ["x", note.pk]
        )
    assert InterferenceAnnotation.objects.get(pk=note.pk).text == "已通报"
    with pytest.raises(ApplicationError):
        entry.delete()


def test_a_draft_entry_is_not_annotated(office_clerk):
    with pytest.raises(ApplicationError):
        services.interference_annotate(
            actor=office_clerk, record=f.entry(actor=office_clerk), text="x"
        )


def test_the_district_and_the_city_see_the_entries_of_their_offices(
    office_clerk, district_reviewer, city_officer, other_clerk
):
    entry = f.entry(actor=office_clerk, submit=True)
    for user in (district_reviewer, city_officer):
        assert InterferenceRecord.objects.visible_to(user).filter(pk=entry.pk).exists()
    assert not InterferenceRecord.objects.visible_to(other_clerk).filter(pk=entry.pk).exists()
    # and they cannot annotate another unit's entry
    with pytest.raises(PermissionDenied):
        services.interference_annotate(actor=district_reviewer, record=entry, text="x")


def test_refusals_speak_english_in_the_english_interface(office_clerk):
    with translation.override("en"), pytest.raises(ApplicationError) as caught:
        services.interference_annotate(
            actor=office_clerk, record=f.entry(actor=office_clerk), text="x"
        )
    assert "annotate" in caught.value.message
