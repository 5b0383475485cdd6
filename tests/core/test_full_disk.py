"""A full log disk (SECURITY.md check 45): the log is lost, the answer and the audit row are not.

The platform logs to standard error (the journal in production, docs/operations.md); when
that is a file on a full disk every write fails with ``ENOSPC``. Here the console handler
the settings build writes to ``/dev/full``, which fails every write just so. The other
parts of check 45: uploads (tests/core/test_uploads.py), the audit archive
(tests/core/test_audit_retention.py) and the audit trail's own database failing
(tests/core/test_audit.py, check 28: fail closed).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

from sifasuo.core.models import AuditEvent
from sifasuo.people import services as people_services

DEV_FULL = Path("/dev/full")


@pytest.fixture
def full_log() -> Iterator[IO[str]]:
    """The configured console handler writing to a full device."""
    if not DEV_FULL.exists():
        pytest.fail("/dev/full is part of every Linux system; this test needs Linux")
    (handler,) = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    assert isinstance(handler, logging.StreamHandler)
    full = DEV_FULL.open("w", buffering=1)
    previous = handler.setStream(full)
    try:
        yield full
    finally:
        with handler.lock:  # not setStream: it would flush the full stream first, and fail
            handler.stream = previous
        with contextlib.suppress(OSError):  # what is still buffered cannot be written
            full.close()


def test_the_full_device_really_refuses_writes():
    with DEV_FULL.open("wb", buffering=0) as full, pytest.raises(OSError, match="No space"):
        full.write(b"x")


def test_pages_answer_and_reads_are_audited_when_the_log_disk_is_full(
    full_log, client_for, office_clerk, capsys
):
    # given: a person, and a client
    person = people_services.person_create(
        actor=office_clerk, unit=office_clerk.unit, name="满盘测"
    )
    client = client_for(office_clerk)
    # when: a page that logs (a 404 is logged by django.request) and an audited read
    missing = client.get("/people/00000000-0000-0000-0000-000000000000/")
    page = client.get(f"/people/{person.public_id}/")
    # then: both answered as usual, the read has its audit row
    assert missing.status_code == 404
    assert page.status_code == 200
    assert AuditEvent.objects.filter(
        action="view", object_id=str(person.public_id), actor=office_clerk
    ).exists()
    # and the lost log line was reported where Python reports logging errors (stderr)
    assert "Logging error" in capsys.readouterr().err


def test_a_write_commits_with_its_audit_row_when_the_log_disk_is_full(
    full_log, client_for, office_clerk
):
    # given
    client = client_for(office_clerk)
    # when
    response = client.post(
        "/people/new/",
        {
            "name": "满盘存",
            "id_type": "RESIDENT_ID",
            "id_number": "",
            "sex": "U",
            "birth_date": "",
            "phone": "",
            "address": "",
            "form_token": "full-log-disk-1",
        },
    )
    # then
    assert response.status_code == 302, response.content.decode()[:500]
    created = AuditEvent.objects.filter(action="create", object_type="people.person")
    assert created.filter(actor=office_clerk).exists()
