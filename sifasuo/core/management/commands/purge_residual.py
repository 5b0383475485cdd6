"""Delete residual data past its lifetime: sessions, login codes, tokens, spooled uploads."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sifasuo.core.commandlock import command_lock
from sifasuo.core.residual import residual_purge


class Command(BaseCommand):
    help = (
        "Delete expired sessions, used or expired login codes, expired API tokens, old form "
        "tokens, spent lockout counters, old login records and stale spooled uploads; one "
        "audit row with the counts."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with command_lock("purge_residual"):
            counts = residual_purge()
        self.stdout.write(", ".join(f"{what}: {count}" for what, count in counts.items()))
