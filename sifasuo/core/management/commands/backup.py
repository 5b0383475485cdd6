"""Write an SM4-encrypted, HMAC-SM3-authenticated backup of the database (core/backup.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sifasuo.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump -Fc or the SQLite backup API), encrypted with SM4 and "
        "authenticated with HMAC-SM3, with a per-table row count and checksum manifest."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--output",
            "-o",
            type=Path,
            help="file to write (default: SIFASUO_BACKUP_DIR/sifasuo-<UTC time>.sfsbak)",
        )
        parser.add_argument("--key-id", help="key of SIFASUO_BACKUP_KEYS (default: the current)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup(options["output"], key_id=options["key_id"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"backup written: {result.path} ({result.size} bytes, {result.tables} tables, "
                f"{result.rows} rows, {result.seconds} s, SM3 {result.sm3})"
            )
        )
