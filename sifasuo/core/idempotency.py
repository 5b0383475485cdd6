"""Idempotent submission: a form token or an Idempotency-Key makes a double submit harmless."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from sifasuo.core.errors import ApplicationError, IdempotencyKeyReused
from sifasuo.core.models import SubmissionToken

_M = TypeVar("_M", bound=models.Model)


class ReplayedSubmission(Exception):  # noqa: N818 - it is a signal, not a failure
    """The token was used before: ``object_type``/``object_id`` name what it created."""

    def __init__(self, token: SubmissionToken) -> None:
        super().__init__(token.token)
        self.token = token


def fingerprint(payload: Any) -> str:
    """Return a stable digest of a request payload."""
    data = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


def submit_once(*, user: Any, token: str, payload: Any, create: Callable[[], _M]) -> _M:
    """Run ``create`` once per (user, token); a replay raises ``ReplayedSubmission``.

    The token row is inserted in the same transaction as the record, so two concurrent
    submits cannot both create: the second waits on the unique index and then fails.
    """
    if not token or len(token) > 64:
        raise ApplicationError(_("The form has expired. Please reload the page and try again."))
    digest = fingerprint(payload)
    existing = SubmissionToken.objects.filter(user=user, token=token).first()
    if existing is not None:
        _check_same(existing, digest)
        raise ReplayedSubmission(existing)
    try:
        with transaction.atomic():
            row = SubmissionToken.objects.create(user=user, token=token, fingerprint=digest)
            obj = create()
            row.object_type = obj._meta.label_lower
            row.object_id = str(obj.pk)
            row.save(update_fields=["object_type", "object_id"])
    except IntegrityError:
        existing = SubmissionToken.objects.filter(user=user, token=token).first()
        if existing is None:
            raise
        _check_same(existing, digest)
        raise ReplayedSubmission(existing) from None
    return obj


def _check_same(existing: SubmissionToken, digest: str) -> None:
    if existing.fingerprint and existing.fingerprint != digest:
        raise IdempotencyKeyReused(_("This submission key was already used for different content."))
