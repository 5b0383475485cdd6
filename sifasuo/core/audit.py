"""The audit trail's one writer and its verifier (DESIGN rule 2).

Each row's hash is HMAC-SM3(key, previous hash ‖ canonical JSON of the row). Writers are
serialised (an advisory lock on PostgreSQL, IMMEDIATE transactions on SQLite) so the chain
never forks; ``seq`` is unique as a second guard.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils import timezone

from sifasuo.core import crypto
from sifasuo.core.choices import AuditOutcome
from sifasuo.core.models import AuditEvent
from sifasuo.core.request_context import current

GENESIS = "0" * 64
MIN_RETENTION_DAYS = 180  # 网络安全法 Art. 21(3): network logs kept at least six months


class AuditUnavailable(Exception):
    """The audit row could not be written: the action it records must not happen (fail closed).

    ``FailClosedMiddleware`` answers 503 without any of the page's data; the caller's
    transaction is rolled back because the exception leaves it.
    """


_ADVISORY_LOCK_ID = 0x5F1A5_A0D1  # any constant shared by all writers


def _canonical(event: AuditEvent) -> bytes:
    fields = {
        "seq": event.seq,
        "ts": event.ts.isoformat(),
        "actor_id": event.actor_id,
        "actor_username": event.actor_username,
        "actor_roles": event.actor_roles,
        "actor_unit_code": event.actor_unit_code,
        "ip": event.ip,
        "user_agent": event.user_agent,
        "request_id": event.request_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "outcome": event.outcome,
        "reason": event.reason,
        "changes": event.changes,
    }
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str).encode()


def compute_hash(prev_hash: str, event: AuditEvent) -> str:
    """Return the chain hash of ``event`` following ``prev_hash``."""
    return crypto.hmac_sm3(crypto.audit_chain_key(), prev_hash.encode() + _canonical(event)).hex()


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_ID])


def _describe(obj: models.Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    public_id = getattr(obj, "public_id", None)
    return obj._meta.label_lower, str(public_id or obj.pk)


def record(
    action: str,
    *,
    actor: Any = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    outcome: str = AuditOutcome.SUCCESS,
    reason: str = "",
    changes: dict[str, Any] | None = None,
    username: str = "",
) -> AuditEvent:
    """Write one audit row for ``action`` in the current transaction and return it.

    ``changes`` names fields (and masked or non-personal values only): never plaintext
    personal data. If writing fails, the caller's transaction fails with it (fail closed).
    """
    context = current()
    if obj is not None:
        object_type, object_id = _describe(obj)
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    unit = getattr(actor, "unit", None) if authenticated else None
    try:
        return _write(
            action=action,
            actor=actor if authenticated else None,
            username=(actor.get_username() if authenticated else username)[:150],
            roles=",".join(actor.role_codes) if authenticated else "",
            unit_code=unit.code if unit else "",
            context=context,
            object_type=object_type,
            object_id=str(object_id),
            outcome=outcome,
            reason=reason,
            changes=changes or {},
        )
    except AuditUnavailable:
        raise
    except Exception as exc:  # any failure to write the trail stops the audited action
        raise AuditUnavailable(f"audit row for {action!r} could not be written") from exc


def _write(
    *,
    action: str,
    actor: Any,
    username: str,
    roles: str,
    unit_code: str,
    context: Any,
    object_type: str,
    object_id: str,
    outcome: str,
    reason: str,
    changes: dict[str, Any],
) -> AuditEvent:
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
        event = AuditEvent(
            seq=(last["seq"] + 1) if last else 1,
            ts=timezone.now(),
            actor=actor,
            actor_username=username,
            actor_roles=roles,
            actor_unit_code=unit_code,
            ip=context.ip,
            user_agent=context.user_agent[:300],
            request_id=context.request_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            outcome=outcome,
            reason=reason,
            changes=changes,
            prev_hash=last["hash"] if last else GENESIS,
        )
        event.hash = compute_hash(event.prev_hash, event)
        event.save(force_insert=True)
    return event


def command_user() -> str:
    """Who runs a command that acts without a user (backup, retention): ``cli:<login>``."""
    try:
        return f"cli:{getpass.getuser()}"[:150]
    except (KeyError, OSError):
        return "cli"


def record_refusal(exc: Any, actor: Any) -> None:
    """Record a refused action (``ApplicationError`` with ``audit_action``) as DENIED.

    Called by the interfaces once the service's transaction is over, so the row is kept.
    """
    action = getattr(exc, "audit_action", "")
    if action:
        record(
            action,
            actor=actor,
            object_type=getattr(exc, "audit_object_type", ""),
            outcome=AuditOutcome.DENIED,
            reason=str(getattr(exc, "field", "") or ""),
        )


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Return the names of fields whose values differ (names only, so no personal data)."""
    return sorted(k for k in after if before.get(k) != after.get(k))


@dataclass(frozen=True)
class ChainBreak:
    """Where the chain first fails to verify."""

    seq: int
    reason: str


def iter_breaks(
    events: Iterable[AuditEvent], *, prev_hash: str = GENESIS, expected_seq: int | None = None
) -> Iterator[ChainBreak]:
    """Yield every row (in ``seq`` order) whose link or hash does not verify.

    ``prev_hash`` and ``expected_seq`` continue a chain whose head was archived.
    """
    for event in events:
        if expected_seq is not None and event.seq != expected_seq:
            yield ChainBreak(event.seq, f"gap: expected seq {expected_seq}")
        if event.prev_hash != prev_hash:
            yield ChainBreak(event.seq, "previous hash does not match")
        elif compute_hash(prev_hash, event) != event.hash:
            yield ChainBreak(event.seq, "row content does not match its hash")
        prev_hash, expected_seq = event.hash, event.seq + 1


def first_break(archive_dir: Path | None = None) -> ChainBreak | None:
    """Verify the whole chain, archives first; return the first broken row, or None.

    The archive files (``archive_audit``) must verify against their checksums and chain to
    each other from the genesis; the first live row must follow the last archived one.
    """
    prev_hash, expected_seq = GENESIS, None
    for archive in archive_files(archive_dir):
        problem = check_archive_file(archive)
        if problem is not None:
            return problem
        events = read_archive(archive)
        broken = next(iter_breaks(events, prev_hash=prev_hash, expected_seq=expected_seq), None)
        if broken is not None:
            return ChainBreak(broken.seq, f"{broken.reason} (archive {archive.name})")
        if events:
            prev_hash, expected_seq = events[-1].hash, events[-1].seq + 1
    live = AuditEvent.objects.order_by("seq").iterator(chunk_size=2000)
    return next(iter_breaks(live, prev_hash=prev_hash, expected_seq=expected_seq), None)


# Fail closed (SECURITY.md 1.3 d, check 28) --------------------------------------------------


class FailClosedMiddleware:
    """Answer 503, with nothing of the page, when the audit row of a request cannot be written.

    The view's atomic blocks have rolled back by the time the exception arrives here, so a
    write whose audit row failed has committed nothing.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, AuditUnavailable):
            return None
        import logging

        logging.getLogger("sifasuo.audit").error(
            "audit trail unavailable: request refused (fail closed)", exc_info=exception
        )
        body = loader.get_template("core/audit_unavailable.html").render(
            {"request_id": getattr(request, "request_id", "")}
        )
        response = HttpResponse(body, status=503)
        response["Retry-After"] = "60"
        response["Cache-Control"] = "no-store"
        return response


# Retention and archives (check 27) ----------------------------------------------------------

ARCHIVE_PREFIX = "audit-"
ARCHIVE_SUFFIX = ".jsonl"
SIDECAR_SUFFIX = ".sum"
ARCHIVE_DELETE_SETTING = "sifasuo.audit_archive"  # honoured by the PG trigger (migration 0005)


def retention_days() -> int:
    """Return the configured retention, refusing anything shorter than 180 days."""
    days = int(getattr(settings, "AUDIT_RETENTION_DAYS", MIN_RETENTION_DAYS))
    if days < MIN_RETENTION_DAYS:
        raise ValueError(
            f"AUDIT_RETENTION_DAYS={days} is below the legal minimum of {MIN_RETENTION_DAYS}"
        )
    return days


def archive_dir() -> Path:
    return Path(settings.AUDIT_ARCHIVE_DIR)


def archive_files(directory: Path | None = None) -> list[Path]:
    """Return the archive files in chain order (their names carry the zero-padded seqs)."""
    directory = directory or archive_dir()
    if not directory.is_dir():
        return []
    return sorted(directory.glob(f"{ARCHIVE_PREFIX}*{ARCHIVE_SUFFIX}"))


def _row(event: AuditEvent) -> dict[str, Any]:
    data = json.loads(_canonical(event))
    data["prev_hash"] = event.prev_hash
    data["hash"] = event.hash
    return data


def _event(data: dict[str, Any]) -> AuditEvent:
    fields = dict(data)
    fields["ts"] = datetime.fromisoformat(fields["ts"])
    return AuditEvent(**fields)


def read_archive(path: Path) -> list[AuditEvent]:
    """Return the rows of one archive file as unsaved ``AuditEvent`` objects."""
    with path.open(encoding="utf-8") as handle:
        return [_event(json.loads(line)) for line in handle if line.strip()]


def _digests(content: bytes) -> dict[str, str]:
    return {
        "sha256": hashlib.sha256(content).hexdigest(),
        "hmac_sm3": crypto.hmac_sm3(crypto.audit_chain_key(), content).hex(),
    }


def check_archive_file(path: Path) -> ChainBreak | None:
    """Return a break if the archive's sidecar is missing or its checksums do not match."""
    sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
    first_seq = int(path.stem.split("-")[1]) if path.stem.count("-") >= 2 else 0
    if not sidecar.exists():
        return ChainBreak(first_seq, f"archive {path.name} has no checksum file")
    expected = json.loads(sidecar.read_text(encoding="utf-8"))
    actual = _digests(path.read_bytes())
    for name, value in actual.items():
        if expected.get(name) != value:
            return ChainBreak(first_seq, f"archive {path.name}: {name} does not match")
    return None


@dataclass(frozen=True)
class ArchiveResult:
    """What one retention run did."""

    cutoff: datetime
    archived: int
    path: Path | None


def _write_archive(events: list[AuditEvent], directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{ARCHIVE_PREFIX}{events[0].seq:012d}-{events[-1].seq:012d}{ARCHIVE_SUFFIX}"
    path = directory / name
    content = b"".join(
        json.dumps(_row(e), sort_keys=True, ensure_ascii=False).encode() + b"\n" for e in events
    )
    sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
    summary = {
        **_digests(content),
        "first_seq": events[0].seq,
        "last_seq": events[-1].seq,
        "rows": len(events),
        "first_prev_hash": events[0].prev_hash,
        "last_hash": events[-1].hash,
    }
    # Both files are written and synced under temporary names before either takes its
    # name: a full disk (ENOSPC, at the write or only at the fsync) leaves neither, so no
    # archive file without its checksums is ever there for verify_audit_chain to trip on.
    parts = ((path, content), (sidecar, json.dumps(summary, indent=1).encode()))
    placed: list[Path] = []
    try:
        for target, data in parts:
            with target.with_name(target.name + ".tmp").open("wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        for target, _data in parts:
            target.with_name(target.name + ".tmp").replace(target)
            placed.append(target)
    except OSError:
        for target, _data in parts:
            target.with_name(target.name + ".tmp").unlink(missing_ok=True)
        for target in placed:
            target.unlink(missing_ok=True)
        raise
    return path


def _delete_archived(last_seq: int, cutoff: datetime) -> int:
    """Delete the archived head of the chain through the sanctioned path only."""
    bound = connection.ops.adapt_datetimefield_value(cutoff)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SET LOCAL {ARCHIVE_DELETE_SETTING} = 'on'")
            cursor.execute(
                "DELETE FROM core_auditevent WHERE seq <= %s AND ts < %s", [last_seq, bound]
            )
            deleted = cursor.rowcount
            cursor.execute(f"SET LOCAL {ARCHIVE_DELETE_SETTING} = 'off'")
            return deleted
        from importlib import import_module

        migration = import_module("sifasuo.core.migrations.0002_audit_append_only")
        # SQLite has no session settings: lift the DELETE trigger inside this transaction
        # (DDL is transactional there) and put it back before it commits.
        cursor.execute("DROP TRIGGER core_auditevent_no_delete")
        cursor.execute("DELETE FROM core_auditevent WHERE seq <= %s AND ts < %s", [last_seq, bound])
        deleted = cursor.rowcount
        cursor.execute(migration.SQLITE_UP[1])
        return deleted


def archive_old_events(
    *, now: datetime | None = None, directory: Path | None = None, actor: Any = None
) -> ArchiveResult:
    """Archive, then delete, the rows older than the retention period (never younger ones).

    Only a head of the chain is archived: the rows up to the first one inside the retention
    period, and never the newest row (the live chain's anchor). The archive file and its
    checksums are on disk and re-verified before any row is deleted.
    """
    days = retention_days()
    cutoff = (now or timezone.now()) - timedelta(days=days)
    directory = directory or archive_dir()
    with transaction.atomic():
        _lock_chain()
        newest = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
        if newest is None:
            return ArchiveResult(cutoff, 0, None)
        first_young = (
            AuditEvent.objects.filter(ts__gte=cutoff).order_by("seq").values_list("seq", flat=True)
        ).first()
        last_seq = min(newest - 1, (first_young - 1) if first_young else newest)
        events = list(AuditEvent.objects.filter(seq__lte=last_seq, ts__lt=cutoff).order_by("seq"))
        if not events or events[-1].seq != last_seq:
            return ArchiveResult(cutoff, 0, None)
        path = _write_archive(events, directory)
        if check_archive_file(path) is not None or len(read_archive(path)) != len(events):
            raise RuntimeError(f"archive {path} does not verify; nothing deleted")
        deleted = _delete_archived(last_seq, cutoff)
        if deleted != len(events):
            raise RuntimeError(f"expected to delete {len(events)} audit rows, not {deleted}")
        record(
            "audit_archive",
            actor=actor,
            username=command_user(),
            object_type="core.auditevent",
            changes={
                "rows": deleted,
                "first_seq": events[0].seq,
                "last_seq": last_seq,
                "file": path.name,
            },
        )
    return ArchiveResult(cutoff, deleted, path)
