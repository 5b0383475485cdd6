"""Document numbers, gapless per unit, document type and year: （2024）新城西一路调字第0001号."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from sifasuo.core.models import DocumentSequence, DocumentType


@transaction.atomic
def next_document_number(*, unit: object, doc_type_code: str, year: int) -> str:
    """Take the next number in the caller's transaction; a rollback gives it back."""
    doc_type = DocumentType.objects.get(code=doc_type_code)
    sequence, _ = DocumentSequence.objects.select_for_update().get_or_create(
        unit=unit, doc_type=doc_type, year=year
    )
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    pattern = doc_type.pattern or settings.SIFASUO_DOCUMENT_NUMBER_PATTERN
    return pattern.format(
        year=year,
        unit_short=getattr(unit, "document_short_name", ""),
        type_word=doc_type.type_word,
        number=sequence.last_number,
    )
