"""Services of the resettlement ledger: each rule, each refusal, audit rows, scope, versions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import translation

from sifasuo.core.errors import ApplicationError, ConcurrentModificationError
from sifasuo.core.models import AuditEvent, DeadlineRule
from sifasuo.orgs.models import Unit
from sifasuo.resettlement import services
from sifasuo.resettlement.choices import (
    HandoverMethod,
    MeasureKind,
    MeasureResult,
    PersonStatus,
    ReleaseType,
    RiskLevel,
    TeamRole,
    VisitMethod,
)
from sifasuo.resettlement.models import AssistancePeriodRule, ReleasedPerson
from tests.resettlement import factories
from tests.resettlement.factories import today

pytestmark = pytest.mark.django_db


def _audit(action: str, obj) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(action=action, object_id=str(getattr(obj, "public_id", obj.pk)))
    )


# Registration and the assistance period -------------------------------------------------------


def test_register_computes_the_period_and_the_deadlines(office_clerk):
    # given: a notice received today for a key person released in 30 days
    released = today() + timedelta(days=30)
    # when
    rp = factories.awaiting(actor=office_clerk, released_on=released, key=True)
    # then
    assert rp.status == PersonStatus.AWAITING
    assert rp.period_years == 5
    assert rp.period_end == released.replace(year=released.year + 5)
    assert rp.family_notice_due == today() + timedelta(days=3)
    assert rp.visit_due == released + timedelta(days=7)
    assert rp.file_due == released + timedelta(days=5)
    assert rp.known_due == released + timedelta(days=3)
    assert rp.report_due == released + timedelta(days=20)
    assert [d.code for d in rp.open_deadlines()] == [
        "family",
        "gate",
        "known",
        "file",
        "visit",
        "police",
    ]
    assert len(_audit("create", rp)) == 1


@pytest.mark.parametrize(
    ("release_type", "years"),
    [
        (ReleaseType.PRISON, 5),
        (ReleaseType.DETENTION, 5),
        (ReleaseType.PAROLE_END, 5),
        (ReleaseType.MEDICAL_PAROLE_END, 5),
        (ReleaseType.PROBATION_END, 3),
        (ReleaseType.CONTROL_END, 3),
    ],
)
def test_the_period_follows_the_release_type_rule(office_clerk, release_type, years):
    # when
    rp = factories.awaiting(actor=office_clerk, release_type=release_type)
    # then
    assert rp.period_years == years


def test_the_period_rule_is_data(office_clerk):
    # given: the bureau sets 4 years after prison
    AssistancePeriodRule.objects.filter(release_type=ReleaseType.PRISON).update(years=4)
    # when
    rp = factories.awaiting(actor=office_clerk)
    # then
    assert rp.period_years == 4


def test_a_deadline_rule_change_applies_to_new_files(office_clerk):
    # given
    DeadlineRule.objects.filter(code="resettlement.return_visit").update(days=10)
    # when
    rp = factories.awaiting(actor=office_clerk)
    # then
    assert rp.visit_due == rp.released_on + timedelta(days=10)


def test_a_file_is_kept_by_an_office(office_clerk):
    # given
    district = Unit.objects.get(code="610102")
    # when / then
    with translation.override("en"), pytest.raises(ApplicationError, match="judicial office"):
        factories.awaiting(actor=None, office=district)


def test_a_second_open_file_for_the_same_person_is_refused_and_audited(office_clerk):
    # given
    rp = factories.awaiting(actor=office_clerk)
    # when
    with translation.override("en"), pytest.raises(ApplicationError, match="open resettlement"):
        services.released_person_register(
            actor=office_clerk,
            unit=rp.unit,
            person=rp.person,
            release_type=ReleaseType.PRISON,
            released_on=today() + timedelta(days=100),
        )


def test_the_notice_comes_before_the_release(office_clerk):
    with translation.override("en"), pytest.raises(ApplicationError, match="before the release"):
        factories.awaiting(
            actor=office_clerk,
            released_on=today() - timedelta(days=5),
            notice_received_on=today(),
        )


def test_another_office_cannot_open_a_file_here(other_clerk):
    with pytest.raises(PermissionDenied):
        factories.awaiting(actor=other_clerk)
    assert not ReleasedPerson.objects.exists()


def test_a_district_officer_cannot_open_a_file(district_reviewer):
    with pytest.raises(PermissionDenied):
        factories.awaiting(actor=district_reviewer)


def test_a_late_notice_is_flagged(office_clerk):
    # when: the notice arrives 10 days before release
    rp = factories.awaiting(
        actor=office_clerk,
        released_on=today() + timedelta(days=10),
        notice_received_on=today(),
    )
    # then
    assert rp.notice_late


def test_person_for_links_the_registry_person_by_number(office_clerk):
    # given
    first = factories.person(name="赵强")
    # when
    again = services.person_for(
        actor=office_clerk,
        unit=first.unit,
        entry=services.PersonInput(name="赵强", id_number=first.id_number),
    )
    # then
    assert again.pk == first.pk
    with translation.override("en"), pytest.raises(ApplicationError, match="another name"):
        services.person_for(
            actor=office_clerk,
            unit=first.unit,
            entry=services.PersonInput(name="别人", id_number=first.id_number),
        )


# Hand-over --------------------------------------------------------------------------------


def test_family_notice_then_gate_hand_over(office_clerk):
    # given: a key person released today
    rp = factories.awaiting(actor=office_clerk, released_on=today(), key=True)
    # when
    rp = services.released_person_notify_family(
        actor=office_clerk, released_person=rp, notified_on=today(), version=rp.version
    )
    rp = services.released_person_hand_over(
        actor=office_clerk,
        released_person=rp,
        handed_over_on=today(),
        method=HandoverMethod.MET_AT_GATE,
        handed_over_by="刘干事、社区主任、家属",
        version=rp.version,
    )
    # then
    assert rp.status == PersonStatus.ASSISTING
    assert rp.reported_on is None
    codes = [d.code for d in rp.open_deadlines()]
    assert "gate" not in codes
    assert "family" not in codes
    assert "police" not in codes
    assert "known" in codes
    assert len(_audit("hand_over", rp)) == 1


def test_hand_over_before_release_is_refused(office_clerk):
    rp = factories.awaiting(actor=office_clerk, released_on=today() + timedelta(days=2))
    with translation.override("en"), pytest.raises(ApplicationError, match="before the release"):
        services.released_person_hand_over(
            actor=office_clerk,
            released_person=rp,
            handed_over_on=today(),
            method=HandoverMethod.REPORTED_IN,
            handed_over_by="值班",
            version=rp.version,
        )


def test_hand_over_needs_who(office_clerk):
    rp = factories.awaiting(actor=office_clerk, released_on=today())
    with pytest.raises(ApplicationError) as exc:
        services.released_person_hand_over(
            actor=office_clerk,
            released_person=rp,
            handed_over_on=today(),
            method=HandoverMethod.MET_AT_GATE,
            handed_over_by=" ",
            version=rp.version,
        )
    assert exc.value.field == "handed_over_by"


def test_reported_in_hand_over_sets_the_report_date(office_clerk):
    rp = factories.assisting(actor=office_clerk, days_ago=3)
    assert rp.reported_on == rp.released_on
    assert rp.handover_method == HandoverMethod.REPORTED_IN


def test_a_stale_version_is_refused(office_clerk):
    # given: two users loaded the file; one saves first
    rp = factories.awaiting(actor=office_clerk, released_on=today())
    stale = ReleasedPerson.objects.get(pk=rp.pk)
    services.released_person_notify_family(
        actor=office_clerk, released_person=rp, notified_on=today(), version=rp.version
    )
    # when / then
    with pytest.raises(ConcurrentModificationError):
        services.released_person_notify_family(
            actor=office_clerk, released_person=stale, notified_on=today(), version=stale.version
        )


def test_a_missed_gate_is_overdue_and_then_the_police_report(office_clerk):
    # given: a key person released 21 days ago, never handed over
    rp = factories.awaiting(actor=office_clerk, released_on=today() - timedelta(days=21), key=True)
    # then
    overdue = {d.code for d in rp.open_deadlines() if d.overdue}
    assert {"gate", "known", "visit", "file", "police"} <= overdue
    assert rp.is_overdue
    # when: reported to the police as not reported in
    rp = services.released_person_report_lost_contact(
        actor=office_clerk,
        released_person=rp,
        lost_contact_on=rp.released_on,
        police_reported_on=today(),
        police_station="西一路派出所",
        version=rp.version,
    )
    # then
    assert rp.status == PersonStatus.LOST_CONTACT
    assert rp.open_deadlines() == []
    # when: found again
    rp = services.released_person_restore_contact(
        actor=office_clerk, released_person=rp, restored_on=today(), version=rp.version
    )
    assert rp.status == PersonStatus.ASSISTING
    assert rp.handed_over_on == today()


def test_lost_contact_needs_a_released_person_and_a_station(office_clerk):
    rp = factories.awaiting(actor=office_clerk)
    with translation.override("en"), pytest.raises(ApplicationError, match="not been released"):
        services.released_person_report_lost_contact(
            actor=office_clerk,
            released_person=rp,
            lost_contact_on=today(),
            police_reported_on=today(),
            police_station="派出所",
            version=rp.version,
        )
    done = factories.assisting(actor=office_clerk, name="钱七")
    with pytest.raises(ApplicationError) as exc:
        services.released_person_report_lost_contact(
            actor=office_clerk,
            released_person=done,
            lost_contact_on=today(),
            police_reported_on=today(),
            police_station="",
            version=done.version,
        )
    assert exc.value.field == "police_station"


# Assistance -------------------------------------------------------------------------------


def test_team_agreement_visit_measure_and_risk(office_clerk):
    # given
    rp = factories.assisting(actor=office_clerk, days_ago=2)
    # when: the agreement cannot come before the team
    with translation.override("en"), pytest.raises(ApplicationError, match="team"):
        services.released_person_sign_agreement(
            actor=office_clerk, released_person=rp, signed_on=today(), version=rp.version
        )
    member = services.team_member_add(
        actor=office_clerk, released_person=rp, name="刘干事", role=TeamRole.OFFICE
    )
    with pytest.raises(ApplicationError):
        services.team_member_add(
            actor=office_clerk, released_person=rp, name="刘干事", role=TeamRole.OFFICE
        )
    rp = services.released_person_sign_agreement(
        actor=office_clerk, released_person=rp, signed_on=today(), version=rp.version
    )
    visit = services.visit_record(
        actor=office_clerk,
        released_person=rp,
        visited_on=today(),
        method=VisitMethod.HOME,
        visitors="刘干事",
        notes="家中走访，情绪稳定",
    )
    measure = services.measure_add(
        actor=office_clerk, released_person=rp, kind=MeasureKind.EMPLOYMENT, started_on=today()
    )
    measure = services.measure_record_result(
        actor=office_clerk,
        measure=measure,
        result=MeasureResult.PLACED,
        result_on=today(),
        version=measure.version,
    )
    services.risk_assess(
        actor=office_clerk, released_person=rp, assessed_on=today(), level=RiskLevel.HIGH
    )
    # then
    rp.refresh_from_db()
    assert rp.first_visited_on == today()
    assert rp.agreement_signed_on == today()
    assert rp.risk_level == RiskLevel.HIGH
    assert [d.code for d in rp.open_deadlines()] == []
    assert len(_audit("create", member)) == 1
    assert len(_audit("create", visit)) == 1
    assert len(_audit("update", measure)) == 1
    with pytest.raises(ApplicationError):
        services.measure_record_result(
            actor=office_clerk,
            measure=measure,
            result=MeasureResult.NOT_PLACED,
            result_on=today(),
            version=measure.version,
        )


def test_a_visit_before_release_or_in_the_future_is_refused(office_clerk):
    rp = factories.assisting(actor=office_clerk, days_ago=2)
    for day in (today() - timedelta(days=5), today() + timedelta(days=1)):
        with pytest.raises(ApplicationError) as exc:
            services.visit_record(
                actor=office_clerk,
                released_person=rp,
                visited_on=day,
                method=VisitMethod.PHONE,
                visitors="刘干事",
            )
        assert exc.value.field == "visited_on"


def test_another_office_cannot_record_a_visit(office_clerk, other_clerk):
    rp = factories.assisting(actor=office_clerk)
    with pytest.raises(PermissionDenied):
        services.visit_record(
            actor=other_clerk,
            released_person=rp,
            visited_on=today(),
            method=VisitMethod.HOME,
            visitors="他人",
        )
    assert not rp.visits.exists()


def test_reoffending_closes_the_file(office_clerk):
    rp = factories.assisting(actor=office_clerk)
    rp = services.released_person_record_reoffence(
        actor=office_clerk,
        released_person=rp,
        reoffended_on=today(),
        note="涉嫌诈骗被刑事拘留",
        version=rp.version,
    )
    assert rp.status == PersonStatus.REOFFENDED
    assert rp.reoffence_note_masked == "******"
    with pytest.raises(ApplicationError):
        services.visit_record(
            actor=office_clerk,
            released_person=rp,
            visited_on=today(),
            method=VisitMethod.HOME,
            visitors="刘干事",
        )


def test_death_closes_the_file(office_clerk):
    rp = factories.assisting(actor=office_clerk)
    rp = services.released_person_record_death(
        actor=office_clerk, released_person=rp, died_on=today(), version=rp.version
    )
    assert rp.status == PersonStatus.DECEASED


def test_the_period_end_closes_files_and_not_before(office_clerk):
    # given: one file whose 3-year period ended, one still running
    ended = factories.assisting(
        actor=office_clerk, days_ago=365 * 3 + 5, release_type=ReleaseType.PROBATION_END
    )
    running = factories.assisting(actor=office_clerk, days_ago=30, name="孙八")
    with translation.override("en"), pytest.raises(ApplicationError, match="runs until"):
        services.released_person_close_period(
            actor=office_clerk, released_person=running, closed_on=today(), version=running.version
        )
    # when
    closed = services.close_ended_periods(actor=None)
    # then
    assert closed == 1
    ended.refresh_from_db()
    running.refresh_from_db()
    assert ended.status == PersonStatus.ENDED
    assert ended.ended_on == today()
    assert running.status == PersonStatus.ASSISTING
    assert len(_audit("close", ended)) == 1


def test_update_recomputes_the_period(office_clerk):
    rp = factories.awaiting(actor=office_clerk)
    rp = services.released_person_update(
        actor=office_clerk,
        released_person=rp,
        version=rp.version,
        release_type=ReleaseType.CONTROL_END,
        crime="新罪名",
    )
    assert rp.period_years == 3
    assert rp.crime == "新罪名"
    (row,) = _audit("update", rp)
    assert row.changes["fields"] == ["crime", "release_type"]
    assert "新罪名" not in str(row.changes)
    with pytest.raises(ApplicationError):
        services.released_person_update(
            actor=office_clerk, released_person=rp, version=rp.version, status="ENDED"
        )


# Reveal, audit, encryption ------------------------------------------------------------------


def test_reveal_needs_the_right_and_a_reason(office_clerk, office_director):
    rp = factories.awaiting(actor=office_clerk)
    with pytest.raises(ApplicationError):
        services.released_person_reveal(
            actor=office_director, released_person=rp, field="crime", reason=" "
        )
    with pytest.raises(PermissionDenied):
        services.released_person_reveal(
            actor=office_clerk, released_person=rp, field="crime", reason="核对"
        )
    value = services.released_person_reveal(
        actor=office_director, released_person=rp, field="crime", reason="核对帮教档案"
    )
    assert value == factories.CRIME
    rows = _audit("reveal", rp)
    assert {r.outcome for r in rows} == {"SUCCESS", "DENIED"}
    assert any(r.reason == "核对帮教档案" for r in rows)
    assert all(factories.CRIME not in str(r.changes) + r.reason for r in rows)


def test_raw_sql_shows_no_plaintext(office_clerk):
    # given
    rp = factories.assisting(actor=office_clerk)
    services.visit_record(
        actor=office_clerk,
        released_person=rp,
        visited_on=today(),
        method=VisitMethod.HOME,
        visitors="刘干事",
        notes="私密走访记录内容",
    )
    services.released_person_record_reoffence(
        actor=office_clerk,
        released_person=rp,
        reoffended_on=today(),
        note="重新犯罪的详细情况",
        version=rp.version,
    )
    request = factories.visitation(actor=office_clerk)
    # when
    dump = []
    with connection.cursor() as cursor:
        for table in (
            "resettlement_releasedperson",
            "resettlement_assistancevisit",
            "resettlement_visitationrequest",
            "people_person",
            "core_auditevent",
        ):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            dump.append(repr(cursor.fetchall()))
    text = "".join(dump)
    # then
    for secret in (
        rp.person.id_number,
        factories.PHONE,
        factories.ADDRESS,
        factories.CRIME,
        factories.SENTENCE,
        "私密走访记录内容",
        "重新犯罪的详细情况",
    ):
        assert secret not in text, secret
    assert request.applicant_phone == factories.PHONE


# From community correction -------------------------------------------------------------------


def test_released_person_from_correction_is_idempotent_with_the_right_period(office_clerk):
    # given
    person = factories.person(name="周缓刑")
    office = Unit.objects.get(code="610102001")
    ended = today() - timedelta(days=1)
    kwargs = {
        "person": person,
        "office": office,
        "release_type": ReleaseType.PROBATION_END,
        "released_on": ended,
        "crime": "危险驾驶罪",
        "sentence": "拘役三个月，缓刑六个月",
        "source_reference": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
    }
    # when
    first = services.released_person_from_correction(actor=office_clerk, **kwargs)
    second = services.released_person_from_correction(actor=office_clerk, **kwargs)
    # then
    assert first.pk == second.pk
    assert ReleasedPerson.objects.filter(person=person).count() == 1
    assert first.period_years == 3
    assert first.period_end == ended.replace(year=ended.year + 3)
    assert first.status == PersonStatus.ASSISTING
    assert first.handover_method == HandoverMethod.FROM_CORRECTION
    assert first.crime == "危险驾驶罪"
    assert len(_audit("create", first)) == 1
    parole = services.released_person_from_correction(
        actor=office_clerk,
        **{
            **kwargs,
            "person": factories.person(name="吴假释"),
            "source_reference": "other",
            "release_type": ReleaseType.PAROLE_END,
        },
    )
    assert parole.period_years == 5


def test_the_daily_command_closes_ended_periods(office_clerk):
    from io import StringIO

    from django.core.management import call_command

    # given
    rp = factories.assisting(
        actor=office_clerk, days_ago=365 * 3 + 1, release_type=ReleaseType.CONTROL_END
    )
    out = StringIO()
    # when
    call_command("close_resettlement_periods", stdout=out)
    call_command("close_resettlement_periods", stdout=out)
    # then
    rp.refresh_from_db()
    assert rp.status == PersonStatus.ENDED
    assert out.getvalue().splitlines()[-1].endswith(": 0")
