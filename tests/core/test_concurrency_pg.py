"""Races that only a real server shows: double submits, numbering, the audit chain, stale saves.

PostgreSQL only (SQLite serialises writers); each test commits, so it runs transactionally.
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client

from sifasuo.core import audit
from sifasuo.core.errors import ConcurrentModificationError
from sifasuo.core.models import AuditEvent, DocumentType, SubmissionToken
from sifasuo.core.numbering import next_document_number
from sifasuo.orgs.models import Unit
from sifasuo.people import services
from sifasuo.people.choices import IdType
from sifasuo.people.models import Person

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _in_threads(count: int, work: Callable[[int], Any]) -> tuple[list[Any], list[BaseException]]:
    """Run ``work(i)`` in ``count`` threads released together; return results and errors."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = work(i)
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors


def test_the_same_form_token_posted_twice_at_once_creates_one_person(office_clerk, monkeypatch):
    # given: no document number, so only the token can stop a second person; creating
    # takes a moment, so the second post arrives while the first is still open
    original = services.person_create

    def slow_create(**kwargs: Any) -> Person:
        person = original(**kwargs)
        time.sleep(0.3)
        return person

    monkeypatch.setattr(services, "person_create", slow_create)
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(office_clerk)
    data = {
        "name": "并发提交",
        "id_type": IdType.RESIDENT_ID,
        "id_number": "",
        "sex": "U",
        "phone": "13700000000",
        "form_token": "race-token-1",
    }
    # when
    responses, errors = _in_threads(2, lambda i: clients[i].post("/people/new/", data))
    # then
    assert errors == []
    assert Person.objects.filter(name="并发提交").count() == 1
    assert [r.status_code for r in responses] == [302, 302]
    assert responses[0]["Location"] == responses[1]["Location"]
    assert SubmissionToken.objects.filter(token="race-token-1").count() == 1


def test_concurrent_numbers_are_distinct_and_gapless(demo):
    # given
    DocumentType.objects.create(code="RACE", name="并发", type_word="调")
    unit = Unit.objects.get(code="610102001")

    def take(i: int) -> str:
        with transaction.atomic():
            number = next_document_number(unit=unit, doc_type_code="RACE", year=2024)
            time.sleep(0.05)
            return number

    # when
    numbers, errors = _in_threads(8, take)
    # then
    assert errors == []
    assert sorted(numbers) == [f"（2024）新城西一路调字第{n:04d}号" for n in range(1, 9)]


def test_concurrent_audit_writers_keep_one_chain(office_clerk):
    # given
    before = AuditEvent.objects.count()

    def write(i: int) -> list[int]:
        return [
            audit.record("race", actor=office_clerk, object_type="test", object_id=f"{i}-{n}").seq
            for n in range(5)
        ]

    # when
    results, errors = _in_threads(6, write)
    # then
    assert errors == []
    seqs = sorted(seq for batch in results for seq in batch)
    assert len(seqs) == len(set(seqs)) == 30
    assert AuditEvent.objects.count() == before + 30
    assert audit.first_break() is None


def test_two_concurrent_saves_of_one_version_let_exactly_one_win(office_clerk):
    # given
    person = services.person_create(
        actor=office_clerk, unit=office_clerk.unit, name="原名", id_number="610102199003071238"
    )
    copies = [Person.objects.get(pk=person.pk), Person.objects.get(pk=person.pk)]

    def save(i: int) -> str:
        with transaction.atomic():
            copies[i].name = f"第{i}"
            copies[i].save()
            time.sleep(0.2)
        return copies[i].name

    # when
    results, errors = _in_threads(2, save)
    # then
    assert len(errors) == 1
    assert isinstance(errors[0], ConcurrentModificationError)
    winner = [r for r in results if r is not None]
    kept = Person.objects.get(pk=person.pk)
    assert [kept.name] == winner
    assert kept.version == 2


def test_the_same_idempotency_key_posted_twice_at_once_creates_one_person(
    office_clerk, monkeypatch
):
    # given: the API create is slow, so the second request arrives while the first is open
    original = services.person_create

    def slow_create(**kwargs: Any) -> Person:
        person = original(**kwargs)
        time.sleep(0.3)
        return person

    monkeypatch.setattr(services, "person_create", slow_create)
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(office_clerk)
    body = {"name": "接口并发", "id_number": "11010519491231002X", "phone": "13611112222"}

    def post(i: int) -> Any:
        return clients[i].post(
            "/api/v1/people/",
            body,
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="race-key-1",
        )

    # when
    responses, errors = _in_threads(2, post)
    # then: one row; one answer 201, the other the same record (200)
    assert errors == []
    assert Person.objects.filter(name="接口并发").count() == 1
    assert sorted(r.status_code for r in responses) == [200, 201]
    assert responses[0].json()["id"] == responses[1].json()["id"]
    assert SubmissionToken.objects.filter(token="race-key-1").count() == 1


def test_the_same_file_imported_twice_at_once_is_imported_once(sysadmin, monkeypatch):
    # given: an office workbook; the first import holds its claim on the file a moment
    from sifasuo.core.imported_files import claim as original_claim
    from sifasuo.core.models import ImportedFile
    from sifasuo.core.xlsx import build_workbook
    from sifasuo.orgs import services as org_services

    def slow_claim(**kwargs: Any) -> None:
        original_claim(**kwargs)
        time.sleep(0.3)

    monkeypatch.setattr(org_services, "claim", slow_claim)
    row = ["610102001", "西一路街道司法所", "610102001", "", "610102", "西一路1号", "", ""]
    content = build_workbook("offices", org_services.OFFICE_COLUMNS, [row])
    # when
    results, errors = _in_threads(
        2, lambda i: org_services.office_import(actor=sysadmin, stream=io.BytesIO(content))
    )
    # then: one import, one refusal as a duplicate
    assert errors == []
    assert sorted(r.ok for r in results) == [False, True]
    assert ImportedFile.objects.filter(kind="orgs.unit").count() == 1
    actions = AuditEvent.objects.filter(action__startswith="import").values_list(
        "action", flat=True
    )
    assert sorted(actions) == ["import_committed", "import_rejected"]
