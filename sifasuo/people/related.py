"""What other modules hold about a person: each registers a link for the person's page.

People imports no ledger app; the ledgers register here (from their ``AppConfig.ready``),
so a person's page shows, within scope, every record the person is party to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse


@dataclass(frozen=True)
class RelatedRecords:
    """A kind of record a person appears in: its label, its list page, and a scoped count."""

    label: Any
    url_name: str
    count: Callable[[Any, Any], int]  # (user, person) -> records in the user's scope


_related: list[RelatedRecords] = []


def register(entry: RelatedRecords) -> None:
    """Add a module's records to the person page."""
    _related.append(entry)


def related_for(user: Any, person: Any) -> list[dict[str, Any]]:
    """Return the label, URL and count of every registered kind, for ``person``."""
    return [
        {
            "label": entry.label,
            "url": reverse(entry.url_name, args=[person.public_id]),
            "count": entry.count(user, person),
        }
        for entry in _related
    ]
