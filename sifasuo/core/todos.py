"""The workbench's to-do list: each module registers a provider of the user's open items."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone


@dataclass(frozen=True)
class Todo:
    """One thing a user has to do, with the page where it is done."""

    title: str
    url: str
    due_date: date | None = None

    @property
    def overdue(self) -> bool:
        return self.due_date is not None and self.due_date < timezone.localdate()


TodoProvider = Callable[[Any], list[Todo]]
_providers: list[TodoProvider] = []


def register(provider: TodoProvider) -> TodoProvider:
    """Add a provider (usable as a decorator)."""
    _providers.append(provider)
    return provider


def todos_for(user: Any) -> list[Todo]:
    """Return the user's open items from every module, soonest due first."""
    items = [item for provider in _providers for item in provider(user)]
    return sorted(items, key=lambda t: (t.due_date is None, t.due_date or date.max))
