"""The public legal service services: happy paths, refusals, audit, scope, stale versions."""

from __future__ import annotations

import io
from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.utils import timezone, translation

from sifasuo.core import applications, sms
from sifasuo.core.applications import ApplicationStatus
from sifasuo.core.calendar import add_working_days
from sifasuo.core.errors import ApplicationError, ConcurrentModificationError
from sifasuo.core.models import AuditEvent
from sifasuo.legalservice import eligibility, services
from sifasuo.legalservice.choices import (
    AppointmentStatus,
    CentreDecision,
    Channel,
    ConsultationStatus,
    Eligibility,
    ExemptCategory,
    LegalAidStatus,
    Referral,
)
from sifasuo.legalservice.models import (
    Appointment,
    Consultation,
    EligibilityStandard,
    ServiceSlot,
)
from tests.legalservice import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def progress_log():
    """Every progress() call the services make, as the portal's listener would get it."""
    calls: list[dict] = []

    def listener(**kwargs):
        calls.append(kwargs)

    applications.listen(listener)
    yield calls
    applications._listeners.remove(listener)


def _audit(action: str, obj) -> bool:
    return AuditEvent.objects.filter(action=action, object_id=str(obj.public_id)).exists()


# Consultations -----------------------------------------------------------------------------


def test_a_walk_in_consultation_answered_at_the_counter(office_clerk):
    # given
    person = factories.person()
    # when
    c = factories.consultation(
        actor=office_clerk, person=person, referral=Referral.LEGAL_AID, referral_note="转援助"
    )
    # then
    assert c.status == ConsultationStatus.ANSWERED
    assert c.answered_by == office_clerk
    assert c.answered_on == c.received_on
    assert c.answer_due is None
    assert c.unit.code == "610102001"
    assert _audit("create", c)


def test_an_online_consultation_is_due_in_three_working_days(demo):
    # given
    received = timezone.localdate()
    # when
    c = factories.online_consultation()
    # then
    assert c.status == ConsultationStatus.PENDING
    assert c.answer_due == add_working_days(received, 3)
    assert not c.is_overdue


def test_an_old_unanswered_online_consultation_is_overdue(demo):
    # when
    c = factories.online_consultation(days_ago=10)
    # then
    assert c.is_overdue


def test_answering_tells_the_portal(office_clerk, progress_log):
    # given
    c = factories.online_consultation()
    # when
    services.consultation_answer(
        actor=office_clerk, consultation=c, answer="可以申请仲裁。", duration_minutes=15
    )
    # then
    c.refresh_from_db()
    assert c.status == ConsultationStatus.ANSWERED
    assert c.answered_by == office_clerk
    assert progress_log[-1]["status"] == ApplicationStatus.COMPLETED
    assert progress_log[-1]["message"] == "可以申请仲裁。"
    assert progress_log[-1]["record"] == c
    assert _audit("answer", c)


def test_an_answered_consultation_cannot_be_answered_again(office_clerk):
    # given
    c = factories.consultation(actor=office_clerk)
    # when / then
    with translation.override("en"), pytest.raises(ApplicationError, match="answered already"):
        services.consultation_answer(actor=office_clerk, consultation=c, answer="again")


def test_an_empty_answer_is_refused(office_clerk):
    # given
    c = factories.online_consultation()
    # when / then
    with pytest.raises(ApplicationError) as exc:
        services.consultation_answer(actor=office_clerk, consultation=c, answer="  ")
    assert exc.value.field == "answer"


def test_a_referral_note_needs_a_referral(office_clerk):
    with pytest.raises(ApplicationError) as exc:
        factories.consultation(actor=office_clerk, referral_note="去哪里？")
    assert exc.value.field == "referral"


def test_a_consultation_in_the_future_is_refused(office_clerk):
    with pytest.raises(ApplicationError) as exc:
        factories.consultation(
            actor=office_clerk, received_on=timezone.localdate() + timedelta(days=1)
        )
    assert exc.value.field == "received_on"


def test_a_consultation_belongs_to_an_office(office_clerk):
    # given: a committee is not an office
    from sifasuo.orgs.models import Unit

    committee = Unit.objects.get(code="610102001T01")
    # when / then
    with pytest.raises(ApplicationError):
        services.consultation_create(
            actor=None,
            office=committee,
            channel=Channel.WALK_IN,
            topic=factories.topic(),
            question="?",
            received_on=timezone.localdate(),
        )


def test_another_office_cannot_record_at_xiyilu(other_clerk):
    with pytest.raises(PermissionDenied):
        factories.consultation(actor=other_clerk)
    assert not Consultation.objects.filter(question="公司拖欠工资怎么办？").exists()


def test_a_stale_edit_is_refused(office_clerk):
    # given
    c = factories.consultation(actor=office_clerk)
    loaded = c.version
    services.consultation_update(
        actor=office_clerk, consultation=c, version=loaded, question="改过的问题"
    )
    stale = Consultation.objects.get(pk=c.pk)
    # when / then
    with pytest.raises(ConcurrentModificationError):
        services.consultation_update(
            actor=office_clerk, consultation=stale, version=loaded, question="又改"
        )


def test_the_portal_submit_records_an_online_consultation(citizen):
    # when
    c = services.consultation_submit_online(
        citizen=citizen,
        office=factories.office(),
        data={"topic": factories.topic("FAMILY"), "question": "离婚财产怎么分？"},
    )
    # then: the citizen sees their own; the office's ledger has it
    assert c.channel == Channel.ONLINE
    assert c.citizen == citizen
    assert Consultation.objects.visible_to(citizen).filter(pk=c.pk).exists()
    assert c.answer_due is not None


def test_the_consultation_kinds_are_registered():
    # then
    assert {"CONSULTATION", "LEGAL_AID", "APPOINTMENT"} <= {k.code for k in applications.kinds()}


# Legal aid ---------------------------------------------------------------------------------


def test_eligibility_explains_each_criterion(demo):
    # given: 1500 yuan for 3 people is 500 per head, below the 880 standard
    standard = EligibilityStandard.objects.get(code="XIAN_DEFAULT")
    # when
    with translation.override("en"):
        result = eligibility.assess(
            case_type=factories.case_type(),
            household_size=3,
            monthly_household_income=Decimal("1500"),
            exempt_categories=[],
            standard=standard,
        )
    # then
    assert result.result == Eligibility.ELIGIBLE
    by_code = {c.code: c for c in result.criteria}
    assert by_code["scope"].passed
    assert not by_code["matter_exempt"].passed
    assert not by_code["person_exempt"].passed
    assert by_code["income"].passed
    assert "500.00" in by_code["income"].reason
    assert "880.00" in by_code["income"].reason


def test_income_above_the_standard_is_not_eligible(demo):
    with translation.override("en"):
        result = eligibility.assess(
            case_type=factories.case_type(),
            household_size=1,
            monthly_household_income=Decimal("5000"),
            exempt_categories=[],
            standard=EligibilityStandard.objects.get(code="XIAN_DEFAULT"),
        )
    assert result.result == Eligibility.NOT_ELIGIBLE
    assert "above" in next(c for c in result.criteria if c.code == "income").reason


def test_an_exempt_person_passes_whatever_the_income(demo):
    result = eligibility.assess(
        case_type=factories.case_type(),
        household_size=1,
        monthly_household_income=Decimal("9000"),
        exempt_categories=[ExemptCategory.MINIMUM_LIVING],
        standard=EligibilityStandard.objects.get(code="XIAN_DEFAULT"),
    )
    assert result.eligible


def test_a_matter_without_means_test_passes_whatever_the_income(demo):
    result = eligibility.assess(
        case_type=factories.case_type("DOMESTIC_VIOLENCE"),
        household_size=1,
        monthly_household_income=Decimal("9000"),
        exempt_categories=[],
        standard=EligibilityStandard.objects.get(code="XIAN_DEFAULT"),
    )
    assert result.eligible


def test_a_matter_out_of_scope_is_not_eligible(demo):
    result = eligibility.assess(
        case_type=factories.case_type("OTHER"),
        household_size=4,
        monthly_household_income=Decimal("0"),
        exempt_categories=[],
        standard=EligibilityStandard.objects.get(code="XIAN_DEFAULT"),
    )
    assert not result.eligible


def test_the_standard_is_data(office_clerk):
    # given: the bureau lowers the standard for 新城区
    EligibilityStandard.objects.create(
        code="XINCHENG", name="新城区", region_code="610102", monthly_income_limit=Decimal("400")
    )
    # when
    a = factories.legal_aid(actor=office_clerk)
    # then: 500 per head is now above it
    assert a.income_limit == Decimal("400")
    assert a.eligibility == Eligibility.NOT_ELIGIBLE


def test_the_whole_legal_aid_path(office_clerk, progress_log):
    # given
    a = factories.legal_aid(actor=office_clerk)
    assert a.eligibility == Eligibility.ELIGIBLE
    assert a.transfer_due == add_working_days(a.received_on, 3)
    assert a.materials_missing
    # when: materials ticked, transferred, granted
    a = services.legal_aid_set_materials(
        actor=office_clerk, application=a, materials=a.case_type.material_list
    )
    a = services.legal_aid_transfer(
        actor=office_clerk, application=a, transferred_on=timezone.localdate(), note="齐全"
    )
    assert a.status == LegalAidStatus.TRANSFERRED
    assert a.transfer_unit.code == "610102"
    assert progress_log[-1]["status"] == ApplicationStatus.IN_PROGRESS
    a = services.legal_aid_record_decision(
        actor=office_clerk,
        application=a,
        decision=CentreDecision.ACCEPTED,
        decided_on=timezone.localdate(),
    )
    # then
    assert a.status == LegalAidStatus.ACCEPTED
    assert progress_log[-1]["status"] == ApplicationStatus.COMPLETED
    assert _audit("transfer", a)
    assert _audit("decide", a)


def test_transfer_with_missing_materials_is_refused(office_clerk):
    a = factories.legal_aid(actor=office_clerk)
    with translation.override("en"), pytest.raises(ApplicationError, match="missing"):
        services.legal_aid_transfer(
            actor=office_clerk, application=a, transferred_on=timezone.localdate()
        )


def test_a_refusal_needs_its_reason_and_tells_the_portal(office_clerk, progress_log):
    # given
    a = factories.legal_aid(actor=office_clerk)
    services.legal_aid_set_materials(
        actor=office_clerk, application=a, materials=a.case_type.material_list
    )
    services.legal_aid_transfer(
        actor=office_clerk, application=a, transferred_on=timezone.localdate()
    )
    # when / then
    with pytest.raises(ApplicationError) as exc:
        services.legal_aid_record_decision(
            actor=office_clerk,
            application=a,
            decision=CentreDecision.REFUSED,
            decided_on=timezone.localdate(),
        )
    assert exc.value.field == "reason"
    services.legal_aid_record_decision(
        actor=office_clerk,
        application=a,
        decision=CentreDecision.REFUSED,
        decided_on=timezone.localdate(),
        reason="收入超标",
    )
    assert progress_log[-1]["status"] == ApplicationStatus.REJECTED
    assert "收入超标" in progress_log[-1]["message"]


def test_a_decision_before_transfer_is_refused(office_clerk):
    a = factories.legal_aid(actor=office_clerk)
    with pytest.raises(ApplicationError):
        services.legal_aid_record_decision(
            actor=office_clerk,
            application=a,
            decision=CentreDecision.ACCEPTED,
            decided_on=timezone.localdate(),
        )


def test_an_unknown_exempt_category_is_refused(office_clerk):
    with pytest.raises(ApplicationError) as exc:
        factories.legal_aid(actor=office_clerk, exempt_categories=["NOPE"])
    assert exc.value.field == "exempt_categories"


def test_editing_the_questionnaire_reassesses(office_clerk):
    # given
    a = factories.legal_aid(actor=office_clerk)
    # when
    a = services.legal_aid_update(
        actor=office_clerk,
        application=a,
        version=a.version,
        monthly_household_income=Decimal("9000"),
    )
    # then
    assert a.eligibility == Eligibility.NOT_ELIGIBLE


def test_the_online_applicant_is_encrypted_at_rest(citizen):
    # when
    a = services.legal_aid_submit_online(
        citizen=citizen,
        office=factories.office(),
        data={
            "case_type": factories.case_type(),
            "matter": "拖欠工资",
            "household_size": 2,
            "monthly_household_income": Decimal("800"),
            "exempt_categories": [],
            "name": "李明明",
            "phone": "13955556666",
        },
    )
    # then
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT applicant_name, applicant_phone FROM legalservice_legalaidapplication "
            "WHERE id = %s",
            [a.pk],
        )
        name, phone = cursor.fetchone()
    assert "李明明" not in name
    assert "13955556666" not in phone
    assert name.startswith("sm4gcm:")
    assert a.applicant_display == "李**"
    assert a.applicant_phone_masked == "139****6666"


# Slots and appointments --------------------------------------------------------------------


def test_publishing_slots_skips_weekends_and_repeats(office_clerk):
    # given: a Monday to Sunday two weeks ahead
    monday = timezone.localdate() + timedelta(days=14 - timezone.localdate().weekday())
    # when
    made = services.slots_publish(
        actor=office_clerk,
        office=factories.office(),
        service="CONSULTATION",
        first_day=monday,
        last_day=monday + timedelta(days=6),
        start_time=time(9),
        end_time=time(10),
        capacity=2,
    )
    again = services.slots_publish(
        actor=office_clerk,
        office=factories.office(),
        service="CONSULTATION",
        first_day=monday,
        last_day=monday + timedelta(days=6),
        start_time=time(9),
        end_time=time(10),
        capacity=2,
    )
    # then
    from sifasuo.core.calendar import is_working_day

    assert 3 <= len(made) <= 6
    assert all(is_working_day(s.date) for s in made)
    assert again == []


def test_slots_in_the_past_are_refused(office_clerk):
    with pytest.raises(ApplicationError) as exc:
        services.slots_publish(
            actor=office_clerk,
            office=factories.office(),
            service="CONSULTATION",
            first_day=timezone.localdate() - timedelta(days=1),
            last_day=timezone.localdate(),
            start_time=time(9),
            end_time=time(10),
            capacity=1,
        )
    assert exc.value.field == "first_day"


def test_booking_beyond_capacity_is_refused(office_clerk, progress_log):
    # given
    slot = factories.slot(actor=office_clerk, capacity=1)
    factories.appointment(actor=office_clerk, slot_=slot)
    assert progress_log[-1]["status"] == ApplicationStatus.IN_PROGRESS
    # when / then
    with translation.override("en"), pytest.raises(ApplicationError, match="fully booked"):
        factories.appointment(actor=office_clerk, slot_=slot, contact_name="周满员")
    slot.refresh_from_db()
    assert slot.booked == 1
    assert Appointment.objects.filter(slot=slot).count() == 1


def test_cancelling_frees_the_place_and_withdraws(office_clerk, progress_log):
    # given
    slot = factories.slot(actor=office_clerk, capacity=1)
    appointment = factories.appointment(actor=office_clerk, slot_=slot)
    # when
    services.appointment_record_outcome(
        actor=office_clerk, appointment=appointment, status=AppointmentStatus.CANCELLED
    )
    # then
    slot.refresh_from_db()
    assert slot.booked == 0
    assert progress_log[-1]["status"] == ApplicationStatus.WITHDRAWN
    factories.appointment(actor=office_clerk, slot_=slot, contact_name="补位")


def test_kept_and_no_show_are_recorded_on_the_day(office_clerk, progress_log):
    # given: one appointment today, one tomorrow
    today_slot = factories.slot(actor=office_clerk, day=timezone.localdate())
    tomorrow = factories.appointment(actor=office_clerk)
    kept = factories.appointment(actor=office_clerk, slot_=today_slot)
    missed = factories.appointment(actor=office_clerk, slot_=today_slot, contact_name="吴未到")
    # when
    services.appointment_record_outcome(
        actor=office_clerk, appointment=kept, status=AppointmentStatus.KEPT
    )
    assert progress_log[-1]["status"] == ApplicationStatus.COMPLETED
    services.appointment_record_outcome(
        actor=office_clerk, appointment=missed, status=AppointmentStatus.NO_SHOW, note="未到场"
    )
    assert progress_log[-1]["status"] == ApplicationStatus.REJECTED
    assert progress_log[-1]["message"] == "未到场"
    # then: tomorrow's cannot be kept yet
    with pytest.raises(ApplicationError):
        services.appointment_record_outcome(
            actor=office_clerk, appointment=tomorrow, status=AppointmentStatus.KEPT
        )


def test_online_booking_lists_only_the_office_slots(citizen, office_clerk):
    # given
    from sifasuo.legalservice.forms import AppointmentRequestForm

    mine = factories.slot(actor=office_clerk)
    factories.slot(unit="610116001")
    full = factories.slot(actor=office_clerk, capacity=1, start=time(14))
    factories.appointment(actor=office_clerk, slot_=full)
    # when
    form = AppointmentRequestForm(office=factories.office())
    # then
    assert list(form.fields["slot"].queryset) == [mine]
    # when: the citizen books through the portal's call
    form = AppointmentRequestForm(
        {"slot": mine.pk, "name": "郑网约", "phone": "13600001111"}, office=factories.office()
    )
    assert form.is_valid(), form.errors
    appointment = services.appointment_submit_online(
        citizen=citizen, office=factories.office(), data=form.cleaned_data
    )
    # then
    assert appointment.channel == "ONLINE"
    assert appointment.citizen == citizen
    with pytest.raises(ApplicationError):
        services.appointment_submit_online(
            citizen=citizen, office=factories.office("610116001"), data=form.cleaned_data
        )


def test_reminders_are_sent_once(office_clerk, settings, django_capture_on_commit_callbacks):
    # given
    settings.SIFASUO_SMS_BACKEND = "sifasuo.core.sms.MemoryBackend"
    sms.outbox.clear()
    factories.appointment(actor=office_clerk)
    day_after = factories.slot(actor=office_clerk, day=timezone.localdate() + timedelta(days=2))
    factories.appointment(actor=office_clerk, slot_=day_after)
    # when
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_appointment_reminders", stdout=out)
        call_command("send_appointment_reminders", stdout=out)
    # then: tomorrow's one only, once
    assert len(sms.outbox) == 1
    assert sms.outbox[0].phone == "13700002222"
    assert Appointment.objects.filter(reminded_at__isnull=False).count() == 1


def test_the_slot_row_is_never_overbooked_in_the_database(office_clerk):
    # given
    slot = factories.slot(actor=office_clerk, capacity=1)
    # when / then: the check constraint holds even past the service
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceSlot.objects.filter(pk=slot.pk).update(booked=2)


# Window services ---------------------------------------------------------------------------


def test_window_log_and_its_edit(office_clerk):
    # given
    log = factories.window_log(actor=office_clerk)
    assert log.handled_by == office_clerk
    # when
    log = services.window_log_update(actor=office_clerk, log=log, version=log.version, minutes=45)
    # then
    assert log.minutes == 45
    assert _audit("change", log)
    with pytest.raises(ApplicationError):
        services.window_log_update(
            actor=office_clerk, log=log, version=log.version, people_served=0
        )


def test_measures_count_by_channel_and_topic(office_clerk, district_reviewer):
    # given
    from sifasuo.core.measures import registry

    factories.consultation(actor=office_clerk)
    factories.consultation(actor=office_clerk, channel=Channel.PHONE, referral=Referral.LAWYER)
    factories.online_consultation()
    measure = registry.get("legalservice.consultations")
    # when
    by_channel = measure.breakdown(district_reviewer, "by_channel")
    # then
    assert by_channel == {"WALK_IN": 1, "PHONE": 1, "ONLINE": 1}
    assert measure.breakdown(district_reviewer, "by_topic") == {"LABOUR": 3}
    assert registry.get("legalservice.referrals").value(district_reviewer) == 1
    assert (
        registry.get("legalservice.consultations").value(
            district_reviewer, start=date(2000, 1, 1), end=date(2000, 2, 1)
        )
        == 0
    )
