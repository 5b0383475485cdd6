"""Attachments: accept an upload (type sniffed, size capped, checksummed), audited."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils.translation import gettext as _

from sifasuo.core import audit
from sifasuo.core.crypto import sm3
from sifasuo.core.errors import ApplicationError
from sifasuo.core.filetypes import UnsafeArchiveError, sniff
from sifasuo.core.models import Attachment
from sifasuo.core.scope import assert_in_scope


def _clean_name(name: str) -> str:
    base = PurePath(name.replace("\\", "/")).name
    return "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*')[:200] or "file"


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
    attachment.file.save(attachment.original_name, uploaded, save=False)
    # Remove the stored file if this step fails, so no file is left without its row.
    stored_name = attachment.file.name
    try:
        attachment.full_clean(exclude=["file"])
        attachment.save()
        assert_in_scope(attachment, actor, "create")
        audit.record("create", actor=actor, obj=attachment, changes={"fields": ["file"]})
    except Exception:
        attachment.file.storage.delete(stored_name)
        raise
    return attachment
