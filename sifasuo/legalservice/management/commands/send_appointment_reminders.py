"""Text tomorrow's appointments a reminder (run daily; a second run sends nothing twice)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sifasuo.core.commandlock import command_lock
from sifasuo.legalservice.services import appointment_send_reminders


class Command(BaseCommand):
    help = "Send the appointment reminders due today (one text message per appointment)."

    def handle(self, *args: Any, **options: Any) -> None:
        with command_lock("send_appointment_reminders"):
            sent = appointment_send_reminders()
        self.stdout.write(f"appointment reminders sent: {sent}")
