"""The correction services: each rule and refusal, audit rows, scope and stale versions."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from sifasuo.core.errors import ApplicationError, ConcurrentModificationError
from sifasuo.core.models import AuditEvent
from sifasuo.correction import selectors, services, todos
from sifasuo.correction.choices import MeasureStatus, RequestStatus, SubjectStatus
from sifasuo.correction.models import CorrectionSubject, DisciplineRule
from sifasuo.orgs.models import Unit
from tests.correction import factories
from tests.correction.factories import today

pytestmark = pytest.mark.django_db


def days(n: int):
    return today() - timedelta(days=n)


def ahead(n: int):
    return today() + timedelta(days=n)


# Registration and reception -----------------------------------------------------------


def test_registering_starts_the_report_in_deadline_and_audits_field_names_only(office_clerk):
    # when
    subject = factories.registered(actor=office_clerk, effective=days(3))
    # then: art. 21, ten calendar days; entrusted by the office's district bureau
    assert subject.report_in_due == days(3) + timedelta(days=10)
    assert subject.status == SubjectStatus.AWAITING_REPORT
    assert subject.entrusting_agency.code == "610102"
    assert subject.class_changes.count() == 1
    row = AuditEvent.objects.get(action="create", object_id=str(subject.public_id))
    assert "crime" in row.changes["fields"]
    assert factories.CRIME not in json.dumps(row.changes, ensure_ascii=False)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"office": "610102001T01"}, "judicial office"),
        ({"period_start": days(10), "period_end": days(20)}, "cannot end before"),
        ({"effective": ahead(2)}, "future"),
    ],
)
def test_registration_refuses_bad_input(office_clerk, kwargs, message, settings):
    # given
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    # when / then
    with translation.override("en"), pytest.raises(ApplicationError, match=message):
        factories.registered(actor=None, **kwargs)


def test_a_person_cannot_be_registered_twice_while_in_correction(office_clerk):
    # given
    subject = factories.registered(actor=office_clerk)
    # when / then
    with pytest.raises(ApplicationError):
        factories.registered(actor=office_clerk, person=subject.person)


def test_a_clerk_cannot_register_at_another_office(office_clerk):
    # when / then: the record would leave the actor's scope
    with pytest.raises(PermissionDenied):
        factories.registered(actor=office_clerk, office="610116001")


def test_reception_schedules_reports_and_visits_by_class(office_clerk):
    # given
    subject = factories.registered(actor=office_clerk)
    # when
    subject = services.subject_receive(
        actor=office_clerk, subject=subject, received_on=days(2), version=subject.version
    )
    # then: 严管 reports weekly and is visited every 15 days (class rules data)
    assert subject.status == SubjectStatus.UNDER_CORRECTION
    assert subject.report_due == days(2) + timedelta(days=7)
    assert subject.visit_due == days(2) + timedelta(days=15)
    assert AuditEvent.objects.filter(action="receive", object_id=str(subject.public_id)).exists()


def test_reception_refusals_and_a_stale_version(office_clerk, other_clerk):
    # given
    subject = factories.registered(actor=office_clerk, effective=days(5))
    stale = subject.version
    # then: before the judgment, and by another office
    with pytest.raises(ApplicationError):
        services.subject_receive(actor=office_clerk, subject=subject, received_on=days(6))
    with pytest.raises(ApplicationError):
        services.subject_receive(actor=other_clerk, subject=subject, received_on=days(1))
    services.subject_set_plan  # noqa: B018 - the plan needs reception first (checked below)
    with pytest.raises(ApplicationError):
        services.subject_set_plan(actor=office_clerk, subject=subject, plan="x", review_on=None)
    # when: someone else saves first
    copy = CorrectionSubject.objects.get(pk=subject.pk)
    services.subject_receive(actor=office_clerk, subject=copy, received_on=days(1))
    # then
    with pytest.raises(ConcurrentModificationError):
        services.subject_receive(
            actor=office_clerk, subject=subject, received_on=days(1), version=stale
        )


def test_announcement_plan_and_team(office_clerk):
    # given
    subject = factories.received(actor=office_clerk)
    # when
    services.subject_announce(actor=office_clerk, subject=subject, announced_on=days(50))
    services.subject_set_plan(
        actor=office_clerk, subject=subject, plan="每周报告", review_on=ahead(30)
    )
    member = services.team_member_add(
        actor=office_clerk, subject=subject, role="FAMILY", name="赵父"
    )
    # then
    subject.refresh_from_db()
    assert subject.announced_on == days(50)
    assert subject.plan_review_on == ahead(30)
    assert member.display_name == "赵父"
    with pytest.raises(ApplicationError):
        services.team_member_add(actor=office_clerk, subject=subject, role="FAMILY", name="")


# Supervision ----------------------------------------------------------------------------


def test_a_report_moves_the_next_due_and_records_whether_it_was_late(office_clerk):
    # given: received 55 days ago, strict (weekly): the first report was due 48 days ago
    subject = factories.received(actor=office_clerk)
    # when
    contact = services.contact_record(
        actor=office_clerk, subject=subject, kind="PHONE", occurred_on=days(3)
    )
    # then
    subject.refresh_from_db()
    assert contact.was_late
    assert subject.last_report_on == days(3)
    assert subject.report_due == days(3) + timedelta(days=7)
    assert not subject.is_overdue or subject.visit_days_overdue


def test_report_refusals(office_clerk):
    subject = factories.registered(actor=office_clerk)
    with pytest.raises(ApplicationError):  # not yet received
        services.contact_record(
            actor=office_clerk, subject=subject, kind="PHONE", occurred_on=today()
        )
    subject = services.subject_receive(actor=office_clerk, subject=subject, received_on=days(5))
    with pytest.raises(ApplicationError):  # in the future
        services.contact_record(
            actor=office_clerk, subject=subject, kind="PHONE", occurred_on=ahead(1)
        )
    with pytest.raises(ApplicationError):  # before the reception
        services.contact_record(
            actor=office_clerk, subject=subject, kind="PHONE", occurred_on=days(9)
        )


def test_a_report_missed_by_one_day_is_overdue_at_once_and_escalated_after_the_grace(
    office_clerk, district_reviewer
):
    # given
    one_day = factories.with_report_overdue(days=1, actor=office_clerk, name="钱一天")
    four_days = factories.with_report_overdue(days=4, actor=office_clerk, name="孙四天")
    # then: overdue at once, on the office's to-do list
    assert one_day.is_overdue
    assert one_day.report_days_overdue == 1
    office_items = [t for t in todos.correction_todos(office_clerk) if "钱一天" in t.title]
    assert any(t.overdue for t in office_items)
    # then: the district sees only what is older than the 3-day grace
    district = [t.title for t in todos.correction_todos(district_reviewer)]
    assert any("孙四天" in t for t in district)
    assert not any("钱一天" in t for t in district)
    rows = {r.subject.pk: r for r in selectors.board_rows(user=office_clerk)}
    assert rows[one_day.pk].days == 1
    assert not rows[one_day.pk].escalated
    assert rows[four_days.pk].escalated


def test_hours_and_class_change(office_clerk):
    # given
    subject = factories.received(actor=office_clerk)
    services.contact_record(
        actor=office_clerk, subject=subject, kind="WRITTEN", occurred_on=days(1)
    )
    subject.refresh_from_db()
    # when
    services.activity_record(
        actor=office_clerk, subject=subject, kind="EDUCATION", held_on=today(), hours=Decimal("3")
    )
    subject = services.class_change(
        actor=office_clerk,
        subject=subject,
        to_class="NORMAL",
        changed_on=today(),
        reason="表现良好",
        version=subject.version,
    )
    # then: the next report follows the new class (普管 every 14 days)
    assert subject.report_due == days(1) + timedelta(days=14)
    assert selectors.monthly_hours(subject)["education"] == Decimal("3")
    assert subject.class_changes.count() == 2
    with pytest.raises(ApplicationError):
        services.class_change(
            actor=office_clerk, subject=subject, to_class="NORMAL", changed_on=today(), reason="x"
        )
    with pytest.raises(ApplicationError):
        services.activity_record(
            actor=office_clerk,
            subject=subject,
            kind="EDUCATION",
            held_on=today(),
            hours=Decimal("30"),
        )


# Applications -----------------------------------------------------------------------


def leave(actor, subject, length):
    return services.request_submit(
        actor=actor,
        subject=subject,
        kind="LEAVE",
        destination="咸阳市",
        reason="探亲",
        applied_on=today(),
        start_on=ahead(1),
        end_on=ahead(length),
    )


def test_the_office_approves_leave_within_its_limit_and_a_return_falls_due(office_clerk):
    # given: seven days of leave that ended three days ago
    subject = factories.received(actor=office_clerk)
    request = services.request_submit(
        actor=office_clerk,
        subject=subject,
        kind="LEAVE",
        destination="咸阳市",
        reason="探亲",
        applied_on=days(10),
        start_on=days(9),
        end_on=days(3),
    )
    # when
    request = services.request_office_decide(
        actor=office_clerk, request=request, approve=True, opinion="", decided_on=days(10)
    )
    # then: approved at the office, to report back the day after
    assert request.status == RequestStatus.APPROVED
    assert request.return_due == days(2)
    assert request.awaiting_return
    assert request.return_days_overdue == 2
    with pytest.raises(ApplicationError):  # not before the leave started
        services.request_return(actor=office_clerk, request=request, returned_on=days(10))
    request = services.request_return(actor=office_clerk, request=request, returned_on=days(2))
    assert not request.awaiting_return


def test_longer_leave_goes_to_the_district_which_decides(office_clerk, district_reviewer):
    # given
    subject = factories.received(actor=office_clerk)
    request = leave(office_clerk, subject, 10)
    # when: the office gives its opinion
    request = services.request_office_decide(
        actor=office_clerk, request=request, approve=True, opinion="建议批准", decided_on=today()
    )
    # then
    assert request.status == RequestStatus.PENDING_DISTRICT
    assert any("赵矫正" in t.title for t in todos.correction_todos(district_reviewer))
    with pytest.raises(ApplicationError):  # the office cannot decide for the district
        services.request_district_decide(
            actor=office_clerk, request=request, approve=True, decision="", decided_on=today()
        )
    request = services.request_district_decide(
        actor=district_reviewer, request=request, approve=True, decision="同意", decided_on=today()
    )
    assert request.status == RequestStatus.APPROVED


def test_application_refusals(office_clerk):
    subject = factories.received(actor=office_clerk)
    with pytest.raises(ApplicationError):  # more than 30 days in one approval
        leave(office_clerk, subject, 31)
    with pytest.raises(ApplicationError):  # leave needs dates
        services.request_submit(
            actor=office_clerk,
            subject=subject,
            kind="LEAVE",
            destination="x",
            reason="y",
            applied_on=today(),
        )
    request = services.request_submit(
        actor=office_clerk,
        subject=subject,
        kind="RESIDENCE",
        destination="西安市雁塔区",
        reason="购房迁居",
        applied_on=today(),
    )
    with pytest.raises(ApplicationError):  # refusing needs a reason
        services.request_office_decide(
            actor=office_clerk, request=request, approve=False, opinion="", decided_on=today()
        )
    request = services.request_office_decide(
        actor=office_clerk, request=request, approve=True, opinion="", decided_on=today()
    )
    assert request.status == RequestStatus.PENDING_DISTRICT  # residence: the district decides


def test_an_overdue_return_counts_as_out_of_contact(office_clerk):
    # given: a leave that ended three days ago without a report back
    subject = factories.received(actor=office_clerk)
    services.contact_record(actor=office_clerk, subject=subject, kind="PHONE", occurred_on=today())
    subject.refresh_from_db()
    request = services.request_submit(
        actor=office_clerk,
        subject=subject,
        kind="LEAVE",
        destination="x",
        reason="y",
        applied_on=days(8),
        start_on=days(7),
        end_on=days(3),
    )
    services.request_office_decide(
        actor=office_clerk, request=request, approve=True, opinion="", decided_on=days(8)
    )
    # then
    (row,) = [r for r in selectors.board_rows(user=office_clerk) if r.subject.pk == subject.pk]
    assert row.return_days == 2
    assert [p.kind for p in selectors.proposals_for(subject)] == ["ADMONITION"]


def test_electronic_monitoring_periods(office_clerk):
    subject = factories.received(actor=office_clerk)
    first = services.monitoring_start(
        actor=office_clerk,
        subject=subject,
        start_on=days(10),
        end_on=days(10) + timedelta(days=80),
        reason="经审批",
    )
    with pytest.raises(ApplicationError):  # more than three months
        services.monitoring_start(
            actor=office_clerk, subject=subject, start_on=ahead(100), end_on=ahead(200), reason="x"
        )
    with pytest.raises(ApplicationError):  # overlapping
        services.monitoring_start(
            actor=office_clerk, subject=subject, start_on=days(5), end_on=ahead(5), reason="x"
        )
    renewal = services.monitoring_start(
        actor=office_clerk,
        subject=subject,
        start_on=first.end_on + timedelta(days=1),
        end_on=first.end_on + timedelta(days=60),
        reason="续期",
    )
    assert renewal.renews == first


# Discipline ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overdue", "proposed"),
    [(1, "ADMONITION"), (10, "ADMONITION"), (11, "WARNING"), (31, "REVOCATION")],
)
def test_out_of_contact_thresholds_propose_a_measure(office_clerk, overdue, proposed):
    # given
    subject = factories.with_report_overdue(days=overdue, actor=office_clerk, received_days_ago=90)
    # when
    proposals = selectors.proposals_for(subject)
    # then
    assert [p.kind for p in proposals] == [proposed]


def test_a_recorded_measure_settles_the_proposal_and_repeats_escalate(office_clerk):
    # given
    subject = factories.with_report_overdue(days=2, actor=office_clerk)
    (proposal,) = selectors.proposals_for(subject)
    # when: the office records the admonition (it decides admonitions as entrusted)
    first = services.measure_record(
        actor=office_clerk,
        subject=subject,
        kind="ADMONITION",
        facts="迟报",
        proposed_on=today(),
        rule=proposal.rule,
    )
    # then
    assert first.status == MeasureStatus.DECIDED
    assert selectors.proposals_for(subject) == []
    # when: a second admonition
    services.measure_record(
        actor=office_clerk,
        subject=subject,
        kind="ADMONITION",
        facts="再次迟报",
        proposed_on=today(),
    )
    # then: two admonitions propose a warning
    assert [p.rule.code for p in selectors.proposals_for(subject)] == ["admonitions.warning"]


def test_warnings_are_proposed_to_and_decided_by_the_district(office_clerk, district_reviewer):
    # given
    subject = factories.received(actor=office_clerk)
    services.contact_record(actor=office_clerk, subject=subject, kind="PHONE", occurred_on=today())
    subject.refresh_from_db()
    warnings = [
        services.measure_record(
            actor=office_clerk,
            subject=subject,
            kind="WARNING",
            facts="违反规定",
            proposed_on=today(),
        )
        for _ in range(2)
    ]
    # then: proposed, not decided, by the office
    assert {w.status for w in warnings} == {MeasureStatus.PROPOSED}
    with pytest.raises(ApplicationError):
        services.measure_decide(
            actor=office_clerk, measure=warnings[0], approve=True, note="", decided_on=today()
        )
    for w in warnings:
        services.measure_decide(
            actor=district_reviewer, measure=w, approve=True, note="", decided_on=today()
        )
    # then: two warnings propose revocation
    assert [p.kind for p in selectors.proposals_for(subject)] == ["REVOCATION"]
    with pytest.raises(ApplicationError):
        services.measure_decide(
            actor=district_reviewer, measure=warnings[0], approve=True, note="", decided_on=today()
        )


def test_rules_are_data(office_clerk):
    # given: the bureau switches off the out-of-contact admonition
    DisciplineRule.objects.filter(code="lost_contact.admonition").update(is_active=False)
    subject = factories.with_report_overdue(days=2, actor=office_clerk)
    # then
    assert selectors.proposals_for(subject) == []


# The end ---------------------------------------------------------------------------


def test_ending_at_term_issues_a_certificate_and_moves_the_person_to_resettlement(office_clerk):
    from sifasuo.resettlement.models import ReleasedPerson

    # given: the period ended yesterday
    subject = factories.received(
        actor=office_clerk,
        period_start=days(400),
        period_end=days(1),
        effective=days(400),
        received_days_ago=395,
    )
    with pytest.raises(ApplicationError):  # not before the end of the period
        services.subject_end(
            actor=office_clerk, subject=subject, reason="PERIOD_END", ended_on=days(2)
        )
    # when
    subject = services.subject_end(
        actor=office_clerk, subject=subject, reason="PERIOD_END", ended_on=today()
    )
    # then
    assert subject.status == SubjectStatus.ENDED
    assert "矫解字第" in subject.certificate_number
    released = ReleasedPerson.objects.get(person=subject.person)
    assert released.release_type == "PROBATION_END"
    assert released.unit == subject.unit


def test_revocation_and_death_end_without_resettlement(office_clerk):
    from sifasuo.resettlement.models import ReleasedPerson

    revoked = factories.received(actor=office_clerk, name="周撤销")
    dead = factories.registered(actor=office_clerk, name="吴死亡")
    services.subject_end(actor=office_clerk, subject=revoked, reason="REVOCATION", ended_on=today())
    services.subject_end(actor=office_clerk, subject=dead, reason="DEATH", ended_on=today())
    assert CorrectionSubject.objects.get(pk=revoked.pk).status == SubjectStatus.REVOKED
    assert CorrectionSubject.objects.get(pk=dead.pk).status == SubjectStatus.DECEASED
    assert not ReleasedPerson.objects.filter(person__in=[revoked.person, dead.person]).exists()
    with pytest.raises(ApplicationError):
        services.subject_end(actor=office_clerk, subject=revoked, reason="DEATH", ended_on=today())


# Reveal and storage ----------------------------------------------------------------


def test_reveal_needs_the_right_and_a_reason(office_clerk, office_director):
    subject = factories.received(actor=office_clerk)
    with pytest.raises(ApplicationError):
        services.subject_reveal(actor=office_director, subject=subject, field="crime", reason=" ")
    with pytest.raises(PermissionDenied):
        services.subject_reveal(actor=office_clerk, subject=subject, field="crime", reason="核对")
    value = services.subject_reveal(
        actor=office_director, subject=subject, field="crime", reason="核对判决"
    )
    assert value == factories.CRIME
    rows = AuditEvent.objects.filter(action="reveal", object_id=str(subject.public_id))
    assert {r.outcome for r in rows} == {"SUCCESS", "DENIED"}
    assert rows.get(outcome="SUCCESS").reason == "核对判决"


def test_raw_sql_shows_no_plaintext_id_phone_address_or_crime(office_clerk):
    # given
    number = factories.id_number()
    subject = factories.received(
        actor=office_clerk,
        person=factories.person(number=number),
        has_prohibition_order=True,
        prohibition_content="禁止进入酒吧",
    )
    services.request_submit(
        actor=office_clerk,
        subject=subject,
        kind="RESIDENCE",
        destination="西安市雁塔区某小区",
        reason="迁居",
        applied_on=today(),
    )
    # when
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT crime, sentence, criminal_facts, prohibition_content "
            "FROM correction_correctionsubject WHERE id = %s",
            [subject.pk],
        )
        stored = " ".join(cursor.fetchone())
        cursor.execute(
            "SELECT id_number, phone, address FROM people_person WHERE id = %s", [subject.person_id]
        )
        stored += " ".join(cursor.fetchone())
        cursor.execute("SELECT destination, reason FROM correction_supervisionrequest")
        stored += " ".join(v for row in cursor.fetchall() for v in row)
    # then
    for plaintext in (
        factories.CRIME,
        "缓刑",
        "入户盗窃",
        "酒吧",
        number,
        factories.PHONE,
        "西一路",
        "雁塔",
    ):
        assert plaintext not in stored
    assert stored.startswith("sm4gcm:")


def test_another_office_sees_nothing(office_clerk, other_clerk):
    # given
    subject = factories.received(actor=office_clerk)
    # then: lists, counts and search of another office exclude it
    assert not selectors.subject_list(user=other_clerk).filter(pk=subject.pk).exists()
    assert not selectors.subject_lookup_by_document(
        user=other_clerk, id_type="RESIDENT_ID", id_number=subject.person.id_number
    ).exists()
    from sifasuo.core.measures import registry

    assert registry.get("correction.subjects").value(other_clerk) == 0
    assert registry.get("correction.subjects").value(office_clerk) == 1
    assert Unit.objects.get(code="610116001") != subject.unit
