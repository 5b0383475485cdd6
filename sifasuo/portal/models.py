"""The citizens' portal: citizens' profiles, login codes, consent, online applications,
their timeline, ratings (好差评) and follow-ups, and the city's legal guides."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sifasuo.core import applications
from sifasuo.core.applications import ApplicationStatus
from sifasuo.core.fields import BlindIndexField, EncryptedTextField
from sifasuo.core.masking import mask
from sifasuo.core.models import BaseModel
from sifasuo.core.scope import ScopedManager
from sifasuo.portal.choices import (
    POOR_LEVELS,
    FollowUpStatus,
    GuideCategory,
    RatingLevel,
    ReachedParty,
)

PHONE_INDEX_PURPOSE = "portal.citizen.phone"


class CitizenProfile(BaseModel):
    """A citizen's account on the portal: the mobile phone they log in with (encrypted).

    The ``accounts.User`` (kind CITIZEN, no usable password) carries no phone in its
    username; the phone lives here, encrypted, found by its blind index. Staff see no
    profile (a citizen has no unit); the citizen sees their own.
    """

    scope_unit_field = "user__unit"
    scope_citizen_field = "user"

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="citizen_profile",
    )
    phone = EncryptedTextField(_("mobile phone"), pii_category="phone")
    phone_bidx = BlindIndexField(source="phone", purpose=PHONE_INDEX_PURPOSE)

    objects = ScopedManager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("citizen profile")
        verbose_name_plural = _("citizen profiles")
        constraints = [
            models.UniqueConstraint(fields=["phone_bidx"], name="portal_citizen_unique_phone")
        ]

    def __str__(self) -> str:
        return self.phone_masked

    @property
    def phone_masked(self) -> str:
        return mask(self.phone, "phone")


class LoginCode(models.Model):
    """A one-time login code sent by SMS: only its keyed hash is stored; it expires.

    A technical record, never shown to anyone: the rows are also the counter of the rate
    limits (per phone, per client address), so the limits hold across server processes.
    """

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    phone = EncryptedTextField(_("mobile phone"), pii_category="phone")
    phone_bidx = BlindIndexField(source="phone", purpose=PHONE_INDEX_PURPOSE)
    code_hash = models.CharField(_("code hash"), max_length=64)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    objects: models.Manager[LoginCode] = models.Manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("login code")
        verbose_name_plural = _("login codes")
        indexes = [
            models.Index(fields=["phone_bidx", "created_at"], name="portal_logincode_phone_idx"),
            models.Index(fields=["ip", "created_at"], name="portal_logincode_ip_idx"),
        ]

    def __str__(self) -> str:
        return f"{mask(self.phone, 'phone')} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class PrivacyNotice(models.Model):
    """A version of the personal-information notice (PIPL art. 14, 17, 29, 30).

    Reference data loaded by migration from ``data/``; a new text is a new version, and
    each citizen consents once per version. The retention period is part of the text.
    """

    version = models.CharField(_("version"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"))
    retention_years = models.PositiveSmallIntegerField(
        _("retention (years)"),
        help_text=_("How long the request and the personal data given with it are kept."),
    )
    effective_on = models.DateField(_("effective on"))
    is_current = models.BooleanField(_("current version"), default=False)

    class Meta:
        ordering = ["-effective_on", "-pk"]
        verbose_name = _("personal-information notice")
        verbose_name_plural = _("personal-information notices")
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=Q(is_current=True),
                name="portal_notice_one_current",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.version})"


class Consent(BaseModel):
    """A citizen's separate consent (单独同意) to one version of the notice; may be withdrawn."""

    scope_unit_field = "citizen__unit"
    scope_citizen_field = "citizen"

    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("citizen"),
        on_delete=models.PROTECT,
        related_name="portal_consents",
    )
    notice = models.ForeignKey(
        PrivacyNotice, verbose_name=_("notice"), on_delete=models.PROTECT, related_name="+"
    )
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-given_at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(
                fields=["citizen", "notice"],
                condition=Q(withdrawn_at__isnull=True),
                name="portal_consent_one_active_per_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.notice.version} {self.given_at:%Y-%m-%d}"


class PortalApplication(BaseModel):
    """The envelope of a request filed online: tracking number, office, status, the record.

    The module's record (a consultation, a mediation case …) is the office's ledger entry;
    the envelope is what the citizen follows. Owned by the office chosen; seen by its
    staff and the bureaus above, and by the citizen who filed it.
    """

    scope_citizen_field = "citizen"

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    tracking_number = models.CharField(_("tracking number"), max_length=16, unique=True)
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("citizen"),
        on_delete=models.PROTECT,
        related_name="portal_applications",
    )
    kind = models.CharField(_("kind"), max_length=20, db_index=True)
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("office"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
    )
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("record type"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("record id"))
    record = GenericForeignKey("content_type", "object_id")
    consent = models.ForeignKey(
        Consent, verbose_name=_("consent"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_on = models.DateField(_("submitted on"))
    respond_by = models.DateField(_("first reply due"))
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    last_message = models.TextField(_("latest reply"), blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-submitted_on", "-pk"]
        verbose_name = _("online application")
        verbose_name_plural = _("online applications")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="portal_application_one_per_record"
            ),
            models.CheckConstraint(
                condition=Q(respond_by__gte=models.F("submitted_on")),
                name="portal_application_respond_after_submit",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ApplicationStatus.values),
                name="portal_portalapplication_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "status"], name="portal_app_unit_status_idx"),
            models.Index(fields=["submitted_on"], name="portal_app_submitted_idx"),
        ]

    def __str__(self) -> str:
        return self.tracking_number

    def get_absolute_url(self) -> str:
        return reverse("portal:request_detail", args=[self.public_id])

    @property
    def application_kind(self) -> applications.ApplicationKind | None:
        return applications.get(self.kind)

    @property
    def kind_label(self) -> str:
        kind = self.application_kind
        return str(kind.label) if kind else self.kind

    @property
    def is_overdue(self) -> bool:
        """Still waiting for the office's first reply after its due date."""
        return self.status == ApplicationStatus.SUBMITTED and self.respond_by < timezone.localdate()

    @property
    def can_be_rated(self) -> bool:
        return self.status == ApplicationStatus.COMPLETED and not hasattr(self, "rating")


class ApplicationEvent(BaseModel):
    """One line of an application's timeline: a status and the office's reply."""

    scope_unit_field = "application__unit"
    scope_citizen_field = "application__citizen"

    application = models.ForeignKey(
        PortalApplication,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    status = models.CharField(_("status"), max_length=12, choices=ApplicationStatus.choices)
    message = models.TextField(_("message"), blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ApplicationStatus.values),
                name="portal_applicationevent_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} {self.status}"


class Rating(BaseModel):
    """The citizen's rating of a completed service (好差评: 一次一评, five levels)."""

    scope_unit_field = "application__unit"
    scope_citizen_field = "application__citizen"

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    application = models.OneToOneField(
        PortalApplication,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="rating",
    )
    level = models.CharField(_("rating"), max_length=20, choices=RatingLevel.choices)
    comment = models.TextField(_("comment"), max_length=500, blank=True)
    rated_on = models.DateField(_("rated on"))

    objects = ScopedManager()

    class Meta:
        ordering = ["-rated_on", "-pk"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=RatingLevel.values), name="portal_rating_level_valid"
            )
        ]
        indexes = [models.Index(fields=["rated_on"], name="portal_rating_rated_idx")]

    def __str__(self) -> str:
        return f"{self.application} {self.get_level_display()}"

    @property
    def is_poor(self) -> bool:
        return self.level in POOR_LEVELS


class FollowUp(BaseModel):
    """The office's follow-up of a poor rating: a return call within 15 working days."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("office"), on_delete=models.PROTECT, related_name="+"
    )
    rating = models.OneToOneField(
        Rating, verbose_name=_("rating"), on_delete=models.PROTECT, related_name="followup"
    )
    opened_on = models.DateField(_("opened on"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=8, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    called_on = models.DateField(_("return call on"), null=True, blank=True)
    reached = models.CharField(
        _("who was reached"), max_length=12, choices=ReachedParty.choices, blank=True
    )
    outcome = models.TextField(_("what the citizen said"), blank=True)
    rectification = models.TextField(_("rectification"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("rating follow-up")
        verbose_name_plural = _("rating follow-ups")
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("opened_on")), name="portal_followup_due_after"
            ),
            models.CheckConstraint(
                condition=Q(status=FollowUpStatus.OPEN, closed_on__isnull=True)
                | Q(status=FollowUpStatus.CLOSED, closed_on__isnull=False),
                name="portal_followup_closed_has_date",
            ),
            models.CheckConstraint(
                condition=Q(status__in=FollowUpStatus.values), name="portal_followup_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="portal_followup_due_idx")]

    def __str__(self) -> str:
        return f"{self.rating.application} {self.due_on}"

    def get_absolute_url(self) -> str:
        return reverse("portal:followup_detail", args=[self.public_id])

    @property
    def is_open(self) -> bool:
        return self.status == FollowUpStatus.OPEN

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on < timezone.localdate()


class LegalGuide(BaseModel):
    """A short legal guide (法律指南) the city bureau publishes on the citizens' site."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=100)
    category = models.CharField(_("category"), max_length=12, choices=GuideCategory.choices)
    summary = models.CharField(_("summary"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    is_published = models.BooleanField(_("published"), default=False)
    published_on = models.DateField(_("published on"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["category", "title"]
        verbose_name = _("legal guide")
        verbose_name_plural = _("legal guides")
        constraints = [
            models.UniqueConstraint(fields=["unit", "title"], name="portal_guide_unique_title"),
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(published_on__isnull=False),
                name="portal_guide_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("portal:guide_detail", args=[self.public_id])
