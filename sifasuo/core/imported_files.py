"""Duplicate files in imports: the same workbook is imported once (SECURITY.md 6.3, check 41).

An import calls ``claim`` first thing in the transaction that commits its rows: a file whose
SM3 digest was committed before is refused, with the date of the first import, unless the
user explicitly imports it again (``again``; offered where importing twice is harmless).
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from sifasuo.core import audit
from sifasuo.core.choices import AuditOutcome
from sifasuo.core.errors import ApplicationError
from sifasuo.core.models import ImportedFile


class DuplicateImport(ApplicationError):
    """This file was imported before: nothing is imported again."""

    def __init__(self, first: ImportedFile) -> None:
        when = formats.date_format(timezone.localtime(first.imported_at), "DATETIME_FORMAT")
        super().__init__(
            _(
                "This file was already imported on %(when)s (SM3 %(digest)s…); it is not "
                "imported again."
            )
            % {"when": when, "digest": first.sm3[:12]},
            field="file",
        )
        self.first = first


def claim(*, kind: str, digest: str, actor: Any, again: bool = False) -> None:
    """Record that the file with ``digest`` is imported into ``kind`` now.

    Raises ``DuplicateImport`` if it was imported before and ``again`` is not set, also
    when a concurrent import of the same file commits first.
    """
    first = ImportedFile.objects.filter(kind=kind, sm3=digest).first()
    if first is not None:
        if again:
            return
        raise DuplicateImport(first)
    imported_by = actor if getattr(actor, "is_authenticated", False) else None
    try:
        with transaction.atomic():
            ImportedFile.objects.create(kind=kind, sm3=digest, imported_by=imported_by)
    except IntegrityError:
        first = ImportedFile.objects.filter(kind=kind, sm3=digest).first()
        if first is None:
            raise
        if not again:
            raise DuplicateImport(first) from None


def record_rejected(*, actor: Any, kind: str, digest: str, errors: int) -> None:
    """Audit an import refused as a whole (bad rows or a duplicate file), after its rollback."""
    audit.record(
        "import_rejected",
        actor=actor,
        object_type=kind,
        outcome=AuditOutcome.ERROR,
        changes={"sm3": digest, "errors": errors},
    )
