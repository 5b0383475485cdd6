"""The request that is being served, for the audit trail (set by RequestContextMiddleware)."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    """Where a request came from."""

    request_id: str = ""
    ip: str | None = None
    user_agent: str = ""


EMPTY = RequestContext()
_current: ContextVar[RequestContext | None] = ContextVar("sifasuo_request", default=None)


def current() -> RequestContext:
    """Return the context of the request being served (empty outside a request)."""
    return _current.get() or EMPTY


def set_current(context: RequestContext) -> object:
    """Set the context; return the token that resets it."""
    return _current.set(context)


def reset(token: object) -> None:
    """Restore the context that was current before ``set_current``."""
    _current.reset(token)  # type: ignore[arg-type]
