"""Text tomorrow's appointments a reminder (run daily; a second run sends nothing twice)."""

from __future__ import annotations

import fcntl
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sifasuo.legalservice.services import appointment_send_reminders

LOCK_FILE = Path(tempfile.gettempdir()) / "sifasuo-send_appointment_reminders.lock"


class Command(BaseCommand):
    help = "Send the appointment reminders due today (one text message per appointment)."

    def handle(self, *args: Any, **options: Any) -> None:
        with LOCK_FILE.open("w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise CommandError("another run of send_appointment_reminders is going") from exc
            sent = appointment_send_reminders()
        self.stdout.write(f"appointment reminders sent: {sent}")
