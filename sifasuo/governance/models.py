"""The rule-of-law ledgers: legality review, enforcement supervision, legislative opinions,
juror selection and the "three rules" register (DOMAIN.md §5, plan 二.3 and 二.7)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sifasuo.core.errors import ApplicationError
from sifasuo.core.models import BaseModel
from sifasuo.core.scope import ScopedManager
from sifasuo.governance.choices import (
    JUROR_MIN_AGE,
    JUROR_POOL_MULTIPLE,
    OPEN_REVIEW_STATUSES,
    Adoption,
    CandidateResult,
    CheckResult,
    Conclusion,
    Consent,
    DraftStatus,
    Eligibility,
    EntryStatus,
    InterferenceCategory,
    MatterType,
    OpinionSource,
    RectificationStatus,
    ReviewStatus,
    RoundStatus,
    SupervisionKind,
)

# Legality review --------------------------------------------------------------------------


class ReviewChecklistItem(models.Model):
    """A point every legality review checks (制定主体, 权限, 内容, 程序 …): data, not code."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=60)
    guidance = models.CharField(_("what to check"), max_length=300, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("review checklist item")
        verbose_name_plural = _("review checklist items")

    def __str__(self) -> str:
        return self.name


class LegalityReview(BaseModel):
    """A matter the town government submits for legality review (合法性审查/审核).

    ``number`` is given at registration; ``registration_number`` when the reviewed
    document is entered in the filing register (统一登记、统一编号). Both are gapless per
    office and year.
    """

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("reviewing office"),
        on_delete=models.PROTECT,
        related_name="legality_reviews",
    )
    number = models.CharField(_("review number"), max_length=60)
    matter_type = models.CharField(_("type of matter"), max_length=20, choices=MatterType.choices)
    title = models.CharField(_("title"), max_length=200)
    submitting_body = models.CharField(
        _("submitted by"), max_length=100, help_text=_("e.g. the town government's office")
    )
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("opinion due by"))
    status = models.CharField(
        _("status"), max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.REGISTERED
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    conclusion = models.CharField(
        _("conclusion"), max_length=10, choices=Conclusion.choices, blank=True
    )
    opinion_text = models.TextField(_("review opinion"), blank=True)
    opinion_issued_on = models.DateField(_("opinion issued on"), null=True, blank=True)
    adoption = models.CharField(
        _("adopted by the town"), max_length=12, choices=Adoption.choices, blank=True
    )
    adoption_note = models.TextField(_("adoption note"), blank=True)
    registration_number = models.CharField(_("registration number"), max_length=60, blank=True)
    filed_on = models.DateField(_("filed on"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("legality review")
        verbose_name_plural = _("legality reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "number"], name="governance_review_unique_number"
            ),
            models.UniqueConstraint(
                fields=["unit", "registration_number"],
                condition=~Q(registration_number=""),
                name="governance_review_unique_registration",
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=F("received_on")), name="governance_review_due_after"
            ),
            models.CheckConstraint(
                condition=Q(opinion_issued_on__isnull=True)
                | Q(opinion_issued_on__gte=F("received_on")),
                name="governance_review_issued_after_received",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReviewStatus.values),
                name="governance_legalityreview_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_on"], name="governance_review_due_idx"),
            models.Index(fields=["received_on"], name="governance_review_received_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("governance:review_detail", args=[self.public_id])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REVIEW_STATUSES

    @property
    def is_overdue(self) -> bool:
        """No opinion yet, past the due date of its type's rule."""
        return self.is_open and self.due_on < timezone.localdate()

    @property
    def on_time(self) -> bool | None:
        if self.opinion_issued_on is None:
            return None
        return self.opinion_issued_on <= self.due_on


class ReviewMaterial(BaseModel):
    """One version of the submitted draft or its materials: each upload a new version."""

    scope_unit_field = "review__unit"

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey(
        LegalityReview,
        verbose_name=_("review"),
        on_delete=models.CASCADE,
        related_name="materials",
    )
    version_number = models.PositiveIntegerField(_("draft version"))
    attachment = models.ForeignKey(
        "core.Attachment", verbose_name=_("file"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("what changed"), max_length=200, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["review", "version_number"]
        verbose_name = _("review material")
        verbose_name_plural = _("review materials")
        constraints = [
            models.UniqueConstraint(
                fields=["review", "version_number"], name="governance_material_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.review.number} v{self.version_number}"


class ReviewCheck(BaseModel):
    """The answer to one checklist item in a review opinion."""

    scope_unit_field = "review__unit"

    review = models.ForeignKey(
        LegalityReview, verbose_name=_("review"), on_delete=models.CASCADE, related_name="checks"
    )
    item = models.ForeignKey(
        ReviewChecklistItem, verbose_name=_("checklist item"), on_delete=models.PROTECT
    )
    result = models.CharField(_("result"), max_length=4, choices=CheckResult.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["review", "item__sort_order", "pk"]
        verbose_name = _("review check")
        verbose_name_plural = _("review checks")
        constraints = [
            models.UniqueConstraint(fields=["review", "item"], name="governance_check_unique_item")
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.get_result_display()}"


class ReviewChange(BaseModel):
    """A clause-by-clause change the opinion asks for (修改后合法)."""

    scope_unit_field = "review__unit"

    review = models.ForeignKey(
        LegalityReview, verbose_name=_("review"), on_delete=models.CASCADE, related_name="changes"
    )
    position = models.PositiveIntegerField(_("order"))
    clause = models.CharField(_("clause"), max_length=60)
    problem = models.TextField(_("problem"))
    suggestion = models.TextField(_("suggested change"))

    objects = ScopedManager()

    class Meta:
        ordering = ["review", "position"]
        verbose_name = _("requested change")
        verbose_name_plural = _("requested changes")
        constraints = [
            models.UniqueConstraint(
                fields=["review", "position"], name="governance_change_unique_position"
            )
        ]

    def __str__(self) -> str:
        return self.clause


# Enforcement supervision -----------------------------------------------------------------


class SupervisionActivity(BaseModel):
    """A supervision activity at one of the town's enforcement units (行政执法协调监督)."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("office"),
        on_delete=models.PROTECT,
        related_name="supervision_activities",
    )
    enforcement_unit = models.CharField(_("enforcement unit supervised"), max_length=100)
    kind = models.CharField(_("type"), max_length=12, choices=SupervisionKind.choices)
    held_on = models.DateField(_("date"))
    subject = models.CharField(_("topic of the supervision"), max_length=200)
    findings = models.TextField(_("findings"), blank=True)
    problems_found = models.PositiveIntegerField(_("problems found"), default=0)

    objects = ScopedManager()

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("supervision activity")
        verbose_name_plural = _("supervision activities")
        indexes = [models.Index(fields=["held_on"], name="governance_superv_date_idx")]

    def __str__(self) -> str:
        return f"{self.enforcement_unit} {self.held_on}"

    def get_absolute_url(self) -> str:
        return reverse("governance:supervision_detail", args=[self.public_id])


class RectificationRequest(BaseModel):
    """A rectification the office asks of the enforcement unit, with its deadline and result."""

    scope_unit_field = "activity__unit"

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    activity = models.ForeignKey(
        SupervisionActivity,
        verbose_name=_("supervision activity"),
        on_delete=models.CASCADE,
        related_name="rectifications",
    )
    issue = models.TextField(_("problem to rectify"))
    requested_on = models.DateField(_("requested on"))
    due_on = models.DateField(_("to rectify by"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RectificationStatus.choices,
        default=RectificationStatus.OPEN,
    )
    result = models.TextField(_("result"), blank=True)
    completed_on = models.DateField(_("checked on"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["activity", "due_on", "pk"]
        verbose_name = _("rectification request")
        verbose_name_plural = _("rectification requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=F("requested_on")),
                name="governance_rectification_due_after",
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(completed_on__gte=F("requested_on")),
                name="governance_rectification_completed_after_requested",
            ),
            models.CheckConstraint(
                condition=Q(status__in=RectificationStatus.values),
                name="governance_rectificationrequest_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="governance_rect_due_idx")]

    def __str__(self) -> str:
        return self.issue[:30]

    @property
    def is_overdue(self) -> bool:
        return self.status == RectificationStatus.OPEN and self.due_on < timezone.localdate()


# Legislative opinions --------------------------------------------------------------------


class Draft(BaseModel):
    """A draft law or regulation the city or a district puts out for comment (立法意见征集).

    Once published it is shared with the offices below the publishing bureau
    (``addressed_units``), and shown to citizens on the public pages while open.
    """

    scope_share_field = "addressed_units"

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("publishing bureau"),
        on_delete=models.PROTECT,
        related_name="drafts",
    )
    title = models.CharField(_("title"), max_length=200)
    issuing_body = models.CharField(
        _("drafting body"), max_length=100, help_text=_("Who asks for the opinions.")
    )
    introduction = models.TextField(_("introduction"), blank=True)
    text = models.TextField(_("full text"))
    opens_on = models.DateField(_("open for comment from"))
    closes_on = models.DateField(_("open for comment until"))
    status = models.CharField(
        _("status"), max_length=10, choices=DraftStatus.choices, default=DraftStatus.PREPARING
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    addressed_units = models.ManyToManyField(
        "orgs.Unit", verbose_name=_("addressed to"), blank=True, related_name="+"
    )

    objects = ScopedManager()

    class Meta:
        ordering = ["-opens_on", "-pk"]
        verbose_name = _("draft for comment")
        verbose_name_plural = _("drafts for comment")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="governance_draft_period_order"
            ),
            models.CheckConstraint(
                condition=Q(status__in=DraftStatus.values), name="governance_draft_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("governance:draft_detail", args=[self.public_id])

    def is_open_on(self, day: date) -> bool:
        return self.status == DraftStatus.PUBLISHED and self.opens_on <= day <= self.closes_on

    @property
    def is_open(self) -> bool:
        return self.is_open_on(timezone.localdate())

    @property
    def is_closed(self) -> bool:
        return self.status == DraftStatus.PUBLISHED and self.closes_on < timezone.localdate()


class DraftClause(BaseModel):
    """One clause (条) of a draft: what citizens and offices comment on."""

    scope_unit_field = "draft__unit"

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    draft = models.ForeignKey(
        Draft, verbose_name=_("draft"), on_delete=models.CASCADE, related_name="clauses"
    )
    position = models.PositiveIntegerField(_("order"))
    heading = models.CharField(_("clause"), max_length=30, help_text=_("e.g. 第三条"))
    text = models.TextField(_("text"))

    objects = ScopedManager()

    class Meta:
        ordering = ["draft", "position"]
        verbose_name = _("clause")
        verbose_name_plural = _("clauses")
        constraints = [
            models.UniqueConstraint(
                fields=["draft", "position"], name="governance_clause_unique_position"
            )
        ]

    def __str__(self) -> str:
        return self.heading


class Opinion(BaseModel):
    """An opinion on a draft: a citizen's comment online, or one an office gathered.

    A citizen's comment belongs to the publishing bureau (``unit``) and to the citizen
    (``citizen``, who sees it and its answer); an office's belongs to that office.
    """

    scope_citizen_field = "citizen"

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("collected by"), on_delete=models.PROTECT, related_name="+"
    )
    draft = models.ForeignKey(
        Draft, verbose_name=_("draft"), on_delete=models.PROTECT, related_name="opinions"
    )
    clause = models.ForeignKey(
        DraftClause,
        verbose_name=_("clause"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opinions",
        help_text=_("Empty: an opinion on the draft as a whole."),
    )
    source = models.CharField(_("source"), max_length=10, choices=OpinionSource.choices)
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("citizen"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    meeting = models.CharField(_("meeting or channel"), max_length=200, blank=True)
    people_count = models.PositiveIntegerField(_("number of people"), default=1)
    text = models.TextField(_("opinion"))
    submitted_on = models.DateField(_("submitted on"))
    adoption = models.CharField(_("answer"), max_length=12, choices=Adoption.choices, blank=True)
    answer_reason = models.TextField(_("reason"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ScopedManager()

    class Meta:
        ordering = ["draft", "clause__position", "submitted_on", "pk"]
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        constraints = [
            models.CheckConstraint(
                condition=Q(people_count__gte=1), name="governance_opinion_people_positive"
            ),
            models.CheckConstraint(
                condition=~Q(source=OpinionSource.ONLINE) | Q(citizen__isnull=False),
                name="governance_opinion_online_has_citizen",
            ),
        ]
        indexes = [models.Index(fields=["draft", "adoption"], name="governance_opinion_ans_idx")]

    def __str__(self) -> str:
        return self.text[:30]

    @property
    def is_answered(self) -> bool:
        return bool(self.adoption)

    @property
    def origin(self) -> str:
        """Who gave it, without personal data: "a citizen online", or the office."""
        if self.source == OpinionSource.ONLINE:
            return gettext("Citizen online")
        return self.unit.name


# Juror selection -------------------------------------------------------------------------


class JurorExclusionGround(models.Model):
    """A reason a candidate may not serve (人民陪审员法 art. 6–7): a checklist, as data."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=120)
    basis = models.CharField(_("legal basis"), max_length=100, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("juror exclusion ground")
        verbose_name_plural = _("juror exclusion grounds")

    def __str__(self) -> str:
        return self.name


class JurorRound(BaseModel):
    """A round of people's-juror selection run by a district bureau with its court.

    The offices where candidates were drawn see the round (``offices``, shared at the draw).
    """

    scope_share_field = "offices"

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("district bureau"),
        on_delete=models.PROTECT,
        related_name="juror_rounds",
    )
    title = models.CharField(_("title"), max_length=200)
    court_name = models.CharField(_("court"), max_length=100)
    quota = models.PositiveIntegerField(_("jurors to appoint"))
    pool_multiple = models.PositiveIntegerField(
        _("candidates per juror"),
        default=JUROR_POOL_MULTIPLE,
        help_text=_("At least five times the number to appoint (People's Jurors Law art. 9)."),
    )
    min_age = models.PositiveIntegerField(
        _("minimum age"),
        default=JUROR_MIN_AGE,
        help_text=_("At least 28 (People's Jurors Law art. 5)."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.PREPARING
    )
    draw_date = models.DateField(_("drawn on"), null=True, blank=True)
    seed = models.CharField(
        _("random seed"), max_length=40, blank=True, help_text=_("Kept so the draw can be re-run.")
    )
    pool_size = models.PositiveIntegerField(_("people eligible by age"), default=0)
    verify_by = models.DateField(_("offices verify by"), null=True, blank=True)
    offices = models.ManyToManyField(
        "orgs.Unit", verbose_name=_("offices verifying"), blank=True, related_name="+"
    )

    objects = ScopedManager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("juror selection round")
        verbose_name_plural = _("juror selection rounds")
        constraints = [
            models.CheckConstraint(
                condition=Q(pool_multiple__gte=JUROR_POOL_MULTIPLE),
                name="governance_round_pool_multiple",
            ),
            models.CheckConstraint(
                condition=Q(min_age__gte=JUROR_MIN_AGE), name="governance_round_min_age"
            ),
            models.CheckConstraint(condition=Q(quota__gte=1), name="governance_round_quota"),
            models.CheckConstraint(
                condition=Q(status__in=RoundStatus.values),
                name="governance_jurorround_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("governance:round_detail", args=[self.public_id])

    @property
    def candidates_needed(self) -> int:
        return self.quota * self.pool_multiple


class JurorCandidate(BaseModel):
    """A person drawn for a round; the office where they live verifies and asks them."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    round = models.ForeignKey(
        JurorRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="candidates"
    )
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("verifying office"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    draw_position = models.PositiveIntegerField(_("drawn as number"))
    eligibility = models.CharField(
        _("eligibility"), max_length=10, choices=Eligibility.choices, default=Eligibility.PENDING
    )
    grounds = models.ManyToManyField(
        JurorExclusionGround, verbose_name=_("exclusion grounds found"), blank=True
    )
    consent = models.CharField(
        _("consent"), max_length=8, choices=Consent.choices, default=Consent.PENDING
    )
    verification_note = models.TextField(_("verification note"), blank=True)
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    result = models.CharField(
        _("result"), max_length=10, choices=CandidateResult.choices, default=CandidateResult.PENDING
    )
    result_reason = models.CharField(_("reason"), max_length=200, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["round", "draw_position"]
        verbose_name = _("juror candidate")
        verbose_name_plural = _("juror candidates")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "person"], name="governance_candidate_unique_person"
            ),
            models.UniqueConstraint(
                fields=["round", "draw_position"], name="governance_candidate_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} #{self.draw_position}"

    def get_absolute_url(self) -> str:
        return reverse("governance:candidate_detail", args=[self.public_id])

    @property
    def is_verified(self) -> bool:
        return self.verified_on is not None


# The "three rules" register --------------------------------------------------------------


class InterferenceRecord(BaseModel):
    """An inquiry about or interference in a case, recorded as the "three rules" require.

    Once submitted the entry is frozen: it can only be annotated (``annotations``).
    """

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("recording unit"),
        on_delete=models.PROTECT,
        related_name="interference_records",
    )
    occurred_on = models.DateField(_("date"))
    category = models.CharField(_("who"), max_length=10, choices=InterferenceCategory.choices)
    who = models.CharField(
        _("description of the person"),
        max_length=200,
        help_text=_("Post and relation to the case, as the rules ask."),
    )
    case_reference = models.CharField(_("case concerned"), max_length=200)
    what_asked = models.TextField(_("what was asked or done"))
    handling = models.TextField(_("how it was handled"))
    reported_to = models.CharField(_("reported to"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ScopedManager()

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = _("three-rules record")
        verbose_name_plural = _("three-rules records")
        indexes = [models.Index(fields=["occurred_on"], name="governance_interf_date_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=EntryStatus.values),
                name="governance_interferencerecord_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.get_category_display()}"

    def get_absolute_url(self) -> str:
        return reverse("governance:interference_detail", args=[self.public_id])

    @property
    def is_submitted(self) -> bool:
        return self.status == EntryStatus.SUBMITTED

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The rules' register is evidence: a submitted entry is never rewritten.
        if (
            self.pk
            and type(self)
            ._default_manager.filter(pk=self.pk, status=EntryStatus.SUBMITTED)
            .exists()
        ):
            raise ApplicationError(
                gettext("A submitted entry cannot be changed; add an annotation instead.")
            )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.is_submitted:
            raise ApplicationError(gettext("A submitted entry cannot be deleted."))
        return super().delete(*args, **kwargs)


class InterferenceAnnotation(BaseModel):
    """A note added to a submitted entry: append-only, never changed or removed."""

    scope_unit_field = "record__unit"

    record = models.ForeignKey(
        InterferenceRecord,
        verbose_name=_("entry"),
        on_delete=models.PROTECT,
        related_name="annotations",
    )
    text = models.TextField(_("annotation"))

    objects = ScopedManager()

    class Meta:
        ordering = ["record", "created_at", "pk"]
        verbose_name = _("annotation")
        verbose_name_plural = _("annotations")

    def __str__(self) -> str:
        return self.text[:30]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk:
            raise ApplicationError(gettext("An annotation cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ApplicationError(gettext("An annotation cannot be removed."))
