"""Authentication backend: staff and citizens by password; superusers never log in."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class StaffModelBackend(ModelBackend):
    """Django's model backend, refusing superuser accounts (no production superuser)."""

    def user_can_authenticate(self, user: Any) -> bool:
        if getattr(user, "is_superuser", False):
            return False
        return super().user_can_authenticate(user)

    def get_user(self, user_id: Any) -> Any:
        """Return the session's user with their unit, which every page's scope reads."""
        model = get_user_model()
        try:
            user = model._default_manager.select_related("unit").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
