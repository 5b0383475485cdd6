"""Template context: the navigation of the logged-in user."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from sifasuo.accounts.navigation import items_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Add ``nav_items`` for the user's roles."""
    return {"nav_items": items_for(getattr(request, "user", None), request.path)}
