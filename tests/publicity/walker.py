"""What the URL walker and the permission matrix need to know about publicity."""

from __future__ import annotations

from typing import Any

from django.db import models

from tests.accounts.matrix import ScopedModel

# Route name -> the status an anonymous GET gets (public pages only).
PUBLIC: dict[str, int] = {}
# Page routes that name a record -> the model (or queryset) they look it up in.
ROUTE_MODELS: dict[str, Any] = {}
# Keyword arguments that name no record -> the value the walker uses.
NON_OBJECT_VALUES: dict[str, str] = {}
# Lines of the permission matrix.
MATRIX_MODELS: tuple[ScopedModel, ...] = ()


def walker_records(office_clerk: Any) -> dict[type[models.Model], list[Any]]:
    """Records of the 西一路 office (610102001) for every model in ROUTE_MODELS or a viewset."""
    return {}
