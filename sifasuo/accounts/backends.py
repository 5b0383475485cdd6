"""Authentication backend: staff and citizens by password; superusers never log in."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend


class StaffModelBackend(ModelBackend):
    """Django's model backend, refusing superuser accounts (no production superuser)."""

    def user_can_authenticate(self, user: Any) -> bool:
        if getattr(user, "is_superuser", False):
            return False
        return super().user_can_authenticate(user)
