"""Text messages (SMS) through a pluggable gateway.

``SIFASUO_SMS_BACKEND`` names the backend class. The default, ``LogBackend``, writes each
message to the ``sifasuo.sms`` logger (and so to the console): no message leaves the
machine until the bureau's gateway is configured. ``MemoryBackend`` keeps messages in
``outbox`` for tests. A real gateway is a class with ``send(phone, text)``. The log shows the
whole text — a one-time code must be readable in development — but the phone masked.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from sifasuo.core.masking import mask

logger = logging.getLogger("sifasuo.sms")


@dataclass(frozen=True)
class Message:
    phone: str
    text: str


class Backend(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class LogBackend:
    """Write the message to the log; the development and demo default."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask(phone, "phone"), text)


outbox: list[Message] = []


class MemoryBackend:
    """Keep messages in ``sifasuo.core.sms.outbox`` (tests)."""

    def send(self, phone: str, text: str) -> None:
        outbox.append(Message(phone, text))


def send_sms(phone: str, text: str) -> None:
    """Send ``text`` to ``phone`` through the configured backend."""
    backend: Backend = import_string(settings.SIFASUO_SMS_BACKEND)()
    backend.send(phone, text)
