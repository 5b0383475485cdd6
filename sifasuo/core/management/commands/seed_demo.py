"""Create the demo data: offices for every real town, the demo accounts, demo people."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sifasuo.accounts.demo import create_demo_accounts
from sifasuo.orgs.demo import create_demo_offices
from sifasuo.people.demo import create_demo_people


class Command(BaseCommand):
    help = "Create demo offices, accounts and records (running it again changes nothing)."

    def handle(self, *args: Any, **options: Any) -> None:
        offices = create_demo_offices()
        accounts = create_demo_accounts()
        people = create_demo_people()
        self.stdout.write(
            f"demo data: {offices} new offices, {len(accounts)} demo accounts, {people} new people"
        )
