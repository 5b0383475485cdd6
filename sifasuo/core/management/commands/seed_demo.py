"""Create the demo data: offices for every real town, the demo accounts, demo people."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sifasuo.accounts.demo import create_demo_accounts
from sifasuo.correction.demo import create_demo_correction
from sifasuo.governance.demo import create_demo_governance
from sifasuo.legalservice.demo import create_demo_legalservice
from sifasuo.mediation.demo import create_demo_mediation
from sifasuo.offices.demo import create_demo_returns
from sifasuo.orgs.demo import create_demo_offices
from sifasuo.people.demo import create_demo_people
from sifasuo.portal.demo import create_demo_portal
from sifasuo.publicity.demo import create_demo_publicity
from sifasuo.resettlement.demo import create_demo_resettlement
from sifasuo.standards.demo import create_demo_standards
from sifasuo.workorders.demo import create_demo_workorders


class Command(BaseCommand):
    help = "Create demo offices, accounts and records (running it again changes nothing)."

    def handle(self, *args: Any, **options: Any) -> None:
        # Derived figures are recomputed once at the end, not cell by cell on every row.
        from sifasuo.stats import rollups

        with rollups.suspended():
            self._seed()
        rows = rollups.rebuild()
        self.stdout.write(f"statistics: {sum(rows.values())} aggregate rows")

    def _seed(self) -> None:
        offices = create_demo_offices()
        accounts = create_demo_accounts()
        people = create_demo_people()
        mediation = create_demo_mediation()
        returns = create_demo_returns()
        standards = create_demo_standards()
        later = {
            "correction": create_demo_correction(),
            "resettlement": create_demo_resettlement(),
            "legal services": create_demo_legalservice(),
            "portal": create_demo_portal(),
            "legality review and rule-of-law work": create_demo_governance(),
            "legal publicity": create_demo_publicity(),
            "tasks and notices": create_demo_workorders(),
        }
        self.stdout.write(
            f"demo data: {offices} new offices, {len(accounts)} demo accounts, "
            f"{people} new people, {mediation['committees']} new village committees, "
            f"{mediation['mediators']} new mediators, {mediation['cases']} new mediation cases, "
            f"{mediation['screening']} new screening reports, {returns} new office returns, "
            f"standards: {standards}"
        )
        for module, counts in later.items():
            figures = ", ".join(f"{count} new {what}" for what, count in counts.items())
            self.stdout.write(f"{module}: {figures or 'nothing new'}")
