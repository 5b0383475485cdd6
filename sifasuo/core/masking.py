"""Server-side masking of personal data (DESIGN rule 3), by one configurable policy."""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings

MASK_CHAR = "*"


def mask(value: str | None, kind: str) -> str:
    """Mask ``value`` by the policy for ``kind`` (id_number, phone, address, name)."""
    if not value:
        return ""
    policy: dict[str, Any] = settings.SIFASUO_MASKING[kind]
    start, end = policy["keep_start"], policy["keep_end"]
    # A short value (a passport number) keeps fewer characters, so that at least
    # ``min_hidden_ratio`` of it stays hidden whatever the document type.
    min_hidden = math.ceil(len(value) * policy.get("min_hidden_ratio", 0))
    while start + end > 0 and len(value) - start - end < min_hidden:
        if end >= start and end > 0:
            end -= 1
        else:
            start -= 1
    if len(value) <= start + end:
        # Too short to keep anything safely: hide all but the first character.
        return value[:1] + MASK_CHAR * (len(value) - 1)
    hidden = len(value) - start - end
    if kind == "address":
        return value[:start] + MASK_CHAR * 4
    return value[:start] + MASK_CHAR * hidden + (value[-end:] if end else "")
