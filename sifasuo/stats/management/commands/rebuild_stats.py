"""Recompute the aggregates from the ledgers (after a bulk load, or to repair them)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sifasuo.stats import rollups


class Command(BaseCommand):
    help = "Recompute the statistics aggregates from the ledgers (all modules by default)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("modules", nargs="*", help="modules (mediation, correction …)")
        parser.add_argument("--measure", action="append", dest="measures", help="one measure")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        written = rollups.rebuild(options["modules"] or None, options["measures"] or None)
        for code, rows in written.items():
            self.stdout.write(f"{code}: {rows} rows")
        seconds = time.monotonic() - started
        self.stdout.write(f"aggregates: {sum(written.values())} rows in {seconds:.1f} s")
