"""Password age (等保 8.1.4.1 a "定期更换"): when a staff password has expired."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone


def password_expired(user: Any) -> bool:
    """Return whether ``user`` must change their password before anything else.

    Staff only (citizens log in with a one-time SMS code). A password older than
    ``PASSWORD_MAX_AGE_DAYS`` has expired; so has one of unknown age (an initial password
    an administrator set, or an account from before the rule). ``0`` days switches it off.
    """
    days = settings.PASSWORD_MAX_AGE_DAYS
    if days <= 0 or not getattr(user, "is_authenticated", False):
        return False
    from sifasuo.accounts.models import UserKind

    if getattr(user, "kind", None) != UserKind.STAFF or not user.has_usable_password():
        return False
    changed = user.password_changed_at
    if changed is None:
        return True
    return bool(timezone.now() - changed > timedelta(days=days))
