"""Log records as one line each, and tracebacks without exception messages.

``OneLine`` (ASVS 7.3.1): a value a user typed (a username with
``\\n2026-01-01 INFO admin login ok`` in it) must not forge a second log line. The message is
formatted once and its CR/LF written as ``\\r`` / ``\\n``; a traceback (``exc_info``) is still
printed below it.

``ExceptionTypesOnly`` (SECURITY.md check 34): an exception's message may carry the values
it was raised over — a database error quotes the rejected value or the statement's
parameters (``invalid input syntax for type integer: "13800001111"``), a ``ValueError``
the text it could not parse. Before ``django.request`` writes the traceback of a 500 (or
the audit writer that of a fail-closed 503), the message of every exception in the chain
is replaced by its type and length; the frames (file, line, function and the source line,
which is code) and the request id stay, enough to find the fault without the data.
"""

from __future__ import annotations

import logging
import traceback
from types import TracebackType

from sifasuo.core.request_context import current

WITHHELD = "message withheld ({length} characters): it may hold personal data"


class OneLine(logging.Filter):
    """Escape carriage returns and line feeds in the formatted message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "\n" in message or "\r" in message:
            record.msg = message.replace("\r", "\\r").replace("\n", "\\n")
            record.args = None
        return True


class ExceptionTypesOnly(logging.Filter):
    """Write a record's traceback with the exceptions' types and frames, not their messages."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc_info = record.exc_info
        if exc_info and exc_info[1] is not None:
            request = getattr(record, "request", None)
            request_id = getattr(request, "request_id", "") or current().request_id
            record.exc_text = traceback_without_messages(exc_info[1], request_id)
            record.exc_info = None
        return True


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and its causes and contexts, outermost last (as Python prints them)."""
    chain: list[BaseException] = []
    seen: set[int] = set()
    current_exc: BaseException | None = exc
    while current_exc is not None and id(current_exc) not in seen:
        seen.add(id(current_exc))
        chain.append(current_exc)
        if current_exc.__cause__ is not None:
            current_exc = current_exc.__cause__
        elif current_exc.__suppress_context__:
            current_exc = None
        else:
            current_exc = current_exc.__context__
    return list(reversed(chain))


def _frames(tb: TracebackType | None) -> str:
    return "".join(traceback.format_tb(tb)) if tb is not None else ""


def traceback_without_messages(exc: BaseException, request_id: str = "") -> str:
    """Return ``exc``'s traceback as Python prints it, each message replaced by its length."""
    parts: list[str] = []
    for n, link in enumerate(_chain(exc)):
        if n:
            parts.append("\nThen, while handling it or caused by it:\n\n")
        kind = type(link)
        name = kind.__qualname__
        if kind.__module__ not in ("builtins", "__main__"):
            name = f"{kind.__module__}.{name}"
        parts.append("Traceback (most recent call last):\n")
        parts.append(_frames(link.__traceback__))
        parts.append(f"{name}: {WITHHELD.format(length=len(str(link)))}\n")
    if request_id:
        parts.append(f"(request {request_id})\n")
    return "".join(parts).rstrip("\n")
