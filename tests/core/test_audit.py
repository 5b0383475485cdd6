"""The audit trail: one row per write, no personal data, append-only, hash-chained."""

from __future__ import annotations

import json
from importlib import import_module
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.forms.models import model_to_dict

from sifasuo.core import audit
from sifasuo.core.choices import AuditOutcome
from sifasuo.core.errors import ApplicationError
from sifasuo.core.models import AuditEvent
from sifasuo.people import services
from sifasuo.people.models import Person

ID_NUMBER = "610102199003071238"
PHONE = "13812345678"
NAME = "欧阳测试"


@pytest.fixture
def person(office_clerk):
    return services.person_create(
        actor=office_clerk,
        unit=office_clerk.unit,
        name=NAME,
        id_number=ID_NUMBER,
        phone=PHONE,
        address="西安市新城区西一路88号",
    )


def _row_json(event: AuditEvent) -> str:
    return json.dumps(model_to_dict(event), default=str, ensure_ascii=False)


def _tamper(seq: int) -> None:
    """Change one audit row, getting past the append-only trigger for the length of it."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_no_update")
            cursor.execute("UPDATE core_auditevent SET reason = 'edited' WHERE seq = %s", [seq])
            cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_no_update")
        else:
            migration = import_module("sifasuo.core.migrations.0002_audit_append_only")
            cursor.execute("DROP TRIGGER core_auditevent_no_update")
            cursor.execute("UPDATE core_auditevent SET reason = 'edited' WHERE seq = %s", [seq])
            cursor.execute(migration.SQLITE_UP[0])


def test_person_create_writes_one_row_without_personal_data(office_clerk):
    # given
    before = AuditEvent.objects.count()
    # when
    person = services.person_create(
        actor=office_clerk,
        unit=office_clerk.unit,
        name=NAME,
        id_number=ID_NUMBER,
        phone=PHONE,
        address="西安市新城区西一路88号",
    )
    # then
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.get(object_type="people.person", object_id=str(person.public_id))
    assert event.action == "create"
    assert event.outcome == AuditOutcome.SUCCESS
    assert event.actor == office_clerk
    assert event.actor_unit_code == "610102001"
    assert "OFFICE_CLERK" in event.actor_roles
    assert "id_number" in event.changes["fields"]
    text = _row_json(event)
    for secret in (ID_NUMBER, ID_NUMBER[6:14], PHONE, NAME, "西一路88号"):
        assert secret not in text


def test_person_update_names_the_changed_fields_only(office_clerk, person):
    # when
    services.person_update(
        actor=office_clerk, person=person, version=person.version, phone="13900001111"
    )
    # then
    event = AuditEvent.objects.filter(action="update").order_by("-seq").first()
    assert event.changes == {"fields": ["phone"]}
    assert "13900001111" not in _row_json(event)
    assert PHONE not in _row_json(event)


def test_rows_chain_to_each_other(person):
    # when
    last_two = list(AuditEvent.objects.order_by("-seq")[:2])
    # then
    newest, previous = last_two
    assert newest.seq == previous.seq + 1
    assert newest.prev_hash == previous.hash
    assert newest.hash == audit.compute_hash(previous.hash, newest)


def test_an_audit_row_cannot_be_updated(person):
    # given
    event = AuditEvent.objects.order_by("-seq").first()
    # when / then
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET action = 'nothing' WHERE seq = %s", [event.seq])
    event.refresh_from_db()
    assert event.action == "create"


def test_an_audit_row_cannot_be_deleted(person):
    # given
    count = AuditEvent.objects.count()
    # when / then
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent")
    assert AuditEvent.objects.count() == count


def test_the_orm_cannot_delete_audit_rows_either(person):
    # when / then
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(object_id=str(person.public_id)).delete()
    assert AuditEvent.objects.filter(object_id=str(person.public_id)).exists()


def test_verify_audit_chain_passes_on_an_intact_chain(person):
    # given
    out = StringIO()
    # when
    call_command("verify_audit_chain", stdout=out)
    # then
    assert "intact" in out.getvalue()
    assert str(AuditEvent.objects.count()) in out.getvalue()


def test_verify_audit_chain_names_the_tampered_row(office_clerk, person):
    # given: a few more rows after the one we tamper with
    services.person_update(actor=office_clerk, person=person, version=person.version, name="甲")
    target = AuditEvent.objects.get(object_id=str(person.public_id), action="create")
    _tamper(target.seq)
    # when / then
    with pytest.raises(CommandError, match=rf"seq {target.seq}\b"):
        call_command("verify_audit_chain", stdout=StringIO())


def test_tampering_leaves_the_trigger_in_place(person):
    # given
    target = AuditEvent.objects.order_by("-seq").first()
    _tamper(target.seq)
    # when / then: updates are refused again
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET reason = 'again' WHERE seq = %s", [target.seq])


def test_a_denied_action_is_recorded(office_clerk, person):
    # given: a clerk may not reveal
    before = AuditEvent.objects.filter(outcome=AuditOutcome.DENIED).count()
    # when
    with pytest.raises(PermissionDenied):
        services.person_reveal(actor=office_clerk, person=person, field="phone", reason="核对")
    # then
    assert AuditEvent.objects.filter(outcome=AuditOutcome.DENIED).count() == before + 1


def test_a_failed_write_leaves_no_audit_row(office_clerk, person):
    # given
    before, people = AuditEvent.objects.count(), Person.objects.count()
    # when: the same document number again is refused
    with pytest.raises(ApplicationError):
        services.person_create(
            actor=office_clerk, unit=office_clerk.unit, name="乙", id_number=ID_NUMBER
        )
    # then
    assert AuditEvent.objects.count() == before
    assert Person.objects.count() == people


@pytest.mark.postgres
def test_postgresql_refuses_truncate_of_the_audit_trail(person):
    # given: a session without the test suite's flush permission
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL sifasuo.allow_audit_truncate = 'off'")
        # when / then
        with pytest.raises(DatabaseError), transaction.atomic():
            cursor.execute("TRUNCATE core_auditevent")
    assert AuditEvent.objects.exists()


# Fail closed (check 28) -----------------------------------------------------------------------


@pytest.fixture
def audit_down(monkeypatch):
    """Call it to make the audit trail unwritable: every insert of an audit row raises."""

    def refuse(self, *args, **kwargs):
        raise DatabaseError("could not extend file: No space left on device")

    return lambda: monkeypatch.setattr(AuditEvent, "save", refuse)


def _pii_free(response, *secrets: str) -> None:
    body = response.content.decode()
    assert response.status_code == 503
    for secret in secrets:
        assert secret not in body, secret
    assert "audit" in body.lower() or "审计" in body


def test_the_writer_reports_audit_unavailable(audit_down, office_clerk):
    # given
    audit_down()
    # when / then
    with pytest.raises(audit.AuditUnavailable):
        audit.record("view", actor=office_clerk, object_type="people.person")


def test_a_correction_subject_page_fails_closed(audit_down, client_for, office_clerk):
    # given
    from tests.correction import factories

    subject = factories.received(actor=office_clerk, name="钱闭合")
    client = client_for(office_clerk)
    audit_down()
    # when
    response = client.get(f"/correction/subjects/{subject.public_id}/")
    # then
    _pii_free(response, "钱闭合", subject.person.id_number, factories.CRIME, factories.PHONE)


def test_a_resettlement_file_fails_closed(audit_down, client_for, office_clerk):
    # given
    from tests.resettlement import factories

    rp = factories.assisting(actor=office_clerk)
    client = client_for(office_clerk)
    audit_down()
    # when
    response = client.get(rp.get_absolute_url())
    # then
    _pii_free(response, rp.person.name, rp.person.id_number, factories.CRIME, factories.PHONE)


def test_a_person_page_reveal_and_export_fail_closed(
    audit_down, client_for, office_clerk, office_director
):
    # given
    person = services.person_create(
        actor=office_clerk,
        unit=office_clerk.unit,
        name=NAME,
        id_number=ID_NUMBER,
        phone=PHONE,
        address="西安市新城区西一路88号",
    )
    director = client_for(office_director)
    audit_down()
    # when
    page = director.get(f"/people/{person.public_id}/")
    reveal = director.post(
        f"/people/{person.public_id}/reveal/", {"field": "id_number", "reason": "核对"}
    )
    export = director.get("/people/?export=xlsx")
    # then
    for response in (page, reveal):
        _pii_free(response, NAME, ID_NUMBER, PHONE, "西一路88号")
    assert export.status_code == 503
    assert not export.get("Content-Type", "").startswith("application/vnd.openxmlformats")


def test_a_write_whose_audit_row_fails_commits_nothing(audit_down, client_for, office_clerk):
    # given
    from tests.correction.factories import id_number

    people, client = Person.objects.count(), client_for(office_clerk)
    rows = _real_count()
    audit_down()
    # when
    response = client.post(
        "/people/new/",
        {
            "name": "孙未存",
            "id_type": "RESIDENT_ID",
            "id_number": id_number(),
            "sex": "U",
            "birth_date": "",
            "phone": "",
            "address": "",
            "form_token": "fail-closed-token-1",
        },
    )
    assert "form" not in (response.context or {}) or not response.context["form"].errors
    # then
    assert response.status_code == 503
    assert Person.objects.count() == people
    assert not Person.objects.filter(name="孙未存").exists()
    assert _real_count() == rows


def test_an_edit_whose_audit_row_fails_changes_nothing(audit_down, client_for, office_clerk):
    # given
    person = services.person_create(actor=office_clerk, unit=office_clerk.unit, name="周原名")
    client = client_for(office_clerk)
    audit_down()
    # when
    response = client.post(
        f"/people/{person.public_id}/edit/",
        {"version": person.version, "name": "周改名", "id_type": person.id_type, "sex": "U"},
    )
    # then
    assert response.status_code == 503
    person.refresh_from_db()
    assert person.name == "周原名"


def _real_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM core_auditevent")
        return cursor.fetchone()[0]
