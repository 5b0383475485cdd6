"""Print the demo accounts and their password (for `make run`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sifasuo.accounts.demo import DEMO_ACCOUNTS, demo_password


class Command(BaseCommand):
    help = "Print the demo accounts and their password."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"\n演示账号 / demo accounts (password: {demo_password()})")
        for username, unit_code, role, display_name in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<20} {role:<18} {unit_code:<14} {display_name}")
        self.stdout.write("Citizens' site: /portal/   office locator: /locator/\n")
