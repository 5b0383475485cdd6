"""Verify the audit trail's HMAC-SM3 chain, archives included; exit non-zero at a break."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sifasuo.core.audit import archive_files, first_break
from sifasuo.core.models import AuditEvent


class Command(BaseCommand):
    help = (
        "Verify the audit chain: the archive files (checksums and links) and the live rows; "
        "exit 1 and name the first broken row if it is broken."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        broken = first_break()
        if broken is not None:
            raise CommandError(f"audit chain broken at seq {broken.seq}: {broken.reason}")
        count = AuditEvent.objects.count()
        archives = len(archive_files())
        self.stdout.write(
            self.style.SUCCESS(f"audit chain intact ({count} rows, {archives} archive files)")
        )
