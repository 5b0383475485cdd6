"""Domain errors: raised by services, translated once per interface (page, API)."""

from __future__ import annotations


class ApplicationError(Exception):
    """A business rule refused the action; the message is shown to the user as is."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ConcurrentModificationError(ApplicationError):
    """The record changed since the user loaded it; the stale save is refused."""

    status_code = 409


class IntegrityCheckError(ApplicationError):
    """Stored ciphertext failed its authentication tag: the value was tampered with."""

    status_code = 500


class IdempotencyKeyReused(ApplicationError):
    """The same submission key came back with different content."""

    status_code = 422
