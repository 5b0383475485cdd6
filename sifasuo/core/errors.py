"""Domain errors: raised by services, translated once per interface (page, API)."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A business rule refused the action; the message is shown to the user as is."""

    status_code = 400

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        audit_action: str = "",
        audit_object_type: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        # A refusal worth auditing names its action; the interface records it after the
        # service's transaction has rolled back (core.audit.record_refusal).
        self.audit_action = audit_action
        self.audit_object_type = audit_object_type


class ConcurrentModificationError(ApplicationError):
    """The record changed since the user loaded it; the stale save is refused.

    The interfaces record the refusal as one ``conflict`` audit row (SECURITY.md 6.1).
    """

    status_code = 409

    def __init__(self, message: str, **kwargs: Any) -> None:
        kwargs.setdefault("audit_action", "conflict")
        super().__init__(message, **kwargs)


class IntegrityCheckError(ApplicationError):
    """Stored ciphertext failed its authentication tag: the value was tampered with."""

    status_code = 500


class IdempotencyKeyReused(ApplicationError):
    """The same submission key came back with different content."""

    status_code = 422
