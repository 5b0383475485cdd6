"""The shape of a line of the permission matrix (``test_permission_matrix.MODELS``).

Kept apart from the test module so that each app's ``tests/<app>/walker.py`` can declare its
own models without importing a test module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from sifasuo.orgs.models import Unit


@dataclass(frozen=True)
class ActionPage:
    method: str
    url: Callable[[Any], str]
    data: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ScopedModel:
    """A scoped model in the matrix: its table, a record owned by a unit, its detail URLs."""

    label: str
    table: str
    make: Callable[[Unit], models.Model]
    detail_urls: Callable[[Any], list[str]]
    action_pages: dict[str, ActionPage] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.label
