"""Writes to the person registry (given / when / then)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import translation

from sifasuo.core.choices import AuditOutcome
from sifasuo.core.errors import ApplicationError
from sifasuo.core.models import AuditEvent
from sifasuo.people import services
from sifasuo.people.choices import IdType, Sex
from sifasuo.people.models import Person

VALID = "11010519491231002X"
BAD_CHECKSUM = "110105194912310021"


def _register(actor, **fields):
    values = {"name": "张三", "id_number": VALID, "phone": "13812345678"} | fields
    return services.person_create(actor=actor, unit=actor.unit, **values)


def test_birth_date_and_sex_come_from_the_id_number(office_clerk):
    # when: the form said otherwise
    person = _register(office_clerk, sex=Sex.MALE, birth_date=date(2000, 1, 1))
    # then
    assert person.birth_date == date(1949, 12, 31)
    assert person.sex == Sex.FEMALE


def test_the_id_number_is_stored_normalised(office_clerk):
    # when
    person = _register(office_clerk, id_number=" 110105 19491231 002x", phone="138 1234 5678")
    # then
    reloaded = Person.objects.get(pk=person.pk)
    assert reloaded.id_number == VALID
    assert reloaded.phone == "13812345678"


@pytest.mark.parametrize(
    ("language", "words"), [("zh-hans", "居民身份证号码无效"), ("en", "resident ID number")]
)
def test_a_bad_checksum_is_refused_naming_the_field(office_clerk, language, words):
    # given
    before = Person.objects.count()
    # when
    with translation.override(language), pytest.raises(ApplicationError) as refused:
        _register(office_clerk, id_number=BAD_CHECKSUM)
    # then
    assert refused.value.field == "id_number"
    assert words in refused.value.message
    assert Person.objects.count() == before


def test_other_documents_are_not_checked_as_resident_ids(office_clerk):
    # when
    person = _register(office_clerk, id_type=IdType.PASSPORT, id_number="e12345678")
    # then
    assert person.id_number == "E12345678"
    assert person.birth_date is None


def test_a_second_person_with_the_same_number_is_refused(office_clerk, other_clerk):
    # given
    _register(office_clerk)
    # when: another office registers the same number, typed differently
    with pytest.raises(ApplicationError) as refused:
        _register(other_clerk, name="李四", id_number=VALID.lower())
    # then
    assert refused.value.field == "id_number"
    assert not Person.objects.filter(name="李四").exists()


def test_the_same_number_under_another_document_type_is_allowed(office_clerk):
    # given
    _register(office_clerk, id_type=IdType.OTHER, id_number="A123")
    # when
    person = _register(office_clerk, id_type=IdType.PASSPORT, id_number="A123")
    # then
    assert person.pk is not None


def test_the_database_refuses_a_duplicate_number_too(office_clerk):
    # given
    first = _register(office_clerk)
    # when / then: bypassing the service
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(unit=first.unit, name="重复", id_number=VALID)


def test_a_clerk_cannot_register_for_another_office(office_clerk, other_clerk):
    # when / then
    with pytest.raises(PermissionDenied):
        services.person_create(
            actor=other_clerk, unit=office_clerk.unit, name="越权", id_number=VALID
        )
    assert not Person.objects.filter(name="越权").exists()


def test_update_changes_fields_and_records_names_only(office_clerk):
    # given
    person = _register(office_clerk)
    # when
    services.person_update(
        actor=office_clerk, person=person, version=person.version, phone="13900001111"
    )
    # then
    assert Person.objects.get(pk=person.pk).phone == "13900001111"
    event = AuditEvent.objects.filter(action="update").order_by("-seq").first()
    assert event.changes == {"fields": ["phone"]}


def test_update_refuses_unknown_fields(office_clerk):
    # given
    person = _register(office_clerk)
    # when / then
    with pytest.raises(ApplicationError):
        services.person_update(actor=office_clerk, person=person, version=1, unit_id=1)


def test_update_to_another_persons_number_is_refused(office_clerk):
    # given
    _register(office_clerk)
    other = _register(office_clerk, name="李四", id_number="610102199003071238")
    # when / then
    with pytest.raises(ApplicationError):
        services.person_update(actor=office_clerk, person=other, version=1, id_number=VALID)


def test_a_director_reveals_with_a_reason(office_clerk, office_director):
    # given
    person = _register(office_clerk)
    # when
    value = services.person_reveal(
        actor=office_director, person=person, field="id_number", reason="调解需核对身份"
    )
    # then
    assert value == VALID
    event = AuditEvent.objects.get(action="reveal", object_id=str(person.public_id))
    assert event.outcome == AuditOutcome.SUCCESS
    assert event.reason == "调解需核对身份"
    assert event.changes == {"field": "id_number"}
    assert VALID not in str(event.changes)


def test_a_clerk_may_not_reveal_and_the_attempt_is_recorded(office_clerk):
    # given
    person = _register(office_clerk)
    # when
    with pytest.raises(PermissionDenied):
        services.person_reveal(actor=office_clerk, person=person, field="phone", reason="看看")
    # then
    event = AuditEvent.objects.get(action="reveal", object_id=str(person.public_id))
    assert event.outcome == AuditOutcome.DENIED


@pytest.mark.parametrize(("field", "reason"), [("phone", "  "), ("name", "理由"), ("version", "x")])
def test_reveal_needs_a_reason_and_a_revealable_field(office_clerk, office_director, field, reason):
    # given
    person = _register(office_clerk)
    # when / then
    with pytest.raises(ApplicationError):
        services.person_reveal(actor=office_director, person=person, field=field, reason=reason)
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_a_refused_duplicate_is_audited_on_the_page_and_in_the_api(
    client_for, office_clerk, other_clerk
):
    # given: a person registered at 西一路
    from sifasuo.core.models import AuditEvent

    services.person_create(
        actor=office_clerk, unit=office_clerk.unit, name="甲", id_number="11010519491231002X"
    )
    client = client_for(other_clerk)
    before = AuditEvent.objects.filter(outcome="DENIED", action="create").count()
    # when: 韦曲 tries the same number by the page and by the API
    client.post(
        "/people/new/",
        {
            "name": "乙",
            "id_type": "RESIDENT_ID",
            "id_number": "11010519491231002X",
            "sex": "U",
            "form_token": "probe-1",
        },
    )
    client.post(
        "/api/v1/people/",
        {"name": "乙", "id_number": "11010519491231002X"},
        content_type="application/json",
    )
    # then: both refusals are on the record, with who tried
    denied = AuditEvent.objects.filter(outcome="DENIED", action="create").order_by("seq")
    assert denied.count() == before + 2
    assert {e.actor_username for e in denied[before:]} == {"weiqu_clerk"}
