"""Base models and the shared records every module uses."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sifasuo.core.choices import AuditOutcome, Confidence, DayCount, DayKind
from sifasuo.core.errors import ConcurrentModificationError
from sifasuo.core.scope import ScopedManager


class BaseModel(models.Model):
    """Timestamps, author and a version column that refuses stale saves (optimistic locking)."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def _do_update(  # type: ignore[override]
        self,
        base_qs: models.QuerySet[Any],
        using: Any,
        pk_val: Any,
        values: list[Any],
        update_fields: Any,
        forced_update: bool,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        # Update only the row still at the version the user loaded; bump the version.
        version_field = self._meta.get_field("version")
        loaded = self.version
        values = [v for v in values if v[0].attname != "version"]
        values.append((version_field, None, loaded + 1))
        updated = super()._do_update(
            base_qs.filter(version=loaded),
            using,
            pk_val,
            values,
            update_fields,
            forced_update,
            *args,
            **kwargs,
        )
        if not updated and base_qs.filter(pk=pk_val).exists():
            raise ConcurrentModificationError(
                str(
                    _(
                        "This record was changed by someone else after you opened it. "
                        "Reload it and make your change again."
                    )
                ),
                audit_object_type=self._meta.label_lower,
            )
        if updated:
            self.version = loaded + 1
        return updated


class AuditEvent(models.Model):
    """One append-only, hash-chained row per audited action (DESIGN rule 2).

    Holds identifiers, never plaintext personal data. A database trigger refuses UPDATE and
    DELETE; ``verify_audit_chain`` recomputes the HMAC-SM3 chain.
    """

    seq = models.BigIntegerField(_("sequence"), unique=True)
    ts = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    actor_roles = models.CharField(_("roles"), max_length=200, blank=True)
    actor_unit_code = models.CharField(_("unit code"), max_length=20, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=AuditOutcome.choices, default=AuditOutcome.SUCCESS
    )
    reason = models.TextField(_("reason"), blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"], name="core_audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class Holiday(models.Model):
    """A day off the Monday–Friday rule: a public holiday, or a make-up working day (调休)."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=50)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday or make-up working day")
        verbose_name_plural = _("holidays and make-up working days")

    def __str__(self) -> str:
        return f"{self.date} {self.name} {self.get_kind_display()}"


class DeadlineRule(models.Model):
    """A deadline as data: so many calendar or working days, with its source and confidence."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    days = models.PositiveIntegerField(_("days"))
    count = models.CharField(_("counted in"), max_length=10, choices=DayCount.choices)
    remind_days_before = models.PositiveIntegerField(_("remind days before"), default=3)
    source = models.CharField(_("source"), max_length=300, blank=True)
    confidence = models.CharField(
        _("confidence"), max_length=1, choices=Confidence.choices, default=Confidence.VERIFIED
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")

    def __str__(self) -> str:
        return f"{self.name} ({self.days} {self.get_count_display()})"


class DocumentType(models.Model):
    """A kind of numbered document (调解协议书 …) and its number pattern."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=100)
    type_word = models.CharField(_("type word"), max_length=10, help_text=_("e.g. 调"))
    pattern = models.CharField(
        _("pattern"),
        max_length=100,
        blank=True,
        help_text=_("Empty: the default pattern. Fields: {year} {unit_short} {type_word} {number}"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("document type")
        verbose_name_plural = _("document types")

    def __str__(self) -> str:
        return self.name


class DocumentSequence(models.Model):
    """The last number given per unit, document type and year (gapless: taken under a lock)."""

    unit = models.ForeignKey("orgs.Unit", verbose_name=_("unit"), on_delete=models.PROTECT)
    doc_type = models.ForeignKey(
        DocumentType, verbose_name=_("document type"), on_delete=models.PROTECT
    )
    year = models.PositiveIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        ordering = ["unit", "doc_type", "year"]
        verbose_name = _("document sequence")
        verbose_name_plural = _("document sequences")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "doc_type", "year"], name="core_docseq_unique_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.doc_type_id}/{self.year}: {self.last_number}"


def attachment_path(instance: Attachment, filename: str) -> str:
    """Store under a random name; the original name is metadata only."""
    return f"attachments/{instance.created_at_path}/{uuid.uuid4().hex}"


class Attachment(BaseModel):
    """An uploaded file: type sniffed, size capped, SM3-checksummed, served by a scoped view."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("unit"), on_delete=models.PROTECT)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("original name"), max_length=200)
    file_type = models.CharField(_("file type"), max_length=10)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sm3 = models.CharField(_("SM3 checksum"), max_length=64)
    owner_type = models.CharField(_("attached to (type)"), max_length=100, blank=True)
    owner_id = models.CharField(_("attached to (id)"), max_length=64, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name

    @property
    def created_at_path(self) -> str:
        from django.utils import timezone

        return timezone.localdate().strftime("%Y/%m")


class SubmissionToken(models.Model):
    """A one-time form token or Idempotency-Key: a double submit finds the first result."""

    token = models.CharField(_("token"), max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE
    )
    fingerprint = models.CharField(_("payload fingerprint"), max_length=64, blank=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("submission token")
        verbose_name_plural = _("submission tokens")
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="core_submission_token_unique")
        ]

    def __str__(self) -> str:
        return self.token


class ImportedFile(models.Model):
    """A file an import committed: its SM3 digest, so the same file is not imported twice.

    One row per kind of import and digest (the unique index also stops two concurrent
    imports of one file); the import's audit row holds the same digest.
    """

    kind = models.CharField(_("imported into"), max_length=100)
    sm3 = models.CharField(_("SM3 checksum"), max_length=64)
    imported_at = models.DateTimeField(_("first imported at"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("first imported by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("imported file")
        verbose_name_plural = _("imported files")
        constraints = [
            models.UniqueConstraint(fields=["kind", "sm3"], name="core_importedfile_unique_digest")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.sm3[:12]}"
