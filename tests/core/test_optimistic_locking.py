"""Optimistic locking: a stale save is refused and the first save is kept.

A refused save marks the enclosing transaction for rollback (as any failed save does), so
the tests wrap it in its own ``atomic`` block, as a service does.
"""

from __future__ import annotations

import pytest
from django.db import transaction

from sifasuo.core.errors import ConcurrentModificationError
from sifasuo.core.models import AuditEvent
from sifasuo.orgs.models import Unit
from sifasuo.people import services
from sifasuo.people.models import Person


@pytest.fixture
def person(office_clerk):
    return services.person_create(
        actor=office_clerk,
        unit=office_clerk.unit,
        name="张三",
        id_number="610102199003071238",
        phone="13812345678",
    )


def test_each_save_bumps_the_version(person):
    # given
    assert person.version == 1
    # when
    person.name = "张三丰"
    person.save()
    # then
    assert person.version == 2
    assert Person.objects.get(pk=person.pk).version == 2


def test_a_stale_copy_cannot_overwrite_a_newer_save(person):
    # given: two users load the same record
    first = Person.objects.get(pk=person.pk)
    second = Person.objects.get(pk=person.pk)
    first.name = "第一"
    first.save()
    # when
    second.name = "第二"
    with pytest.raises(ConcurrentModificationError), transaction.atomic():
        second.save()
    # then
    kept = Person.objects.get(pk=person.pk)
    assert kept.name == "第一"
    assert kept.version == 2


def test_a_stale_save_with_update_fields_is_refused_too(person):
    # given
    first = Person.objects.get(pk=person.pk)
    second = Person.objects.get(pk=person.pk)
    first.phone = "13900001111"
    first.save(update_fields=["phone"])
    # when / then
    second.name = "第二"
    with pytest.raises(ConcurrentModificationError), transaction.atomic():
        second.save(update_fields=["name"])
    kept = Person.objects.get(pk=person.pk)
    assert (kept.name, kept.phone) == ("张三", "13900001111")


def test_saving_twice_from_the_same_copy_works(person):
    # when
    person.name = "一"
    person.save()
    person.name = "二"
    person.save()
    # then
    assert Person.objects.get(pk=person.pk).version == 3


def test_the_service_refuses_a_stale_version_and_writes_nothing(office_clerk, person):
    # given
    services.person_update(actor=office_clerk, person=person, version=1, name="第一")
    stale = Person.objects.get(pk=person.pk)
    audit_rows = AuditEvent.objects.count()
    # when
    with pytest.raises(ConcurrentModificationError):
        services.person_update(actor=office_clerk, person=stale, version=1, name="第二")
    # then
    kept = Person.objects.get(pk=person.pk)
    assert (kept.name, kept.version) == ("第一", 2)
    assert AuditEvent.objects.count() == audit_rows


def test_saving_a_deleted_row_inserts_it_again_rather_than_failing(person):
    # given: Django's own behaviour for a vanished row is kept (no false conflict)
    copy = Person.objects.get(pk=person.pk)
    Person.objects.filter(pk=person.pk).delete()
    # when
    copy.save()
    # then
    assert Person.objects.filter(pk=person.pk).exists()


def test_units_are_locked_the_same_way(demo):
    # given
    first = Unit.objects.get(code="610102001")
    second = Unit.objects.get(code="610102001")
    first.phone = "029-80000001"
    first.save()
    # when / then
    second.phone = "029-80000002"
    with pytest.raises(ConcurrentModificationError), transaction.atomic():
        second.save()
    assert Unit.objects.get(code="610102001").phone == "029-80000001"


def test_a_stale_api_save_answers_409_keeps_the_first_and_audits_a_conflict(
    client_for, office_clerk
):
    # given: a reply draft saved at version 1
    from sifasuo.workorders.models import Assignment
    from tests.workorders import factories

    assignment = factories.assignment_of(factories.send())
    client = client_for(office_clerk)
    url = f"/api/v1/workorders/assignments/{assignment.public_id}/draft/"
    first = client.post(url, {"report": "第一稿", "version": 1}, content_type="application/json")
    assert first.status_code == 200
    conflicts = AuditEvent.objects.filter(action="conflict").count()
    # when: a second client still holds version 1
    stale = client.post(url, {"report": "旧稿", "version": 1}, content_type="application/json")
    # then
    assert stale.status_code == 409
    kept = Assignment.objects.get(pk=assignment.pk)
    assert (kept.report, kept.version) == ("第一稿", 2)
    row = AuditEvent.objects.filter(action="conflict").order_by("-seq").first()
    assert AuditEvent.objects.filter(action="conflict").count() == conflicts + 1
    assert (row.outcome, row.actor_id) == ("DENIED", office_clerk.pk)
