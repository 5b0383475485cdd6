"""Disable the staff accounts not used for ACCOUNT_DORMANT_DAYS (等保 8.1.4.2 c)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from sifasuo.accounts.services import dormant_accounts_disable
from sifasuo.core.commandlock import command_lock


class Command(BaseCommand):
    help = (
        "Disable every staff account without a login for ACCOUNT_DORMANT_DAYS days (0: "
        "never), except the last active holder of each administrator role; audited."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with command_lock("disable_dormant_accounts"):
            run = dormant_accounts_disable()
        for username in run.disabled:
            self.stdout.write(f"disabled (dormant): {username}")
        for username in run.kept_last_administrators:
            self.stdout.write(f"kept, the last active holder of an administrator role: {username}")
        self.stdout.write(
            f"dormant accounts ({settings.ACCOUNT_DORMANT_DAYS} days): "
            f"{len(run.disabled)} disabled, {len(run.kept_last_administrators)} kept"
        )
