"""Close the files whose assistance period has ended (run daily; a second run closes none)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sifasuo.core.commandlock import command_lock
from sifasuo.resettlement.services import close_ended_periods


class Command(BaseCommand):
    help = "Close every resettlement file under assistance whose period has ended (期满解除)."

    def handle(self, *args: Any, **options: Any) -> None:
        with command_lock("close_resettlement_periods"):
            closed = close_ended_periods(actor=None)
        self.stdout.write(f"resettlement files closed at the end of their period: {closed}")
