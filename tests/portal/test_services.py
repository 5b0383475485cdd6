"""The portal's services: SMS login, consent, applications, progress, ratings, follow-ups."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone, translation
from freezegun import freeze_time

from sifasuo.core import applications, sms
from sifasuo.core.applications import ApplicationStatus
from sifasuo.core.calendar import working_days_between
from sifasuo.core.errors import ApplicationError
from sifasuo.core.models import AuditEvent, DeadlineRule, Holiday
from sifasuo.core.todos import todos_for
from sifasuo.mediation import services as mediation_services
from sifasuo.mediation.models import MediationCase
from sifasuo.orgs.models import Unit
from sifasuo.portal import services
from sifasuo.portal.measures import registry
from sifasuo.portal.models import (
    CitizenProfile,
    Consent,
    FollowUp,
    LoginCode,
    PortalApplication,
    PrivacyNotice,
)
from tests.mediation import factories as mediation_factories
from tests.portal import factories

pytestmark = pytest.mark.django_db


def _code_from_outbox() -> str:
    import re

    return re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)  # type: ignore[union-attr]


def _ask(phone: str, ip: str = "10.0.0.1", capture=None) -> LoginCode:
    return services.login_code_request(phone=phone, ip=ip)


# Phones ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13800138000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("0086-138-0013-8000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),
    ],
)
def test_a_mobile_number_is_normalised(raw, expected):
    # when / then
    assert services.normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["", "12800138000", "1380013800", "138001380001", "029-88888888"])
def test_an_invalid_phone_is_refused_naming_the_rule(raw):
    # when
    with translation.override("en"), pytest.raises(ApplicationError) as exc:
        services.login_code_request(phone=raw, ip="10.0.0.1")
    # then: the rule is named and nothing is stored
    assert "11 digits" in exc.value.message
    assert exc.value.field == "phone"
    assert not LoginCode.objects.exists()


# Login codes ---------------------------------------------------------------------------------


def test_a_code_is_sent_by_sms_and_stored_only_hashed(django_capture_on_commit_callbacks):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        login_code = _ask("13900001111")
    # then
    assert len(sms.outbox) == 1
    assert sms.outbox[0].phone == "13900001111"
    code = _code_from_outbox()
    assert code not in login_code.code_hash
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, code_hash FROM portal_logincode")
        stored_phone, stored_hash = cursor.fetchone()
    assert stored_phone.startswith("sm4gcm:v1:")
    assert "13900001111" not in stored_hash
    row = AuditEvent.objects.filter(action="login_code").latest("seq")
    assert "13900001111" not in str(row.changes) + row.object_id + row.actor_username


def test_the_right_code_logs_a_new_citizen_in(django_capture_on_commit_callbacks):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        login_code = _ask("13900002222")
    # when
    user = services.login_code_verify(code=_code_from_outbox(), login_code=login_code)
    # then: a citizen account without password nor phone in its name, and an encrypted profile
    assert user.is_citizen
    assert not user.has_usable_password()
    assert "13900002222" not in user.username
    assert user.citizen_profile.phone == "13900002222"
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM portal_citizenprofile WHERE user_id = %s", [user.pk])
        assert cursor.fetchone()[0].startswith("sm4gcm:v1:")
    # and a code is used once
    with pytest.raises(ApplicationError):
        services.login_code_verify(code=_code_from_outbox(), login_code=login_code)


def test_the_same_phone_is_the_same_citizen(django_capture_on_commit_callbacks):
    # given
    first = factories.citizen("13900003333")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        _ask("139 0000 3333")
    user = services.login_code_verify(code=_code_from_outbox(), phone="13900003333")
    # then
    assert user == first
    assert CitizenProfile.objects.filter(user=user).count() == 1


def test_an_expired_code_is_refused(django_capture_on_commit_callbacks):
    # given
    with freeze_time("2024-05-06 10:00:00"):
        with django_capture_on_commit_callbacks(execute=True):
            login_code = _ask("13900004444")
        code = _code_from_outbox()
    # when: five minutes and a second later
    with (
        freeze_time("2024-05-06 10:05:01"),
        translation.override("en"),
        pytest.raises(ApplicationError) as exc,
    ):
        services.login_code_verify(code=code, login_code=login_code)
    # then
    assert "expired" in exc.value.message
    assert "5 minutes" in exc.value.message
    assert not CitizenProfile.objects.exists()


def test_a_code_is_tried_five_times_at_most(django_capture_on_commit_callbacks):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        login_code = _ask("13900005555")
    right = _code_from_outbox()
    wrong = "000000" if right != "000000" else "111111"
    # when: five wrong codes
    messages = []
    for _ in range(5):
        with translation.override("en"), pytest.raises(ApplicationError) as exc:
            services.login_code_verify(code=wrong, login_code=login_code)
        messages.append(exc.value.message)
    # then: the count says what is left, and even the right code is refused after
    assert "4 attempts left" in messages[0]
    assert "5 times" in messages[-1]
    login_code.refresh_from_db()
    assert login_code.attempts == 5
    with translation.override("en"), pytest.raises(ApplicationError) as exc:
        services.login_code_verify(code=right, login_code=login_code)
    assert "Too many wrong codes" in exc.value.message
    assert AuditEvent.objects.filter(action="login_failed", outcome="DENIED").count() == 5


def test_a_newer_code_replaces_the_older_one(django_capture_on_commit_callbacks):
    # given
    with freeze_time("2024-05-06 10:00:00"):
        with django_capture_on_commit_callbacks(execute=True):
            old = _ask("13900006666")
        old_code = _code_from_outbox()
    with freeze_time("2024-05-06 10:01:30"):
        with django_capture_on_commit_callbacks(execute=True):
            _ask("13900006666")
        # when / then
        with pytest.raises(ApplicationError):
            services.login_code_verify(code=old_code, login_code=old)
        assert services.login_code_verify(code=_code_from_outbox(), phone="13900006666")


def test_resending_is_limited_per_phone_per_minute_and_per_hour():
    # given
    with freeze_time("2024-05-06 10:00:00"):
        _ask("13900007777")
        # when: again within the minute
        with translation.override("en"), pytest.raises(services.RateLimited) as exc:
            _ask("13900007777")
        assert "a minute" in exc.value.message
    # then: one a minute, five an hour
    for minute in range(1, 5):
        with freeze_time(f"2024-05-06 10:0{minute}:01"):
            _ask("13900007777")
    with (
        freeze_time("2024-05-06 10:06:00"),
        translation.override("en"),
        pytest.raises(services.RateLimited) as exc,
    ):
        _ask("13900007777")
    assert "at most 5 an hour" in exc.value.message
    assert exc.value.status_code == 429
    assert LoginCode.objects.count() == 5
    with freeze_time("2024-05-06 11:00:30"):
        _ask("13900007777")


def test_codes_are_limited_per_client_address(settings):
    # given
    settings.PORTAL_OTP_PER_IP_PER_HOUR = 3
    for n in range(3):
        _ask(f"1390000800{n}", ip="10.9.9.9")
    # when
    with translation.override("en"), pytest.raises(services.RateLimited) as exc:
        _ask("13900008009", ip="10.9.9.9")
    # then: another address is not affected
    assert "network address" in exc.value.message
    assert _ask("13900008009", ip="10.9.9.10")


# Consent and applications --------------------------------------------------------------------


def test_an_application_needs_consent_and_changes_nothing_without_it():
    # given
    citizen = factories.citizen()
    office = Unit.objects.get(code="610102001")
    cases = MediationCase.objects.count()
    # when
    with translation.override("en"), pytest.raises(ApplicationError) as exc:
        services.application_submit(
            citizen=citizen, kind_code="MEDIATION", office=office, data=factories.mediation_data()
        )
    # then
    assert exc.value.field == "pipl_consent"
    assert MediationCase.objects.count() == cases
    assert not PortalApplication.objects.exists()
    assert not Consent.objects.exists()


def test_consent_is_recorded_once_per_notice_version():
    # given
    citizen = factories.citizen()
    # when
    first = factories.application(owner=citizen)
    office = Unit.objects.get(code="610102001")
    second = services.application_submit(
        citizen=citizen, kind_code="MEDIATION", office=office, data=factories.mediation_data()
    )
    # then: asked once; the consent names the version
    assert first.consent == second.consent
    assert first.consent.notice.version == "1"
    # when: a new notice version comes into force
    PrivacyNotice.objects.update(is_current=False)
    PrivacyNotice.objects.create(
        version="2",
        title="告知书",
        body="新版",
        retention_years=3,
        effective_on=date(2025, 1, 1),
        is_current=True,
    )
    # then: asked again
    with pytest.raises(ApplicationError):
        services.application_submit(
            citizen=citizen, kind_code="MEDIATION", office=office, data=factories.mediation_data()
        )


def test_withdrawn_consent_is_asked_again():
    # given
    citizen = factories.citizen()
    factories.application(owner=citizen)
    # when
    assert services.consent_withdraw(citizen=citizen) == 1
    # then
    with pytest.raises(ApplicationError):
        services.application_submit(
            citizen=citizen,
            kind_code="MEDIATION",
            office=Unit.objects.get(code="610102001"),
            data=factories.mediation_data(),
        )
    assert AuditEvent.objects.filter(action="consent_withdraw").exists()


def test_a_mediation_application_lands_in_the_town_committees_intake(
    django_capture_on_commit_callbacks,
):
    # given
    citizen = factories.citizen("13900009999")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        envelope = factories.application(owner=citizen)
    # then: a registered case of the street committee, with the intake deadline
    case = factories.case_of(envelope)
    assert case.unit.code == "610102001T01"
    assert case.status == "REGISTERED"
    assert case.source == "APPLICATION"
    assert case.decision_due is not None
    applicant = case.parties.get(role="APPLICANT").person
    assert applicant.name == "赵敏"
    assert applicant.phone == "13900009999"
    # and an envelope with a non-guessable number, an SMS with it, an audit row
    assert len(envelope.tracking_number) == 12
    assert set(envelope.tracking_number) <= set(services.TRACKING_ALPHABET)
    assert envelope.status == ApplicationStatus.SUBMITTED
    assert envelope.unit.code == "610102001"
    assert sms.outbox[-1].phone == "13900009999"
    assert envelope.tracking_number in sms.outbox[-1].text
    row = AuditEvent.objects.filter(action="create", object_type="portal.portalapplication").latest(
        "seq"
    )
    assert "13900009999" not in str(row.changes)


def test_tracking_numbers_differ():
    # when
    numbers = {services._new_tracking_number() for _ in range(200)}
    # then
    assert len(numbers) == 200


def test_a_staff_user_cannot_file_as_a_citizen(office_clerk):
    # when / then
    with pytest.raises(PermissionDenied):
        services.application_submit(
            citizen=office_clerk,
            kind_code="MEDIATION",
            office=Unit.objects.get(code="610102001"),
            data=factories.mediation_data(),
            consent=True,
        )


def test_an_unknown_kind_is_refused():
    # when / then
    with pytest.raises(ApplicationError) as exc:
        services.application_submit(
            citizen=factories.citizen(),
            kind_code="NOPE",
            office=Unit.objects.get(code="610102001"),
            data={},
            consent=True,
        )
    assert exc.value.field == "kind"


# Progress ---------------------------------------------------------------------------------------


def test_the_committee_accepting_moves_the_envelope(
    office_clerk, django_capture_on_commit_callbacks
):
    # given
    envelope = factories.application()
    case = factories.case_of(envelope)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        mediation_services.case_accept(actor=office_clerk, case=case, accepted_on=case.received_on)
    # then
    envelope.refresh_from_db()
    assert envelope.status == ApplicationStatus.IN_PROGRESS
    last = envelope.events.last()
    assert last.status == ApplicationStatus.IN_PROGRESS
    assert case.number in last.message
    assert last.created_by == office_clerk
    assert envelope.tracking_number in sms.outbox[-1].text


def test_a_refusal_gives_the_reason(office_clerk):
    # given
    envelope = factories.application()
    # when
    with translation.override("en"):
        mediation_services.case_refuse(
            actor=office_clerk,
            case=factories.case_of(envelope),
            reason="OUT_OF_SCOPE",
            note="请向劳动仲裁委员会申请",
        )
    # then
    envelope.refresh_from_db()
    assert envelope.status == ApplicationStatus.REJECTED
    assert "Outside the scope" in envelope.last_message
    assert "劳动仲裁" in envelope.last_message


def test_concluding_and_closing_complete_the_request(office_clerk):
    # when
    envelope = factories.completed(actor=office_clerk)
    # then
    assert envelope.status == ApplicationStatus.COMPLETED
    assert envelope.completed_on == timezone.localdate()
    assert envelope.can_be_rated


def test_a_record_that_did_not_come_online_is_ignored(office_clerk):
    # given: an intake registered at the counter
    case = mediation_factories.register(actor=office_clerk)
    # when
    mediation_services.case_accept(actor=office_clerk, case=case, accepted_on=case.received_on)
    # then
    assert not PortalApplication.objects.exists()


def test_progress_with_an_unknown_status_is_a_programming_error():
    # given
    envelope = factories.application()
    # when / then
    with pytest.raises(ValueError, match="unknown application status"):
        applications.progress(record=factories.case_of(envelope), status="LOST")


# Ratings and follow-ups -------------------------------------------------------------------------


def test_only_a_completed_request_is_rated():
    # given
    envelope = factories.application()
    # when / then
    with pytest.raises(ApplicationError):
        services.rating_create(citizen=envelope.citizen, application=envelope, level="SATISFIED")


def test_a_request_is_rated_once():
    # given
    envelope = factories.completed()
    services.rating_create(citizen=envelope.citizen, application=envelope, level="SATISFIED")
    envelope.refresh_from_db()
    # when / then
    with translation.override("en"), pytest.raises(ApplicationError) as exc:
        services.rating_create(citizen=envelope.citizen, application=envelope, level="SATISFIED")
    assert "once" in exc.value.message
    assert not FollowUp.objects.exists()


def test_another_citizen_cannot_rate():
    # given
    envelope = factories.completed()
    # when / then
    with pytest.raises(PermissionDenied):
        services.rating_create(
            citizen=factories.citizen(), application=envelope, level="VERY_SATISFIED"
        )


def test_a_poor_rating_opens_a_follow_up_due_in_15_working_days():
    # given: rated on Friday 2024-09-27, before the National Day holiday (10-01 … 10-07) with
    # its make-up working days (Sunday 09-29, Saturday 10-12)
    Holiday.objects.get_or_create(
        date=date(2024, 9, 29), defaults={"kind": "WORKDAY", "name": "调休"}
    )
    Holiday.objects.get_or_create(
        date=date(2024, 10, 12), defaults={"kind": "WORKDAY", "name": "调休"}
    )
    for day in range(1, 8):
        Holiday.objects.get_or_create(
            date=date(2024, 10, day), defaults={"kind": "HOLIDAY", "name": "国庆节"}
        )
    # when
    rating = factories.poor_rating(rated_on=date(2024, 9, 27))
    # then
    followup = rating.followup
    assert DeadlineRule.objects.get(code="portal.followup").days == 15
    assert followup.due_on == date(2024, 10, 23)
    assert working_days_between(date(2024, 9, 27), followup.due_on) == 15
    assert followup.unit.code == "610102001"
    assert followup.is_overdue


def test_a_good_rating_opens_no_follow_up():
    # given
    envelope = factories.completed()
    # when
    services.rating_create(
        citizen=envelope.citizen, application=envelope, level="BASICALLY_SATISFIED"
    )
    # then
    assert not FollowUp.objects.exists()


def test_the_return_call_closes_the_follow_up(office_clerk):
    # given
    followup = factories.poor_rating().followup
    today = timezone.localdate()
    # when: nobody reached: it stays open
    with pytest.raises(ApplicationError) as exc:
        services.followup_record_call(
            actor=office_clerk,
            followup=followup,
            called_on=today,
            reached="NOT_REACHED",
            outcome="无人接听",
            close=True,
        )
    assert exc.value.field == "reached"
    # when: reached, without a rectification
    with pytest.raises(ApplicationError) as exc:
        services.followup_record_call(
            actor=office_clerk,
            followup=followup,
            called_on=today,
            reached="APPLICANT",
            outcome="申请人说明情况",
            close=True,
        )
    assert exc.value.field == "rectification"
    # when: done
    services.followup_record_call(
        actor=office_clerk,
        followup=followup,
        called_on=today,
        reached="APPLICANT",
        outcome="申请人说明情况",
        rectification="约谈调解员",
        close=True,
        version=followup.version,
    )
    # then
    followup.refresh_from_db()
    assert followup.status == "CLOSED"
    assert followup.closed_on == today
    assert AuditEvent.objects.filter(action="return_call", object_id=str(followup.public_id))


def test_another_office_cannot_record_the_call(other_clerk):
    # given
    followup = factories.poor_rating().followup
    # when / then
    with pytest.raises(PermissionDenied):
        services.followup_record_call(
            actor=other_clerk,
            followup=followup,
            called_on=timezone.localdate(),
            reached="APPLICANT",
            outcome="x",
        )


def test_a_stale_follow_up_is_refused(office_clerk):
    # given
    followup = factories.poor_rating().followup
    stale = followup.version
    services.followup_record_call(
        actor=office_clerk,
        followup=followup,
        called_on=timezone.localdate(),
        reached="NOT_REACHED",
        outcome="无人接听",
    )
    # when / then
    copy = FollowUp.objects.get(pk=followup.pk)
    with pytest.raises(ApplicationError):
        services.followup_record_call(
            actor=office_clerk,
            followup=copy,
            called_on=timezone.localdate(),
            reached="APPLICANT",
            outcome="x",
            version=stale,
        )


def test_follow_ups_are_on_the_offices_to_do_lists(office_clerk, office_director, other_clerk):
    # given
    followup = factories.poor_rating().followup
    url = f"/portal/followups/{followup.public_id}/"
    # then
    assert any(t.url == url and t.due_date == followup.due_on for t in todos_for(office_clerk))
    assert any(t.url == url for t in todos_for(office_director))
    assert not any(t.url == url for t in todos_for(other_clerk))


def test_the_figures_count_ratings_by_level(office_director, other_clerk):
    # given
    factories.poor_rating()
    good = factories.completed()
    services.rating_create(citizen=good.citizen, application=good, level="VERY_SATISFIED")
    # then
    ratings = registry.get("portal.ratings")
    assert ratings.value(office_director) == 2
    assert ratings.breakdown(office_director, "by_level") == {
        "DISSATISFIED": 1,
        "VERY_SATISFIED": 1,
    }
    assert registry.get("portal.satisfaction").value(office_director) == 1
    assert registry.get("portal.followups").value(office_director) == 1
    assert registry.get("portal.applications").value(office_director) == 2
    assert registry.get("portal.applications").value(other_clerk) == 0


def test_the_follow_up_number_is_revealed_with_a_reason(office_director, office_clerk):
    # given
    followup = factories.poor_rating().followup
    # when
    phone = services.followup_reveal_phone(actor=office_director, followup=followup, reason="回访")
    # then
    assert phone == followup.rating.application.citizen.citizen_profile.phone
    assert AuditEvent.objects.filter(action="reveal", reason="回访").exists()
    with pytest.raises(PermissionDenied):
        services.followup_reveal_phone(actor=office_clerk, followup=followup, reason="回访")


def test_guides_are_written_by_the_city(city_officer, office_clerk):
    # when
    guide = services.guide_create(
        actor=city_officer, title="诉讼时效", category="OTHER", body="三年"
    )
    services.guide_publish(actor=city_officer, guide=guide, publish=True)
    # then
    guide.refresh_from_db()
    assert guide.is_published
    assert guide.published_on == timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.guide_create(actor=office_clerk, title="x", category="OTHER", body="y")
    with pytest.raises(ApplicationError):
        services.guide_create(actor=city_officer, title="诉讼时效", category="OTHER", body="重复")


def test_a_login_code_row_is_audited_without_the_phone(django_capture_on_commit_callbacks):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        login_code = _ask("13900001212")
    # when
    services.login_code_verify(code=_code_from_outbox(), login_code=login_code)
    # then
    for row in AuditEvent.objects.all():
        assert "13900001212" not in f"{row.changes}{row.object_id}{row.actor_username}{row.reason}"
    assert timedelta(seconds=0) < login_code.expires_at - login_code.created_at
