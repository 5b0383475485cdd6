"""Attachments: accept an upload (type sniffed, size capped, checksummed), audited.

The file is written first under a random name, then the row, in one transaction; if
writing fails (a full disk: ``ENOSPC``) the partial file is removed and the user gets a
clear message, and if the row fails the file is removed, so no row ever points to a missing
file and no file is left without its row (SECURITY.md checks 37 and 45). A file whose row
was rolled back by an enclosing transaction is found by ``orphan_files``.
"""

from __future__ import annotations

import errno
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from sifasuo.core import audit
from sifasuo.core.crypto import sm3
from sifasuo.core.errors import ApplicationError
from sifasuo.core.filetypes import (
    UnsafeArchiveError,
    UnsafeXmlError,
    download_name,
    media_type,
    sniff,
)
from sifasuo.core.models import Attachment
from sifasuo.core.scope import assert_in_scope

logger = logging.getLogger(__name__)

# Errors of a storage that cannot take the file: full disk, quota, read-only file system.
STORAGE_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS})


class StorageUnavailableError(ApplicationError):
    """The file store cannot take the upload (disk full, quota, read-only)."""

    status_code = 507


def _clean_name(name: str) -> str:
    """The original name as harmless metadata: no path, no control or reserved characters."""
    base = PurePath(name.replace("\\", "/")).name
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*/\\')
    return cleaned.strip().lstrip(".")[:200] or "file"


def _discard(storage: Storage, name: str) -> None:
    try:
        if name and storage.exists(name):
            storage.delete(name)
    except OSError:  # the store is broken too; the sweep (orphan_files) finds it later
        logger.warning("could not remove the partial upload %s", name)


def _discard_all(storage: Storage, names: list[str]) -> None:
    for name in names:
        _discard(storage, name)


def _store(attachment: Attachment, uploaded: UploadedFile) -> None:
    """Write the file under its random name; a write failure leaves no partial file."""
    field = attachment.file.field
    storage = attachment.file.storage
    name = field.generate_filename(attachment, attachment.original_name)
    try:
        stored = storage.save(name, uploaded, max_length=field.max_length)
    except OSError as exc:
        _discard(storage, name)
        if exc.errno in STORAGE_FULL_ERRNOS:
            logger.error("attachment store is full or read-only: %s", exc.strerror)
        else:
            logger.error("attachment store failed: %s", exc.strerror)
        raise StorageUnavailableError(
            _(
                "The file could not be saved because the file storage is full or "
                "unavailable. Nothing was saved; please try again later or tell the "
                "system administrator."
            )
        ) from exc
    attachment.file.name = stored


@transaction.atomic
def attachment_create(
    *,
    actor: Any,
    unit: Any,
    uploaded: UploadedFile,
    owner: models.Model | None = None,
) -> Attachment:
    """Store ``uploaded`` for ``unit`` after checking its size and real type."""
    size = uploaded.size or 0
    if size > settings.ATTACHMENT_MAX_BYTES:
        limit = settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
        raise ApplicationError(_("The file is larger than %(limit)d MB.") % {"limit": limit})
    stream = uploaded.file
    if stream is None:
        raise ApplicationError(_("The upload is empty."))
    try:
        file_type = sniff(stream)
    except UnsafeXmlError as exc:
        raise ApplicationError(
            _("The file contains an XML document type declaration, which is not accepted.")
        ) from exc
    except UnsafeArchiveError as exc:
        raise ApplicationError(_("The file expands to more than the allowed size.")) from exc
    if file_type is None or file_type not in settings.ATTACHMENT_ALLOWED_TYPES:
        allowed = ", ".join(settings.ATTACHMENT_ALLOWED_TYPES)
        raise ApplicationError(
            _("This type of file is not accepted. Accepted types: %(allowed)s.")
            % {"allowed": allowed}
        )
    stream.seek(0)
    checksum = sm3(stream.read())
    stream.seek(0)
    attachment = Attachment(
        unit=unit,
        original_name=_clean_name(uploaded.name or "file"),
        file_type=file_type,
        size=size,
        sm3=checksum,
        created_by=actor,
        owner_type=owner._meta.label_lower if owner else "",
        owner_id=str(owner.pk) if owner else "",
    )
    _store(attachment, uploaded)
    # Remove the stored file if this step fails, so no file is left without its row.
    stored_name = attachment.file.name
    try:
        attachment.full_clean(exclude=["file"])
        attachment.save()
        assert_in_scope(attachment, actor, "create")
        audit.record("create", actor=actor, obj=attachment, changes={"fields": ["file"]})
    except Exception:
        _discard(attachment.file.storage, stored_name)
        raise
    return attachment


def download_response(attachment: Attachment) -> FileResponse:
    """Serve ``attachment`` as a download with the type sniffed at upload, never guessed.

    ``FileResponse`` would guess the type from the original name, which the uploader chose;
    ``nosniff`` stops the browser from guessing either.
    """
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=download_name(attachment.original_name, attachment.file_type),
        content_type=media_type(attachment.file_type),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def orphan_files(storage: Storage | None = None, folder: str = "attachments") -> list[str]:
    """Stored attachment files that no row names (left by a rolled-back transaction)."""
    from django.core.files.storage import default_storage

    storage = storage or default_storage
    known = set(Attachment.objects.values_list("file", flat=True))
    found: list[str] = []

    def walk(path: str) -> None:
        if not storage.exists(path):
            return
        directories, files = storage.listdir(path)
        for name in files:
            full = f"{path}/{name}"
            if full not in known:
                found.append(full)
        for directory in directories:
            walk(f"{path}/{directory}")

    walk(folder)
    return sorted(found)


@dataclass(frozen=True)
class OrphanSweep:
    """What one sweep found: the files without their row, and those it removes."""

    found: list[str]
    removed: list[str] = field(default_factory=list)

    @property
    def within_grace(self) -> int:
        return len(self.found) - len(self.removed)


@transaction.atomic
def orphan_files_sweep(
    *,
    remove: bool = False,
    actor: Any = None,
    now: datetime | None = None,
    storage: Storage | None = None,
) -> OrphanSweep:
    """Report the attachment files no row names; with ``remove``, delete the old ones; audited.

    Only files older than ``ORPHAN_FILE_GRACE_HOURS`` are removed: an upload in progress has
    written its file and not yet committed its row. A file is checked once more just before
    it goes, and removed after the audit row commits.
    """
    from django.core.files.storage import default_storage

    storage = storage or default_storage
    found = orphan_files(storage)
    removed: list[str] = []
    if remove:
        cutoff = (now or timezone.now()) - timedelta(hours=settings.ORPHAN_FILE_GRACE_HOURS)
        for name in found:
            if storage.get_modified_time(name) < cutoff:
                removed.append(name)
        named = set(Attachment.objects.filter(file__in=removed).values_list("file", flat=True))
        removed = [name for name in removed if name not in named]
        transaction.on_commit(lambda: _discard_all(storage, removed))
    sweep = OrphanSweep(found=found, removed=removed)
    audit.record(
        "orphan_files",
        actor=actor,
        object_type="core.attachment",
        changes={
            "found": len(found),
            "removed": len(removed),
            "within_grace": sweep.within_grace if remove else 0,
        },
    )
    return sweep
