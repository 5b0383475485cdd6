"""API authentication by hashed, expiring tokens: ``Authorization: Token <key>``."""

from __future__ import annotations

import hashlib
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from sifasuo.accounts.models import ApiToken


def hash_key(key: str) -> str:
    """Return the stored form of a token key."""
    return hashlib.sha256(key.encode()).hexdigest()


class HashedTokenAuthentication(authentication.TokenAuthentication):
    """Look the token up by its hash; refuse expired tokens and inactive users."""

    keyword = "Token"

    def authenticate_credentials(self, key: str) -> tuple[Any, ApiToken]:
        token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
        if token is None or token.is_expired or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid or expired token."))
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user, token
