"""Import the offices' yearly returns from a workbook (基本情况, 人员, 培训, 经费), all or none."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from sifasuo.offices.workbook import import_returns


class Command(BaseCommand):
    help = (
        "Import office returns from FILE.xlsx (sheets 基本情况, 人员, 培训, 经费). Any wrong "
        "row writes nothing: the errors go to stderr by sheet, row and column, and the exit "
        "status is non-zero. A file imported before is refused unless --again (importing "
        "the same file again changes nothing)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="the workbook (.xlsx)")
        parser.add_argument(
            "--actor",
            default="",
            help="import as this user (their scope applies); default: the system",
        )
        parser.add_argument(
            "--again",
            action="store_true",
            help="import the file even if it was imported before",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        actor = None
        if options["actor"]:
            actor = (
                get_user_model().objects.filter(username=options["actor"], is_active=True).first()
            )
            if actor is None:
                raise CommandError(f"no active user named {options['actor']!r}")
        with path.open("rb") as stream:
            result = import_returns(actor=actor, stream=stream, again=options["again"])
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(
                _("%(count)d errors: nothing was imported.") % {"count": len(result.errors)}
            )
        self.stdout.write(
            _(
                "Returns created: %(created)d, replaced: %(replaced)d, unchanged: "
                "%(unchanged)d; people registered: %(people)d."
            )
            % {
                "created": result.created,
                "replaced": result.replaced,
                "unchanged": result.unchanged,
                "people": result.people_registered,
            }
        )
