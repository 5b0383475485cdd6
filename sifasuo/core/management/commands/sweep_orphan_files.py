"""Report (and with --remove delete) attachment files that no row names."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sifasuo.core.attachments import orphan_files_sweep
from sifasuo.core.commandlock import command_lock


class Command(BaseCommand):
    help = (
        "List the files under MEDIA_ROOT/attachments that no attachment row names (left by "
        "a rolled-back upload). With --remove, delete those older than "
        "ORPHAN_FILE_GRACE_HOURS. One audit row with the counts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--remove",
            action="store_true",
            help="delete the orphan files older than the grace period (default: report only)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with command_lock("sweep_orphan_files"):
            sweep = orphan_files_sweep(remove=options["remove"])
        for name in sweep.found:
            state = "removed" if name in sweep.removed else "kept"
            self.stdout.write(f"orphan file ({state}): {name}")
        self.stdout.write(
            f"orphan files: {len(sweep.found)} found, {len(sweep.removed)} removed"
            + (f", {sweep.within_grace} within the grace period" if options["remove"] else "")
        )
