"""Compare every kept figure with the ledgers; exit 1 on any difference."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sifasuo.stats import rollups


class Command(BaseCommand):
    help = "Check the statistics aggregates against the ledgers (exit status 1 on a mismatch)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("modules", nargs="*", help="modules (mediation, correction …)")

    def handle(self, *args: Any, **options: Any) -> None:
        mismatches = rollups.verify(options["modules"] or None)
        for mismatch in mismatches:
            self.stdout.write(str(mismatch))
        if mismatches:
            raise CommandError(
                f"{len(mismatches)} aggregate cells differ from the ledgers; "
                "run `manage.py rebuild_stats`",
                returncode=1,
            )
        self.stdout.write(f"aggregates: {len(rollups.plans())} measures match the ledgers")
