"""Password rules beyond Django's: at most 128 characters, three classes of character (等保)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MaximumLengthValidator:
    """Refuse passwords longer than 128 characters (ASVS 2.1.2)."""

    def __init__(self, max_length: int = 128) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                _("The password may have at most %(max)d characters.") % {"max": self.max_length},
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return _("At most %(max)d characters.") % {"max": self.max_length}


class CharacterClassesValidator:
    """Require three of: upper-case letters, lower-case letters, digits, other characters."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        classes = [
            any(c.isupper() for c in password),
            any(c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(
                _(
                    "The password must contain at least %(n)d of: upper-case letters, "
                    "lower-case letters, digits, symbols."
                )
                % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("At least %(n)d of: upper-case letters, lower-case letters, digits, symbols.") % {
            "n": self.min_classes
        }


class PasswordHistoryValidator:
    """Refuse the user's current password and the ones before it (``PASSWORD_HISTORY_COUNT``).

    Compares with the stored hashes (``PasswordHistory``); no password is kept in clear.
    """

    def __init__(self, history: int | None = None) -> None:
        self.history = history

    @property
    def count(self) -> int:
        if self.history is not None:
            return self.history
        from django.conf import settings

        return int(settings.PASSWORD_HISTORY_COUNT)

    def validate(self, password: str, user: Any = None) -> None:
        count = self.count
        if count <= 0 or user is None or getattr(user, "pk", None) is None:
            return
        from django.contrib.auth.hashers import check_password, is_password_usable

        from sifasuo.accounts.models import PasswordHistory

        hashes = list(
            PasswordHistory.objects.filter(user_id=user.pk)
            .order_by("-created_at", "-id")
            .values_list("password", flat=True)[:count]
        )
        current = getattr(user, "password", "")
        if current and is_password_usable(current) and current not in hashes:
            hashes = [current, *hashes][:count]
        if any(check_password(password, encoded) for encoded in hashes):
            raise ValidationError(
                _(
                    "This password was used recently: choose one that differs from your "
                    "last %(n)d passwords."
                )
                % {"n": count},
                code="password_reused",
            )

    def get_help_text(self) -> str:
        return _("Not one of your last %(n)d passwords.") % {"n": self.count}
