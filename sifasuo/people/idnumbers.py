"""Mainland resident ID numbers (GB 11643-1999): checksum, birth date, sex."""

from __future__ import annotations

import re
from datetime import date

from django.utils.translation import gettext_lazy as _

from sifasuo.core.crypto import normalize_for_index

INVALID = _("The resident ID number is not valid (GB 11643 checksum or birth date).")

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
PATTERN = re.compile(r"^\d{17}[\dX]$")


def normalize(number: str) -> str:
    """Fold full-width digits, drop spaces, upper-case the final x."""
    return normalize_for_index(number)


def check_char(first17: str) -> str:
    """Return the check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def birth_date(number: str) -> date | None:
    """Return the birth date encoded in digits 7–14, or None if it is not a real date."""
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def is_valid(number: str) -> bool:
    """Return whether ``number`` (normalised) is a well-formed ID with a correct checksum."""
    if not PATTERN.match(number):
        return False
    born = birth_date(number)
    if born is None or born > date.today() or born.year < 1900:  # noqa: DTZ011
        return False
    return check_char(number[:17]) == number[17]


def sex(number: str) -> str:
    """Return "M" or "F" from the 17th digit (odd: male)."""
    return "M" if int(number[16]) % 2 else "F"
