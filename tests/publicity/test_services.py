"""Writes of the publicity ledgers: rules, audit rows, scope, stale versions, encryption."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import translation

from sifasuo.core.errors import ApplicationError, ConcurrentModificationError
from sifasuo.core.models import AuditEvent, DeadlineRule
from sifasuo.publicity import services
from sifasuo.publicity.choices import LiterateStatus, ReviewResult, ServiceMode
from sifasuo.publicity.models import LegalLiterate, PublicityNorm
from tests.publicity import factories
from tests.publicity.factories import today

pytestmark = pytest.mark.django_db


def _audits(obj, action="create"):
    return AuditEvent.objects.filter(action=action, object_id=str(obj.public_id)).count()


# Activities --------------------------------------------------------------------------------


def test_an_activity_is_recorded_with_its_laws_photo_and_audit_row(
    office_clerk, settings, tmp_path
):
    # given
    settings.MEDIA_ROOT = tmp_path
    # when
    activity = factories.activity(actor=office_clerk, photos=[factories.photo()])
    # then
    assert {law.code for law in activity.laws.all()} == {"CONSTITUTION", "CIVIL_CODE"}
    assert _audits(activity) == 1
    photos = list(services.activity_photos(activity))
    assert [p.file_type for p in photos] == ["png"]
    assert photos[0].unit == activity.unit


def test_a_photo_is_judged_by_its_content_not_its_name(office_clerk, settings, tmp_path):
    # given
    settings.MEDIA_ROOT = tmp_path
    activity = factories.activity(actor=office_clerk)
    fake = factories.photo("fake.png", b"%PDF-1.4 not an image")
    # when / then
    with translation.override("en"), pytest.raises(ApplicationError, match="not a photo"):
        services.activity_add_photo(actor=office_clerk, activity=activity, uploaded=fake)
    assert not services.activity_photos(activity).exists()
    # and a JPEG named .txt is accepted
    jpeg = factories.photo("scan.txt", factories.JPEG_BYTES)
    assert services.activity_add_photo(actor=office_clerk, activity=activity, uploaded=jpeg)


def test_an_activity_needs_laws_and_a_past_date(office_clerk):
    # when / then
    with pytest.raises(ApplicationError) as exc:
        factories.activity(actor=office_clerk, laws=[])
    assert exc.value.field == "laws"
    with pytest.raises(ApplicationError) as exc:
        factories.activity(actor=office_clerk, held_on=today() + timedelta(days=2))
    assert exc.value.field == "held_on"


def test_an_activity_village_must_be_one_the_office_serves(office_clerk):
    # given: a village of 韦曲
    elsewhere = factories.village("610116001")
    # when / then
    with pytest.raises(ApplicationError) as exc:
        factories.activity(actor=office_clerk, village=elsewhere)
    assert exc.value.field == "village"


def test_another_office_cannot_record_for_xiyilu(other_clerk):
    # when / then: the record would leave the actor's scope, so nothing is kept
    with pytest.raises(PermissionDenied):
        factories.activity(actor=other_clerk)


def test_a_stale_edit_is_refused(office_clerk):
    # given
    activity = factories.activity(actor=office_clerk)
    stale = activity.version
    services.activity_update(actor=office_clerk, activity=activity, version=stale, theme="新主题")
    # when / then
    with pytest.raises(ConcurrentModificationError):
        services.activity_update(
            actor=office_clerk, activity=activity, version=stale, theme="另一个主题"
        )
    row = AuditEvent.objects.filter(action="update", object_id=str(activity.public_id)).get()
    assert row.changes == {"fields": ["theme"]}


# 法律明白人 --------------------------------------------------------------------------------


def test_a_literate_links_the_registry_person_by_document_number(office_clerk):
    # given
    first = factories.literate(actor=office_clerk)
    number = first.person.id_number
    services.literate_update(
        actor=office_clerk,
        literate=first,
        version=first.version,
        status=LiterateStatus.REMOVED,
        removed_on=today(),
    )
    # when: the same person is appointed again in another village
    again = factories.literate(
        actor=office_clerk, n=1, person=factories.person_input(id_number=number)
    )
    # then: one person, two appointments
    assert again.person == first.person


def test_a_person_serves_as_legal_literate_once_at_a_time(office_clerk):
    # given
    first = factories.literate(actor=office_clerk)
    # when / then
    with translation.override("en"), pytest.raises(ApplicationError, match="already"):
        factories.literate(actor=office_clerk, n=1, person=first.person)


def test_a_number_under_another_name_is_refused_and_audited(office_clerk):
    # given
    first = factories.literate(actor=office_clerk)
    other = factories.person_input("另一人", id_number=first.person.id_number)
    # when / then
    with pytest.raises(ApplicationError) as exc:
        factories.literate(actor=office_clerk, n=1, person=other)
    assert exc.value.audit_action == "create"


def test_removal_needs_its_date(office_clerk):
    # given
    literate = factories.literate(actor=office_clerk)
    # when / then
    with pytest.raises(ApplicationError) as exc:
        services.literate_update(
            actor=office_clerk,
            literate=literate,
            version=literate.version,
            status=LiterateStatus.REMOVED,
        )
    assert exc.value.field == "removed_on"


def test_a_training_is_recorded(office_clerk):
    # given
    literate = factories.literate(actor=office_clerk)
    # when
    training = services.literate_add_training(
        actor=office_clerk,
        literate=literate,
        trained_on=today(),
        hours=Decimal("3.5"),
        topic="民法典",
    )
    # then
    assert literate.trainings.get() == training
    assert AuditEvent.objects.filter(object_type="publicity.literatetraining").count() == 1


def test_personal_data_is_encrypted_at_rest(office_clerk):
    # given
    literate = factories.literate(actor=office_clerk)
    adviser = factories.adviser(actor=office_clerk)
    # when
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM publicity_villageadviser WHERE id = %s", [adviser.pk])
        (lawyer_phone,) = cursor.fetchone()
        cursor.execute(
            "SELECT id_number, phone FROM people_person WHERE id = %s", [literate.person_id]
        )
        id_number, phone = cursor.fetchone()
    # then
    assert lawyer_phone.startswith("sm4gcm:")
    assert factories.LAWYER_PHONE not in lawyer_phone
    assert id_number.startswith("sm4gcm:")
    assert literate.person.id_number not in id_number
    assert factories.PHONE not in phone
    assert adviser.phone_masked == "137****4321"


# 示范户 ------------------------------------------------------------------------------------


def test_a_household_is_designated_once_a_year(office_clerk):
    # given
    first = factories.household(actor=office_clerk)
    # when / then
    with pytest.raises(ApplicationError) as exc:
        factories.household(actor=office_clerk, head=first.head, year=first.year)
    assert exc.value.field == "year"
    assert _audits(first) == 1


def test_a_household_year_cannot_be_in_the_future(office_clerk):
    with pytest.raises(ApplicationError) as exc:
        factories.household(actor=office_clerk, year=today().year + 1)
    assert exc.value.field == "year"


# Village advisers --------------------------------------------------------------------------


def test_a_village_has_one_adviser_under_contract_at_a_time(office_clerk):
    # given
    first = factories.adviser(actor=office_clerk)
    # when / then
    with pytest.raises(ApplicationError) as exc:
        factories.adviser(actor=office_clerk, contract_start=first.contract_end - timedelta(days=1))
    assert exc.value.field == "contract_start"
    # a contract that follows the first one is fine
    later = factories.adviser(
        actor=office_clerk,
        contract_start=first.contract_end + timedelta(days=1),
        contract_end=first.contract_end + timedelta(days=366),
    )
    assert later.pk


def test_a_contract_ends_after_it_starts_and_the_phone_is_checked(office_clerk):
    with pytest.raises(ApplicationError) as exc:
        factories.adviser(actor=office_clerk, contract_end=today() - timedelta(days=400))
    assert exc.value.field == "contract_end"
    with pytest.raises(ApplicationError) as exc:
        factories.adviser(actor=office_clerk, phone="call me")
    assert exc.value.field == "phone"


def test_a_service_is_inside_the_contract(office_clerk):
    # given
    adviser = factories.adviser(actor=office_clerk)
    # when / then
    with pytest.raises(ApplicationError) as exc:
        factories.log(adviser, adviser.contract_start - timedelta(days=1), actor=office_clerk)
    assert exc.value.field == "served_on"
    log = factories.log(adviser, today(), actor=office_clerk, lectures=1)
    assert log.mode == ServiceMode.ON_SITE


def test_an_adviser_phone_edit_is_stored_encrypted(office_clerk):
    # given
    adviser = factories.adviser(actor=office_clerk)
    # when
    services.adviser_update(
        actor=office_clerk, adviser=adviser, version=adviser.version, phone="139 0000 1111"
    )
    # then
    adviser.refresh_from_db()
    assert adviser.phone == "13900001111"
    row = AuditEvent.objects.filter(action="update", object_id=str(adviser.public_id)).get()
    assert row.changes == {"fields": ["phone"]}
    assert "13900001111" not in str(row.changes)


# Demonstration villages --------------------------------------------------------------------


def test_the_review_falls_due_by_the_rule_and_moves_on_when_retained(office_clerk):
    # given
    rule = DeadlineRule.objects.get(code="publicity.village_review")
    title = factories.title(actor=office_clerk)
    assert title.review_due == title.designated_on + timedelta(days=rule.days)
    # when
    reviewed = services.village_review(
        actor=office_clerk,
        title=title,
        version=title.version,
        reviewed_on=today(),
        result=ReviewResult.RETAINED,
    )
    # then
    assert reviewed.review_due == today() + timedelta(days=rule.days)
    assert AuditEvent.objects.filter(action="review", object_id=str(title.public_id)).count() == 1


def test_a_revoked_title_is_not_reviewed_again(office_clerk):
    # given
    title = factories.title(actor=office_clerk)
    services.village_review(
        actor=office_clerk,
        title=title,
        version=title.version,
        reviewed_on=today(),
        result=ReviewResult.REVOKED,
    )
    # when / then
    assert not title.is_active
    with pytest.raises(ApplicationError):
        services.village_review(
            actor=office_clerk,
            title=title,
            version=title.version,
            reviewed_on=today(),
            result=ReviewResult.RETAINED,
        )


def test_a_title_is_on_file_once(office_clerk):
    first = factories.title(actor=office_clerk)
    with pytest.raises(ApplicationError) as exc:
        factories.title(actor=office_clerk, level=first.level, year=first.year)
    assert exc.value.field == "level"


# Town advisers -----------------------------------------------------------------------------


def test_a_town_adviser_and_a_matter(office_clerk):
    # given
    adviser = factories.town_adviser(actor=office_clerk)
    # when
    row = factories.matter(adviser, actor=office_clerk)
    # then
    assert adviser.matters.get() == row
    assert _audits(adviser) == 1
    with pytest.raises(ApplicationError) as exc:
        services.town_adviser_add_matter(
            actor=office_clerk, adviser=adviser, handled_on=today(), matter=" ", kind="OTHER"
        )
    assert exc.value.field == "matter"


def test_only_an_office_keeps_these_ledgers(district_reviewer):
    # when / then
    with pytest.raises(ApplicationError) as exc:
        services.town_adviser_create(
            actor=district_reviewer,
            office=district_reviewer.unit,
            kind="PUBLIC_LAWYER",
            name="某",
            firm_or_post="某",
            contract_start=today(),
            contract_end=today() + timedelta(days=1),
        )
    assert exc.value.field == "office"


def test_norms_are_data(db):
    # then: the DOMAIN defaults with their confidence
    norms = {n.code: (n.value, n.confidence) for n in PublicityNorm.objects.all()}
    assert norms["literates_per_village"] == (3, "V")
    assert norms["adviser_onsite_days_community"][0] == 2
    assert norms["adviser_onsite_days_remote"][0] == 1
    assert norms["adviser_lectures_per_quarter"][0] == 1
    assert LegalLiterate._meta.get_field("person").remote_field.model._meta.label == "people.Person"
