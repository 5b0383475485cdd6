"""Audit retention (SECURITY.md check 27): archive before delete, never younger than 180 days."""

from __future__ import annotations

import errno
import json
import os
from datetime import timedelta
from importlib import import_module
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from freezegun import freeze_time

from sifasuo.core import audit
from sifasuo.core.models import AuditEvent
from tests.full_disk import files_in, mount_full_tmpfs, unmount


@pytest.fixture
def archive_dir(settings, tmp_path: Path) -> Path:
    settings.AUDIT_ARCHIVE_DIR = tmp_path / "archive"
    return settings.AUDIT_ARCHIVE_DIR


@pytest.fixture
def empty_trail(db) -> None:
    """Start from an empty trail (in the test's transaction), so the synthetic aged rows
    are the head of the chain as they would be in production (seq order is time order)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE core_auditevent")  # the suite's sessions may (conftest)
        else:
            migration = import_module("sifasuo.core.migrations.0002_audit_append_only")
            cursor.execute("DROP TRIGGER core_auditevent_no_delete")
            cursor.execute("DELETE FROM core_auditevent")
            cursor.execute(migration.SQLITE_UP[1])


def _event_aged(days: int, label: str) -> AuditEvent:
    with freeze_time(timezone.now() - timedelta(days=days)):
        return audit.record("login", username=label, object_type="test.retention")


@pytest.fixture
def aged(empty_trail, archive_dir):
    """Synthetic events 181 and 179 days old, then one of today."""
    old = _event_aged(181, "old")
    kept = _event_aged(179, "kept")
    fresh = audit.record("login", username="fresh")
    return old, kept, fresh


def test_the_181_day_row_is_archived_and_the_179_day_row_kept(aged, archive_dir):
    # given
    old, kept, fresh = aged
    # when
    call_command("archive_audit", stdout=StringIO())
    # then: the young rows are all there, the old one only in the archive
    assert AuditEvent.objects.filter(seq__in=[kept.seq, fresh.seq]).count() == 2
    assert not AuditEvent.objects.filter(seq=old.seq).exists()
    (archive,) = audit.archive_files()
    rows = [json.loads(line) for line in archive.read_text().splitlines()]
    assert [r["seq"] for r in rows] == [old.seq]
    assert rows[0]["hash"] == old.hash
    assert audit.check_archive_file(archive) is None


def test_the_archive_and_its_checksum_are_on_disk_before_any_delete(aged, archive_dir, monkeypatch):
    # given: the delete step looks at the disk as it starts
    old = aged[0]
    seen: list[bool] = []
    real_delete = audit._delete_archived

    def watching(last_seq, cutoff):
        files = audit.archive_files()
        seen.append(bool(files) and audit.check_archive_file(files[0]) is None)
        seen.append(AuditEvent.objects.filter(seq=old.seq).exists())
        return real_delete(last_seq, cutoff)

    monkeypatch.setattr(audit, "_delete_archived", watching)
    # when
    audit.archive_old_events()
    # then: a verified archive existed while the row was still in the table
    assert seen == [True, True]


def test_nothing_younger_than_the_retention_period_is_deleted(empty_trail, archive_dir):
    # given: only young rows
    rows = [_event_aged(179, "a"), _event_aged(100, "b"), audit.record("login", username="c")]
    # when
    result = audit.archive_old_events()
    # then
    assert result.archived == 0
    assert result.path is None
    assert AuditEvent.objects.filter(seq__in=[r.seq for r in rows]).count() == 3
    assert audit.archive_files() == []


def test_a_longer_configured_retention_keeps_the_181_day_row(aged, settings):
    # given
    settings.AUDIT_RETENTION_DAYS = 365
    # when
    audit.archive_old_events()
    # then
    assert AuditEvent.objects.filter(seq=aged[0].seq).exists()


def test_a_retention_below_180_days_is_refused(aged, settings):
    # given
    settings.AUDIT_RETENTION_DAYS = 30
    # when / then
    with pytest.raises(CommandError, match="180"):
        call_command("archive_audit", stdout=StringIO())
    assert AuditEvent.objects.filter(seq=aged[1].seq).exists()


def test_the_newest_row_is_never_archived(empty_trail, archive_dir):
    # given: every row is old
    only = _event_aged(400, "lonely")
    # when
    audit.archive_old_events()
    # then: it stays as the anchor of the live chain
    assert AuditEvent.objects.filter(seq=only.seq).exists()


def test_the_archive_run_is_audited(aged):
    # when
    result = audit.archive_old_events()
    # then
    event = AuditEvent.objects.filter(action="audit_archive").get()
    assert event.changes["rows"] == result.archived == 1
    assert event.changes["file"] == result.path.name


def test_verify_audit_chain_follows_the_archive_into_the_live_rows(aged):
    # given
    audit.archive_old_events()
    out = StringIO()
    # when
    call_command("verify_audit_chain", stdout=out)
    # then
    assert "intact" in out.getvalue()
    assert "1 archive files" in out.getvalue()


def test_a_tampered_archive_fails_verification(aged):
    # given
    result = audit.archive_old_events()
    text = result.path.read_text().replace('"old"', '"evil"')
    result.path.write_text(text)
    # when / then
    with pytest.raises(CommandError, match=rf"seq {aged[0].seq}\b.*sha256"):
        call_command("verify_audit_chain", stdout=StringIO())


def test_a_rewritten_archive_with_fresh_checksums_still_breaks_the_chain(aged):
    # given: the attacker recomputes the SHA-256 but has no HMAC key
    result = audit.archive_old_events()
    text = result.path.read_text().replace('"old"', '"evil"')
    result.path.write_text(text)
    sidecar = result.path.with_name(result.path.name + ".sum")
    summary = json.loads(sidecar.read_text())
    import hashlib

    summary["sha256"] = hashlib.sha256(text.encode()).hexdigest()
    sidecar.write_text(json.dumps(summary))
    # when / then
    with pytest.raises(CommandError, match="hmac_sm3"):
        call_command("verify_audit_chain", stdout=StringIO())


def test_a_missing_archive_breaks_the_link_to_the_first_live_row(aged):
    # given
    result = audit.archive_old_events()
    result.path.unlink()
    first_live = AuditEvent.objects.order_by("seq").first()
    # when / then
    with pytest.raises(CommandError, match=rf"seq {first_live.seq}\b"):
        call_command("verify_audit_chain", stdout=StringIO())


def test_a_plain_delete_is_still_refused_after_an_archive_run(aged):
    # given
    audit.archive_old_events()
    # when / then
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent")
    assert AuditEvent.objects.exists()


@pytest.mark.postgres
def test_postgresql_sanctioned_delete_path_still_refuses_young_rows(aged):
    # given: the session setting of the archive job, but a young row
    kept = aged[1]
    # when / then: the trigger itself refuses (180-day floor in the database)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL sifasuo.audit_archive = 'on'")
        with pytest.raises(DatabaseError), transaction.atomic():
            cursor.execute("DELETE FROM core_auditevent WHERE seq = %s", [kept.seq])
    assert AuditEvent.objects.filter(seq=kept.seq).exists()


@pytest.mark.postgres
def test_postgresql_sanctioned_path_never_allows_update(aged):
    # when / then
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL sifasuo.audit_archive = 'on'")
        with pytest.raises(DatabaseError), transaction.atomic():
            cursor.execute("UPDATE core_auditevent SET reason = 'x' WHERE seq = %s", [aged[0].seq])


# A full archive disk (check 45) ---------------------------------------------------------------


def _no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.fixture
def full_archive_dir(settings, tmp_path, monkeypatch):
    """AUDIT_ARCHIVE_DIR on a full disk; yields it and the files there before the run.

    A real full tmpfs where this machine lets us mount one; else every ``fsync`` reports
    ENOSPC, as a full disk does for data the page cache had taken.
    """
    root = tmp_path / "full"
    root.mkdir()
    mounted = mount_full_tmpfs(root)
    if not mounted:
        monkeypatch.setattr(audit.os, "fsync", _no_space)
    settings.AUDIT_ARCHIVE_DIR = root
    yield root, files_in(root)
    if mounted:
        unmount(root)


def test_a_full_archive_disk_deletes_no_row_and_leaves_no_file(empty_trail, full_archive_dir):
    # given: a row past the retention period, and the archive directory full
    root, before = full_archive_dir
    old = _event_aged(181, "old")
    _event_aged(179, "kept")
    audit.record("login", username="fresh")
    # when
    with pytest.raises(CommandError, match="no audit row was deleted"):
        call_command("archive_audit", stdout=StringIO())
    # then: the row is still online, nothing half written, the chain verifies
    assert AuditEvent.objects.filter(seq=old.seq).exists()
    assert files_in(root) == before
    assert audit.first_break() is None
    assert not AuditEvent.objects.filter(action="audit_archive").exists()


def test_a_disk_that_fills_between_the_archive_and_its_checksums_leaves_neither(
    aged, archive_dir, monkeypatch
):
    # given: the archive file syncs, the sidecar's sync finds the disk full
    old = aged[0]
    real_fsync, calls = os.fsync, []

    def second_fails(fd):
        calls.append(fd)
        if len(calls) == 2:
            _no_space()
        real_fsync(fd)

    monkeypatch.setattr(audit.os, "fsync", second_fails)
    # when
    with pytest.raises(CommandError, match="No space left on device"):
        call_command("archive_audit", stdout=StringIO())
    # then
    assert len(calls) == 2
    assert AuditEvent.objects.filter(seq=old.seq).exists()
    assert sorted(p.name for p in archive_dir.iterdir()) == []
