"""Residual information (SECURITY.md §7 check 35): what has outlived its use is deleted.

Sessions, one-time login codes, API and form tokens, lockout counters and spooled uploads
each have a lifetime; past it a row or a file serves nobody and is only something more to
leak. ``residual_purge`` runs every purger named in ``SIFASUO_RESIDUAL_PURGERS`` (dotted
paths, so ``core`` names the apps' purgers without importing them) in one transaction,
with one audit row holding the counts. A purger takes the time of the run and returns
``{what: count}``; a file it removes is removed after the commit, so a run whose audit row
fails removes nothing.

The lifetimes are settings with defaults (docs/operations.md, "Residual data"); none is
shorter than the use the data has (a login code counts towards the hourly rate limit, so
it stays at least an hour).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from sifasuo.core import audit
from sifasuo.core.models import SubmissionToken

logger = logging.getLogger(__name__)

Purger = Callable[[datetime], dict[str, int]]

# Django names a spooled upload tmpXXXXXXXX.upload<.ext> (TemporaryUploadedFile).
UPLOAD_TEMP_MARK = ".upload"


def delete_rows(queryset: models.QuerySet[models.Model]) -> int:
    """Delete ``queryset``; return how many rows of its own model went (not the cascades)."""
    _, per_model = queryset.delete()
    return per_model.get(queryset.model._meta.label, 0)


def purge_core(now: datetime) -> dict[str, int]:
    """Expired sessions, old form tokens and spooled uploads left by a killed worker."""
    return {
        "sessions": _expired_sessions(now),
        "submission_tokens": delete_rows(
            SubmissionToken.objects.filter(
                created_at__lt=now - timedelta(days=settings.SUBMISSION_TOKEN_RETENTION_DAYS)
            )
        ),
        "upload_temp_files": _expired_upload_temp_files(now),
    }


def _expired_sessions(now: datetime) -> int:
    """What ``clearsessions`` does, counted (database-backed sessions only)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        return 0  # cache or cookie sessions expire by themselves
    return delete_rows(store.get_model_class().objects.filter(expire_date__lt=now))


def _expired_upload_temp_files(now: datetime) -> int:
    """Spooled uploads older than ``UPLOAD_TEMP_RETENTION_HOURS`` in ``FILE_UPLOAD_TEMP_DIR``.

    Django removes its temporary file when the request ends; a worker killed mid-upload
    leaves it behind. Only a directory of the platform's own is swept: the system temp
    directory (the default) is the service's private one (systemd ``PrivateTmp``),
    emptied when the service restarts.
    """
    directory = getattr(settings, "FILE_UPLOAD_TEMP_DIR", None)
    if not directory or not Path(directory).is_dir():
        return 0
    cutoff = now.timestamp() - settings.UPLOAD_TEMP_RETENTION_HOURS * 3600
    expired: list[Path] = []
    for path in Path(directory).iterdir():
        try:
            if UPLOAD_TEMP_MARK in path.name and path.is_file() and path.stat().st_mtime < cutoff:
                expired.append(path)
        except OSError:  # removed meanwhile by the request that wrote it
            continue
    transaction.on_commit(lambda: _remove(expired))
    return len(expired)


def _remove(paths: list[Path]) -> None:
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            logger.warning("residual purge: could not remove a spooled upload: %s", exc.strerror)


@transaction.atomic
def residual_purge(*, actor: object = None, now: datetime | None = None) -> dict[str, int]:
    """Delete every residual row and file past its lifetime; return the counts; audited."""
    now = now or timezone.now()
    started = time.monotonic()
    counts: dict[str, int] = {}
    for path in settings.SIFASUO_RESIDUAL_PURGERS:
        purger: Purger = import_string(path)
        counts.update(purger(now))
    audit.record(
        "residual_purge",
        actor=actor,
        object_type="residual",
        changes={**counts, "seconds": round(time.monotonic() - started, 1)},
    )
    return counts
