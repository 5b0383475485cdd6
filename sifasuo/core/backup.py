"""Encrypted, authenticated database backups and their verified restore (SECURITY.md §6.5).

File format, version 1 (all integers big-endian)::

    magic       8 bytes   b"SFSBAK1\\n"
    header_len  4 bytes   length of the header
    header      JSON      {"format", "version": 1, "key_id", "cipher": "SM4-CTR",
                           "mac": "HMAC-SM3", "nonce" (hex, 16 bytes), "chunk_size",
                           "vendor": "postgresql" | "sqlite", "dump": …, "created", "database"}
    ciphertext  …         SM4-CTR(enc_key, nonce) of the payload, written in chunks
    tag         32 bytes  HMAC-SM3(mac_key, magic ‖ header_len ‖ header ‖ ciphertext)

    payload     = manifest_len (8 bytes) ‖ manifest (JSON) ‖ dump
    manifest    = {"vendor", "created", "tables": {name: {"rows": n, "checksum": hex}}}
    dump        = `pg_dump -Fc` output (PostgreSQL) or the database image (SQLite backup API)

Encrypt-then-MAC: the tag covers the header too, so the key id, nonce and vendor cannot be
swapped. ``enc_key`` = HMAC-SM3(master, "sifasuo-backup-v1 enc")[:16] and ``mac_key`` =
HMAC-SM3(master, "sifasuo-backup-v1 mac"); the master key comes from ``SIFASUO_BACKUP_KEYS``
(a ring ``b1=<64 hex>``, separate from the field keys, never stored with the backups).

Consistency: on PostgreSQL the manifest is computed in a REPEATABLE READ transaction whose
snapshot ``pg_dump --snapshot`` then dumps; on SQLite the backup API copies the database in
one step and the manifest is computed from that copy. Restore verifies the tag over the
whole file before decrypting anything, refuses a non-empty target, restores
(``pg_restore --exit-on-error --single-transaction``), then compares every table's row
count and checksum with the manifest and checks that no migration is pending.
"""

from __future__ import annotations

import hmac as std_hmac
import io
import json
import os
import sqlite3
import struct
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import environ
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.db import connection as default_connection
from django.db.migrations.loader import MigrationLoader

from sifasuo.core import audit, crypto
from sifasuo.core.choices import AuditOutcome

MAGIC = b"SFSBAK1\n"
VERSION = 1
CHUNK_SIZE = 1024 * 1024
NONCE_BYTES = 16
TAG_BYTES = 32
MAX_HEADER_BYTES = 64 * 1024


class BackupError(Exception):
    """A backup or restore could not be made, or a backup file was refused."""


# --- keys ------------------------------------------------------------------------------


def _master_key(key_id: str) -> bytes:
    ring: dict[str, str] = settings.SIFASUO_BACKUP_KEYS
    if not ring:
        raise BackupError("SIFASUO_BACKUP_KEYS is not configured (b1=<64 hex>).")
    if key_id not in ring:
        raise BackupError(f"backup key {key_id!r} is not in SIFASUO_BACKUP_KEYS")
    try:
        key = bytes.fromhex(ring[key_id])
    except ValueError as exc:
        raise BackupError(f"backup key {key_id!r} is not hex") from exc
    if len(key) < 16:
        raise BackupError(f"backup key {key_id!r} must be at least 128 bits")
    return key


def _derive(key_id: str) -> tuple[bytes, bytes]:
    master = _master_key(key_id)
    enc_key = crypto.hmac_sm3(master, b"sifasuo-backup-v1 enc")[:16]
    mac_key = crypto.hmac_sm3(master, b"sifasuo-backup-v1 mac")
    return enc_key, mac_key


# --- the encrypted container ------------------------------------------------------------


class EncryptedWriter:
    """Stream plaintext in; SM4-CTR ciphertext and a final HMAC-SM3 tag come out."""

    def __init__(self, out: IO[bytes], header: dict[str, Any], key_id: str) -> None:
        enc_key, mac_key = _derive(key_id)
        nonce = os.urandom(NONCE_BYTES)
        header = {
            "format": "sifasuo-backup",
            "version": VERSION,
            "key_id": key_id,
            "cipher": "SM4-CTR",
            "mac": "HMAC-SM3",
            "nonce": nonce.hex(),
            "chunk_size": CHUNK_SIZE,
            **header,
        }
        head = json.dumps(header, sort_keys=True).encode()
        prefix = MAGIC + struct.pack(">I", len(head)) + head
        self._out = out
        self._encryptor = Cipher(algorithms.SM4(enc_key), modes.CTR(nonce)).encryptor()
        self._mac = hmac.HMAC(mac_key, hashes.SM3())
        self._mac.update(prefix)
        self._digest = hashes.Hash(hashes.SM3())
        self._emit(prefix, mac=False)
        self.header = header

    def _emit(self, data: bytes, *, mac: bool = True) -> None:
        if mac:
            self._mac.update(data)
        self._digest.update(data)
        self._out.write(data)

    def write(self, data: bytes) -> None:
        for start in range(0, len(data), CHUNK_SIZE):
            self._emit(self._encryptor.update(data[start : start + CHUNK_SIZE]))

    def finish(self) -> str:
        """Write the tag; return the SM3 digest of the whole file (hex) for the audit row."""
        self._emit(self._encryptor.finalize())
        tag = self._mac.finalize()
        self._emit(tag, mac=False)
        return self._digest.finalize().hex()


@dataclass
class BackupFile:
    """An opened backup: its header and where the ciphertext lies."""

    path: Path
    header: dict[str, Any]
    prefix: bytes
    body_start: int
    body_end: int

    @classmethod
    def open(cls, path: Path) -> BackupFile:
        size = path.stat().st_size
        with path.open("rb") as f:
            magic = f.read(len(MAGIC))
            if magic != MAGIC:
                raise BackupError(f"{path} is not a sifasuo backup (bad magic)")
            (length,) = struct.unpack(">I", f.read(4))
            if length > MAX_HEADER_BYTES:
                raise BackupError(f"{path}: header too long")
            head = f.read(length)
        try:
            header = json.loads(head)
        except ValueError as exc:
            raise BackupError(f"{path}: header is not JSON") from exc
        if header.get("version") != VERSION or header.get("cipher") != "SM4-CTR":
            raise BackupError(f"{path}: unsupported backup version or cipher")
        body_start = len(MAGIC) + 4 + length
        if size < body_start + TAG_BYTES:
            raise BackupError(f"{path}: truncated")
        return cls(
            path, header, magic + struct.pack(">I", length) + head, body_start, size - TAG_BYTES
        )

    def _chunks(self, f: IO[bytes]) -> Iterator[bytes]:
        f.seek(self.body_start)
        remaining = self.body_end - self.body_start
        while remaining > 0:
            chunk = f.read(min(CHUNK_SIZE, remaining))
            if not chunk:
                raise BackupError(f"{self.path}: truncated while reading")
            remaining -= len(chunk)
            yield chunk

    def _tag_matches(self, f: IO[bytes], mac_key: bytes, chunks: Iterator[bytes] | None) -> bool:
        mac = hmac.HMAC(mac_key, hashes.SM3())
        mac.update(self.prefix)
        for chunk in chunks if chunks is not None else self._chunks(f):
            mac.update(chunk)
        f.seek(self.body_end)
        return std_hmac.compare_digest(mac.finalize(), f.read(TAG_BYTES))

    def verify(self) -> None:
        """Check the HMAC-SM3 tag over the whole file; raise BackupError if it fails."""
        _enc, mac_key = _derive(str(self.header.get("key_id", "")))
        with self.path.open("rb") as f:
            if not self._tag_matches(f, mac_key, None):
                raise BackupError(f"{self.path}: authentication failed (file altered or wrong key)")

    def decrypt(self) -> Iterator[bytes]:
        """Yield the plaintext; the tag is checked again before the last chunk is released.

        The caller must treat the stream as untrusted until it is exhausted without error
        (a file changed between ``verify`` and here fails on the last chunk).
        """
        enc_key, mac_key = _derive(str(self.header["key_id"]))
        nonce = bytes.fromhex(self.header["nonce"])
        decryptor = Cipher(algorithms.SM4(enc_key), modes.CTR(nonce)).decryptor()
        mac = hmac.HMAC(mac_key, hashes.SM3())
        mac.update(self.prefix)
        with self.path.open("rb") as f:
            pending: bytes | None = None
            for chunk in self._chunks(f):
                mac.update(chunk)
                if pending is not None:
                    yield pending
                pending = decryptor.update(chunk)
            f.seek(self.body_end)
            if not std_hmac.compare_digest(mac.finalize(), f.read(TAG_BYTES)):
                raise BackupError(f"{self.path}: authentication failed while restoring")
            yield (pending or b"") + decryptor.finalize()


class PayloadReader:
    """Split the decrypted stream into the manifest and the dump."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = b""

    def _fill(self, size: int) -> None:
        while len(self._buffer) < size:
            try:
                self._buffer += next(self._chunks)
            except StopIteration as exc:
                raise BackupError("backup payload is truncated") from exc

    def manifest(self) -> dict[str, Any]:
        self._fill(8)
        (length,) = struct.unpack(">Q", self._buffer[:8])
        self._fill(8 + length)
        manifest: dict[str, Any] = json.loads(self._buffer[8 : 8 + length])
        self._buffer = self._buffer[8 + length :]
        return manifest

    def rest(self) -> Iterator[bytes]:
        if self._buffer:
            yield self._buffer
            self._buffer = b""
        yield from self._chunks


# --- checksums ---------------------------------------------------------------------------

PG_SESSION = (
    "SET TIME ZONE 'UTC'",
    "SET datestyle = 'ISO, YMD'",
    "SET intervalstyle = 'postgres'",
    "SET extra_float_digits = 1",
    "SET bytea_output = 'hex'",
)


def pg_manifest(cursor: Any) -> dict[str, dict[str, Any]]:
    """Row count and checksum of every table of the public schema (PostgreSQL).

    checksum = md5 of the sorted md5s of the rows' text forms: independent of physical
    order, identical for identical contents under the same session settings.
    """
    for statement in PG_SESSION:
        cursor.execute(statement)
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
    tables = [row[0] for row in cursor.fetchall()]
    result: dict[str, dict[str, Any]] = {}
    for table in tables:
        quoted = '"' + table.replace('"', '""') + '"'
        cursor.execute(
            # The table names come from the catalogue and are quoted; nothing from input.
            f"SELECT count(*), coalesce(md5(string_agg(h, '' ORDER BY h)), '') "  # noqa: S608  # nosec B608
            f"FROM (SELECT md5(t::text) AS h FROM {quoted} t) s"
        )
        rows, checksum = cursor.fetchone()
        result[table] = {"rows": int(rows), "checksum": checksum}
    return result


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"hex": value.hex()}
    return value


def sqlite_manifest(conn: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    """Row count and checksum of every table (SQLite): SM3 of the sorted SM3s of the rows."""
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    result: dict[str, dict[str, Any]] = {}
    for table in tables:
        quoted = '"' + table.replace('"', '""') + '"'
        hashes_ = sorted(
            crypto.sm3(json.dumps([_sqlite_value(v) for v in row], default=str).encode())
            # A table name from sqlite_master, quoted; nothing from input.
            for row in conn.execute(f"SELECT * FROM {quoted}")  # noqa: S608  # nosec B608
        )
        result[table] = {
            "rows": len(hashes_),
            "checksum": crypto.sm3("".join(hashes_).encode()) if hashes_ else "",
        }
    return result


def compare_manifests(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """Name every table whose rows or checksum differ (or that is missing on one side)."""
    problems = []
    for table in sorted(set(expected) | set(actual)):
        want, got = expected.get(table), actual.get(table)
        if want is None or got is None:
            problems.append(f"{table}: {'missing in restore' if got is None else 'unexpected'}")
        elif want != got:
            problems.append(
                f"{table}: rows {want['rows']} → {got['rows']}, checksum "
                f"{'differs' if want['checksum'] != got['checksum'] else 'same'}"
            )
    return problems


# --- database targets --------------------------------------------------------------------


@dataclass
class Target:
    """A database named by Django settings or a URL."""

    vendor: str
    name: str
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = field(default="", repr=False)

    @classmethod
    def from_settings(cls, cfg: dict[str, Any]) -> Target:
        engine = str(cfg.get("ENGINE", ""))
        if engine.endswith("sqlite3"):
            vendor = "sqlite"
        elif "postgresql" in engine or "postgis" in engine:
            vendor = "postgresql"
        else:
            raise BackupError(f"unsupported database engine {engine}")
        return cls(
            vendor=vendor,
            name=str(cfg.get("NAME", "")),
            host=str(cfg.get("HOST") or ""),
            port=str(cfg.get("PORT") or ""),
            user=str(cfg.get("USER") or ""),
            password=str(cfg.get("PASSWORD") or ""),
        )

    @classmethod
    def from_url(cls, url: str) -> Target:
        return cls.from_settings(environ.Env.db_url_config(url))

    def describe(self) -> str:
        """A name for logs and audit rows, without the credentials."""
        if self.vendor == "sqlite":
            return f"sqlite:{self.name}"
        return f"postgresql://{self.host or 'localhost'}:{self.port or 5432}/{self.name}"

    def pg_args(self) -> list[str]:
        args = []
        if self.host:
            args += ["-h", self.host]
        if self.port:
            args += ["-p", self.port]
        if self.user:
            args += ["-U", self.user]
        return args

    def pg_env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.password:
            env["PGPASSWORD"] = self.password
        return env

    def pg_connect(self, dbname: str | None = None) -> Any:
        import psycopg

        return psycopg.connect(
            dbname=dbname or self.name,
            host=self.host or None,
            port=self.port or None,
            user=self.user or None,
            password=self.password or None,
            autocommit=True,
        )


def default_target() -> Target:
    return Target.from_settings(default_connection.settings_dict)


def _pending_migrations(applied: set[tuple[str, str]]) -> list[str]:
    """Migrations of the code that the restored database lacks (``migrate --check``)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    pending = []
    for key in sorted(loader.graph.nodes):
        if key in applied:
            continue
        migration = loader.graph.nodes[key]
        if migration.replaces and all(tuple(r) in applied for r in migration.replaces):
            continue
        pending.append(f"{key[0]}.{key[1]}")
    return pending


# --- backup ------------------------------------------------------------------------------


@dataclass
class BackupResult:
    path: Path
    size: int
    sm3: str
    tables: int
    rows: int
    seconds: float


def _audit(action: str, phase: str, outcome: str = AuditOutcome.SUCCESS, **changes: Any) -> None:
    audit.record(
        action,
        object_type="database",
        object_id=str(changes.pop("object_id", ""))[:64],
        outcome=outcome,
        username=audit.command_user(),
        changes={"phase": phase, **changes},
    )


def _private_file(path: Path) -> IO[bytes]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    return os.fdopen(fd, "wb")


def backup(output: Path | None = None, *, key_id: str | None = None) -> BackupResult:
    """Write an encrypted, authenticated backup of the default database; audited."""
    key_id = key_id or settings.SIFASUO_BACKUP_KEY_ID
    _derive(key_id)  # fail before anything is written if the key is missing
    source = default_target()
    created = datetime.now(UTC)
    if output is None:
        stamp = created.strftime("%Y%m%dT%H%M%SZ")
        output = Path(settings.SIFASUO_BACKUP_DIR) / f"sifasuo-{stamp}.sfsbak"
    output = Path(output)
    started = time.monotonic()
    _audit("backup", "start", object_id=output.name, database=source.describe())
    partial = output.with_name(output.name + ".partial")
    try:
        with _private_file(partial) as out:
            header = {
                "vendor": source.vendor,
                "created": created.isoformat(),
                "database": source.describe(),
                "dump": "pg_dump -Fc" if source.vendor == "postgresql" else "sqlite3 image",
            }
            writer = EncryptedWriter(out, header, key_id)
            if source.vendor == "postgresql":
                manifest = _backup_postgresql(source, writer, created)
            else:
                manifest = _backup_sqlite(writer, created)
            digest = writer.finish()
            out.flush()
            os.fsync(out.fileno())
        partial.replace(output)
    except Exception as exc:
        partial.unlink(missing_ok=True)
        _audit("backup", "end", AuditOutcome.ERROR, object_id=output.name, error=type(exc).__name__)
        raise
    tables = manifest["tables"]
    result = BackupResult(
        path=output,
        size=output.stat().st_size,
        sm3=digest,
        tables=len(tables),
        rows=sum(t["rows"] for t in tables.values()),
        seconds=round(time.monotonic() - started, 3),
    )
    _audit(
        "backup",
        "end",
        object_id=output.name,
        size=result.size,
        sm3=digest,
        tables=result.tables,
        rows=result.rows,
        seconds=result.seconds,
        key_id=key_id,
    )
    return result


def _write_manifest(writer: EncryptedWriter, manifest: dict[str, Any]) -> None:
    body = json.dumps(manifest, sort_keys=True).encode()
    writer.write(struct.pack(">Q", len(body)) + body)


def _backup_postgresql(
    source: Target, writer: EncryptedWriter, created: datetime
) -> dict[str, Any]:
    conn = source.pg_connect()
    try:
        with conn.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            manifest = {
                "vendor": "postgresql",
                "created": created.isoformat(),
                "tables": pg_manifest(cursor),
            }
            _write_manifest(writer, manifest)
            command = [
                "pg_dump",
                "-Fc",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                *source.pg_args(),
                "-d",
                source.name,
            ]
            _stream_process(command, source.pg_env(), writer.write)
            cursor.execute("COMMIT")
    finally:
        conn.close()
    return manifest


def _stream_process(command: list[str], env: dict[str, str], sink: Callable[[bytes], None]) -> None:
    with subprocess.Popen(  # noqa: S603 - fixed program, arguments from settings
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    ) as proc:
        assert proc.stdout is not None  # noqa: S101
        while chunk := proc.stdout.read(CHUNK_SIZE):
            sink(chunk)
        stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        if proc.wait() != 0:
            raise BackupError(f"{command[0]} failed: {stderr.strip()[:2000]}")


def _backup_sqlite(writer: EncryptedWriter, created: datetime) -> dict[str, Any]:
    if default_connection.in_atomic_block:
        # the backup API waits for ever on a database its own connection is writing
        raise BackupError("run the backup outside a transaction")
    default_connection.ensure_connection()
    raw = default_connection.connection
    copy = sqlite3.connect(":memory:")
    try:
        raw.backup(copy)  # one step: a consistent copy under a read lock
        manifest = {
            "vendor": "sqlite",
            "created": created.isoformat(),
            "tables": sqlite_manifest(copy),
        }
        _write_manifest(writer, manifest)
        writer.write(copy.serialize())
    finally:
        copy.close()
    return manifest


# --- restore -----------------------------------------------------------------------------


@dataclass
class RestoreResult:
    target: str
    tables: int
    rows: int
    seconds: float
    backup_age_seconds: float
    pending_migrations: list[str]
    manifest: dict[str, Any]


def scratch_target(source: Target | None = None) -> Target:
    """A new, empty database next to the default one, named after the time."""
    source = source or default_target()
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    if source.vendor == "sqlite":
        base = Path(settings.BASE_DIR) / "var"
        return Target(vendor="sqlite", name=str(base / f"restore-{stamp}.sqlite3"))
    name = f"{source.name}_restore_{stamp}"[:63]
    conn = source.pg_connect("postgres")
    try:
        conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        conn.close()
    return Target(
        vendor="postgresql",
        name=name,
        host=source.host,
        port=source.port,
        user=source.user,
        password=source.password,
    )


def restore(path: Path, target: Target) -> RestoreResult:
    """Verify, restore into an empty ``target`` and check it against the manifest; audited.

    Raises BackupError (after an audit row) for a tampered file, a non-empty target, a
    failed restore or a restored database that differs from the manifest.
    """
    path = Path(path)
    started = time.monotonic()
    try:
        backup_file = BackupFile.open(path)
        backup_file.verify()
    except BackupError as exc:
        _audit("restore", "refused", AuditOutcome.DENIED, object_id=path.name, error=str(exc)[:200])
        raise
    header = backup_file.header
    if header.get("vendor") != target.vendor:
        raise BackupError(f"a {header.get('vendor')} backup cannot go into {target.vendor}")
    _audit("restore", "start", object_id=path.name, target=target.describe())
    try:
        reader = PayloadReader(backup_file.decrypt())
        if target.vendor == "postgresql":
            manifest, actual, applied = _restore_postgresql(reader, target)
        else:
            manifest, actual, applied = _restore_sqlite(reader, target)
        problems = compare_manifests(manifest["tables"], actual)
        if problems:
            raise BackupError("restored database differs from the backup: " + "; ".join(problems))
    except Exception as exc:
        _audit(
            "restore",
            "end",
            AuditOutcome.ERROR,
            object_id=path.name,
            target=target.describe(),
            error=str(exc)[:500],
        )
        raise
    created = datetime.fromisoformat(header["created"])
    result = RestoreResult(
        target=target.describe(),
        tables=len(actual),
        rows=sum(t["rows"] for t in actual.values()),
        seconds=round(time.monotonic() - started, 3),
        backup_age_seconds=round((datetime.now(UTC) - created).total_seconds(), 1),
        pending_migrations=_pending_migrations(applied),
        manifest=manifest,
    )
    _audit(
        "restore",
        "end",
        object_id=path.name,
        target=result.target,
        tables=result.tables,
        rows=result.rows,
        rto_seconds=result.seconds,
        rpo_seconds=result.backup_age_seconds,
        manifest="match",
        pending_migrations=len(result.pending_migrations),
    )
    return result


def _restore_postgresql(
    reader: PayloadReader, target: Target
) -> tuple[dict[str, Any], dict[str, Any], set[tuple[str, str]]]:
    conn = target.pg_connect()
    try:
        count = conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        ).fetchone()[0]
        if count:
            raise BackupError(f"{target.describe()} is not empty ({count} tables); restore refused")
    finally:
        conn.close()
    manifest = reader.manifest()
    command = [
        "pg_restore",
        "--exit-on-error",
        "--single-transaction",
        "--no-owner",
        "--no-privileges",
        *target.pg_args(),
        "-d",
        target.name,
    ]
    with subprocess.Popen(  # noqa: S603 - fixed program, arguments from settings
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=target.pg_env(),
    ) as proc:
        assert proc.stdin is not None  # noqa: S101
        broken = False
        try:
            for chunk in reader.rest():
                proc.stdin.write(chunk)
            proc.stdin.close()
        except BrokenPipeError:
            broken = True  # pg_restore stopped early; its message says why
        except BaseException:
            proc.kill()  # tag failed or interrupted: the single transaction never commits
            raise
        stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        if proc.wait() != 0 or broken:
            raise BackupError(f"pg_restore failed: {stderr.strip()[:2000]}")
    conn = target.pg_connect()
    try:
        with conn.cursor() as cursor:
            actual = pg_manifest(cursor)
            cursor.execute("SELECT app, name FROM django_migrations")
            applied = {(row[0], row[1]) for row in cursor.fetchall()}
    finally:
        conn.close()
    return manifest, actual, applied


def _restore_sqlite(
    reader: PayloadReader, target: Target
) -> tuple[dict[str, Any], dict[str, Any], set[tuple[str, str]]]:
    path = Path(target.name)
    if path.exists() and path.stat().st_size:
        existing = sqlite3.connect(path)
        try:
            count = existing.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
            ).fetchone()[0]
        finally:
            existing.close()
        if count:
            raise BackupError(f"{target.describe()} is not empty ({count} tables); restore refused")
    manifest = reader.manifest()
    image = io.BytesIO()
    for chunk in reader.rest():  # the tag is re-checked before the last chunk arrives
        image.write(chunk)
    memory = sqlite3.connect(":memory:")
    try:
        memory.deserialize(image.getvalue())
        path.parent.mkdir(parents=True, exist_ok=True)
        dest = sqlite3.connect(path)
        try:
            memory.backup(dest)
            actual = sqlite_manifest(dest)
            applied = {
                (r[0], r[1]) for r in dest.execute("SELECT app, name FROM django_migrations")
            }
        finally:
            dest.close()
    finally:
        memory.close()
    return manifest, actual, applied
