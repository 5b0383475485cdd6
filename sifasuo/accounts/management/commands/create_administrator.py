"""Create one of the three administrators on a new installation, with a one-time password."""

from __future__ import annotations

import secrets
import string
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from sifasuo.accounts import services
from sifasuo.accounts.roles import ADMIN_ROLES
from sifasuo.core.errors import ApplicationError
from sifasuo.orgs.models import Unit

ALPHABET = string.ascii_letters + string.digits + "@#%+=-_"


def one_time_password() -> str:
    """Return a random password that passes the policy (20 characters, four classes)."""
    while True:
        candidate = "".join(secrets.choice(ALPHABET) for _ in range(20))
        classes = [
            any(c.islower() for c in candidate),
            any(c.isupper() for c in candidate),
            any(c.isdigit() for c in candidate),
            any(not c.isalnum() for c in candidate),
        ]
        if all(classes):
            return candidate


class Command(BaseCommand):
    help = (
        "Create a system, security or audit administrator at the city bureau and print a "
        "one-time password (change it at first login; enrol two-factor login)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("role", choices=sorted(ADMIN_ROLES))
        parser.add_argument("--display-name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        password = one_time_password()
        city = Unit.objects.filter(kind="CITY").first()
        if city is None:
            raise CommandError("the city bureau does not exist: run migrate first")
        try:
            with transaction.atomic():
                user = services.user_create(
                    actor=None,
                    username=options["username"],
                    unit=city,
                    password=password,
                    display_name=options["display_name"],
                    must_change_password=True,
                )
                services.user_set_roles(actor=None, user=user, roles=[options["role"]])
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"created {user.username} ({options['role']}); one-time password:")
        self.stdout.write(password)
