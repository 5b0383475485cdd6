"""Close the files whose assistance period has ended (run daily; a second run closes none)."""

from __future__ import annotations

import fcntl
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sifasuo.resettlement.services import close_ended_periods

LOCK_FILE = Path(tempfile.gettempdir()) / "sifasuo-close_resettlement_periods.lock"


class Command(BaseCommand):
    help = "Close every resettlement file under assistance whose period has ended (期满解除)."

    def handle(self, *args: Any, **options: Any) -> None:
        with LOCK_FILE.open("w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise CommandError("another run of close_resettlement_periods is going") from exc
            closed = close_ended_periods(actor=None)
        self.stdout.write(f"resettlement files closed at the end of their period: {closed}")
