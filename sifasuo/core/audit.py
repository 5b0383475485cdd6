"""The audit trail's one writer and its verifier (DESIGN rule 2).

Each row's hash is HMAC-SM3(key, previous hash ‖ canonical JSON of the row). Writers are
serialised (an advisory lock on PostgreSQL, IMMEDIATE transactions on SQLite) so the chain
never forks; ``seq`` is unique as a second guard.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from sifasuo.core import crypto
from sifasuo.core.choices import AuditOutcome
from sifasuo.core.models import AuditEvent
from sifasuo.core.request_context import current

GENESIS = "0" * 64
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
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
        event = AuditEvent(
            seq=(last["seq"] + 1) if last else 1,
            ts=timezone.now(),
            actor=actor if authenticated else None,
            actor_username=(actor.get_username() if authenticated else username)[:150],
            actor_roles=",".join(actor.role_codes) if authenticated else "",
            actor_unit_code=unit.code if unit else "",
            ip=context.ip,
            user_agent=context.user_agent[:300],
            request_id=context.request_id,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            outcome=outcome,
            reason=reason,
            changes=changes or {},
            prev_hash=last["hash"] if last else GENESIS,
        )
        event.hash = compute_hash(event.prev_hash, event)
        event.save(force_insert=True)
    return event


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


def iter_breaks(events: Iterable[AuditEvent]) -> Iterator[ChainBreak]:
    """Yield every row (in ``seq`` order) whose link or hash does not verify."""
    prev_hash, expected_seq = GENESIS, None
    for event in events:
        if expected_seq is not None and event.seq != expected_seq:
            yield ChainBreak(event.seq, f"gap: expected seq {expected_seq}")
        if event.prev_hash != prev_hash:
            yield ChainBreak(event.seq, "previous hash does not match")
        elif compute_hash(prev_hash, event) != event.hash:
            yield ChainBreak(event.seq, "row content does not match its hash")
        prev_hash, expected_seq = event.hash, event.seq + 1


def first_break() -> ChainBreak | None:
    """Verify the whole chain; return the first broken row, or None if it is intact."""
    events = AuditEvent.objects.order_by("seq").iterator(chunk_size=2000)
    return next(iter_breaks(events), None)
