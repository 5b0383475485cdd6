"""Audit retention: archive rows older than AUDIT_RETENTION_DAYS (≥ 180), then remove them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sifasuo.core import audit


class Command(BaseCommand):
    help = (
        "Write audit rows older than AUDIT_RETENTION_DAYS (never below 180) to a checksummed "
        "archive file in AUDIT_ARCHIVE_DIR, verify it, then delete them from the database."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            audit.retention_days()
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        try:
            result = audit.archive_old_events()
        except OSError as exc:  # the archive directory is full or read-only
            raise CommandError(
                f"could not write the audit archive to {audit.archive_dir()}: {exc.strerror}; "
                "no audit row was deleted"
            ) from exc
        if result.path is None:
            self.stdout.write(f"nothing older than {result.cutoff:%Y-%m-%d %H:%M} to archive")
            return
        self.stdout.write(
            self.style.SUCCESS(f"archived {result.archived} audit rows to {result.path}")
        )
