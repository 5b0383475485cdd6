"""Backup and restore drill (SECURITY.md check 43, §6.5): backup → restore into a scratch
database → every table's row count and checksum equal the source; a tampered file is
refused before anything is restored; backup and restore leave start and end audit rows.

Runs on SQLite (restore into a temp file) and on PostgreSQL (pg_dump -Fc / pg_restore into a
scratch database: ``BACKUP_TEST_SCRATCH_DB`` or ``<test database>_scratch``).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from sifasuo.core import audit, backup
from sifasuo.core.models import AuditEvent

# pg_dump and the checksums read committed data from their own connections; the test
# database's reference data comes back after the flush (serialized_rollback).
# Committed data: pg_dump and SQLite's backup API read what other connections see. On
# SQLite a transactional test cannot be flushed afterwards (the audit table refuses
# DELETE), so these run in the PostgreSQL pass, the production database.
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)
pytestmark = pytest.mark.postgres

MARKER = "备份明文标记-PLAINTEXT-MARKER-7f3a"


def _source_manifest() -> dict[str, Any]:
    """Checksums of the live test database, computed independently of the backup."""
    if connection.vendor == "postgresql":
        conn = backup.Target.from_settings(connection.settings_dict).pg_connect()
        try:
            with conn.cursor() as cursor:
                return backup.pg_manifest(cursor)
        finally:
            conn.close()
    # A plain copy: Django's own sqlite3 connection converts declared types on reading.
    connection.ensure_connection()
    copy = sqlite3.connect(":memory:")
    try:
        connection.connection.backup(copy)
        return backup.sqlite_manifest(copy)
    finally:
        copy.close()


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[tuple[str, backup.Target]]:
    """An empty database to restore into (and its URL)."""
    source = backup.Target.from_settings(connection.settings_dict)
    if source.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"
        yield f"sqlite:///{path}", backup.Target(vendor="sqlite", name=str(path))
        return
    name = os.environ.get("BACKUP_TEST_SCRATCH_DB") or f"{source.name}_scratch"
    admin = source.pg_connect("postgres")
    exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    if not exists:
        admin.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    target = backup.Target(**{**source.__dict__, "name": name})
    conn = target.pg_connect()
    conn.execute("DROP SCHEMA public CASCADE")
    conn.execute("CREATE SCHEMA public")
    conn.close()
    auth = f"{source.user}{':' + source.password if source.password else ''}@"
    url = f"postgres://{auth}{source.host or '127.0.0.1'}:{source.port or 5432}/{name}"
    yield url, target
    if not exists:
        admin = source.pg_connect("postgres")
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _target_manifest(target: backup.Target) -> dict[str, Any]:
    if target.vendor == "sqlite":
        conn = sqlite3.connect(target.name)
        try:
            return backup.sqlite_manifest(conn)
        finally:
            conn.close()
    pg = target.pg_connect()
    try:
        with pg.cursor() as cursor:
            return backup.pg_manifest(cursor)
    finally:
        pg.close()


def _target_has_marker(target: backup.Target) -> bool:
    sql = "SELECT count(*) FROM core_auditevent WHERE reason = %s"
    if target.vendor == "sqlite":
        conn = sqlite3.connect(target.name)
        try:
            return conn.execute(sql.replace("%s", "?"), [MARKER]).fetchone()[0] == 1
        finally:
            conn.close()
    pg = target.pg_connect()
    try:
        return pg.execute(sql, [MARKER]).fetchone()[0] == 1
    finally:
        pg.close()


@committed
def test_backup_restore_drill_matches_source_table_by_table(
    demo: None, tmp_path: Path, scratch: tuple[str, backup.Target], capsys: Any
) -> None:
    url, target = scratch
    audit.record("seed_marker", object_type="test", reason=MARKER)
    file = tmp_path / "drill.sfsbak"

    call_command("backup", "--output", str(file))

    # Encrypted: neither the marker nor SQLite's/pg_dump's magic appear in the file.
    data = file.read_bytes()
    assert data.startswith(backup.MAGIC)
    assert MARKER.encode() not in data
    assert b"SQLite format 3" not in data
    assert b"PGDMP" not in data
    source_after = _source_manifest()
    start = AuditEvent.objects.get(action="backup", changes__phase="start")
    grown = AuditEvent.objects.filter(seq__gt=start.seq).count()  # the backup's end row

    call_command("restore", str(file), "--database-url", url)
    out = capsys.readouterr().out
    assert "manifest matches" in out
    assert "none pending" in out

    restored = _target_manifest(target)
    assert _target_has_marker(target)
    # Every table equals the source, except that the source's audit trail has grown by the
    # backup's end row and the restore's rows since the snapshot.
    audit_table = "core_auditevent"
    assert set(restored) == set(source_after)
    for table, figures in source_after.items():
        if table != audit_table:
            assert restored[table] == figures, table
    assert grown == 1
    assert restored[audit_table]["rows"] == source_after[audit_table]["rows"] - grown
    assert restored["orgs_unit"]["rows"] > 100  # the real divisions and the demo offices

    # Audited: start and end for both, the restore's end with RTO/RPO and the match.
    backup_rows = AuditEvent.objects.filter(action="backup").order_by("seq")
    assert [e.changes["phase"] for e in backup_rows] == ["start", "end"]
    assert backup_rows[1].outcome == "SUCCESS"
    assert backup_rows[1].changes["tables"] > 50
    restore_rows = AuditEvent.objects.filter(action="restore").order_by("seq")
    assert [e.changes["phase"] for e in restore_rows] == ["start", "end"]
    end = restore_rows[1].changes
    assert end["manifest"] == "match"
    assert end["pending_migrations"] == 0
    assert end["rto_seconds"] >= 0
    assert end["rpo_seconds"] >= 0
    assert "password" not in str(end).lower()
    assert target.name in end["target"]

    # A second restore into the now filled database is refused and changes nothing.
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(file), "--database-url", url)
    assert _target_manifest(target) == restored
    failed = AuditEvent.objects.filter(action="restore").order_by("-seq").first()
    assert failed is not None
    assert failed.outcome == "ERROR"


@committed
def test_tampered_backup_is_refused_before_anything_is_restored(
    demo: None, tmp_path: Path, scratch: tuple[str, backup.Target]
) -> None:
    url, target = scratch
    file = tmp_path / "good.sfsbak"
    backup.backup(file)
    good = file.read_bytes()
    nonce_at = good.index(b'"nonce": "') + len(b'"nonce": "')
    assert backup.BackupFile.open(file).body_start > nonce_at
    tamperings = {
        "a ciphertext byte": (len(good) // 2, 0x01),
        "the tag": (len(good) - 1, 0x80),
        "the nonce in the header": (nonce_at, 0x01),
    }
    for what, (offset, bit) in tamperings.items():
        data = bytearray(good)
        data[offset] ^= bit
        bad = tmp_path / "tampered.sfsbak"
        bad.write_bytes(bytes(data))

        with pytest.raises(CommandError, match="authentication failed"):
            call_command("restore", str(bad), "--database-url", url)

        assert _target_manifest(target) == {}, what  # nothing was restored
    truncated = tmp_path / "truncated.sfsbak"
    truncated.write_bytes(good[: len(good) - 100])
    with pytest.raises(CommandError, match="authentication failed"):
        call_command("restore", str(truncated), "--database-url", url)
    refused = AuditEvent.objects.filter(action="restore")
    assert refused.count() == len(tamperings) + 1
    assert {(e.outcome, e.changes["phase"]) for e in refused} == {("DENIED", "refused")}


@pytest.mark.django_db
def test_backup_needs_its_own_key_and_the_key_id_is_checked(tmp_path: Path, settings: Any) -> None:
    file = tmp_path / "k.sfsbak"
    backup.backup(file)
    settings.SIFASUO_BACKUP_KEYS = {"b1": "55" * 32}  # another key under the same id
    with pytest.raises(backup.BackupError, match="authentication failed"):
        backup.BackupFile.open(file).verify()
    settings.SIFASUO_BACKUP_KEYS = {}
    with pytest.raises(CommandError, match="SIFASUO_BACKUP_KEYS"):
        call_command("backup", "--output", str(tmp_path / "none.sfsbak"))
    assert not (tmp_path / "none.sfsbak").exists()
    assert not (tmp_path / "none.sfsbak.partial").exists()


@pytest.mark.django_db
def test_backup_file_is_private_and_streams_in_chunks(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(backup, "CHUNK_SIZE", 4096)  # many chunks even for the test database
    file = tmp_path / "chunks.sfsbak"
    result = backup.backup(file)
    assert file.stat().st_mode & 0o077 == 0
    opened = backup.BackupFile.open(file)
    assert opened.header["cipher"] == "SM4-CTR"
    assert opened.header["mac"] == "HMAC-SM3"
    assert opened.header["key_id"] == "b1"
    assert opened.header["version"] == 1
    opened.verify()
    payload = backup.PayloadReader(opened.decrypt())
    manifest = payload.manifest()
    assert sum(t["rows"] for t in manifest["tables"].values()) == result.rows
    assert sum(len(c) for c in payload.rest()) > 4096 * 4
