"""The rule-of-law items of the workbench's to-do list: what falls due, and what is overdue."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sifasuo.core.scope import unit_reach_q
from sifasuo.core.todos import Todo, register
from sifasuo.governance.choices import (
    OPEN_REVIEW_STATUSES,
    DraftStatus,
    EntryStatus,
    RectificationStatus,
    RoundStatus,
)
from sifasuo.governance.models import (
    Draft,
    InterferenceRecord,
    JurorCandidate,
    LegalityReview,
    RectificationRequest,
)
from sifasuo.orgs.models import Unit

# How far ahead an item shows before it falls due; overdue items show until done.
HORIZON_DAYS = 7
LIMIT = 50


@register
def governance_todos(user: Any) -> list[Todo]:
    """Reviews to issue, rectifications to check, candidates to verify, opinions to answer."""
    if getattr(user, "unit", None) is None:
        return []
    today = timezone.localdate()
    horizon = today + timedelta(days=HORIZON_DAYS)
    items: list[Todo] = []
    reviews = (
        LegalityReview.objects.visible_to(user, "change")
        .filter(status__in=OPEN_REVIEW_STATUSES, due_on__lte=horizon)
        .only("public_id", "number", "title", "due_on")
        .order_by("due_on", "pk")[:LIMIT]
    )
    for review in reviews:
        items.append(
            Todo(
                _("Issue the legality-review opinion on %(n)s %(t)s")
                % {"n": review.number, "t": review.title},
                reverse("governance:review_detail", args=[review.public_id]),
                review.due_on,
            )
        )
    rectifications = (
        RectificationRequest.objects.visible_to(user, "change")
        .filter(status=RectificationStatus.OPEN, due_on__lte=horizon)
        .select_related("activity")
        .order_by("due_on", "pk")[:LIMIT]
    )
    for r in rectifications:
        items.append(
            Todo(
                _("Check the rectification at %(unit)s") % {"unit": r.activity.enforcement_unit},
                reverse("governance:supervision_detail", args=[r.activity.public_id]),
                r.due_on,
            )
        )
    pending = (
        JurorCandidate.objects.visible_to(user, "change")
        .filter(round__status=RoundStatus.DRAWN, verified_on__isnull=True)
        .values("round__public_id", "round__title", "round__verify_by")
        .annotate(n=Count("pk"))
        .order_by("round__verify_by")[:LIMIT]
    )
    for row in pending:
        items.append(
            Todo(
                _("Verify %(n)d juror candidates of %(round)s")
                % {"n": row["n"], "round": row["round__title"]},
                reverse("governance:round_detail", args=[row["round__public_id"]]),
                row["round__verify_by"],
            )
        )
    answerable = Unit.objects.filter(unit_reach_q(user, Draft, "change"))
    drafts = (
        Draft.objects.filter(unit__in=answerable, status=DraftStatus.PUBLISHED)
        .annotate(unanswered=Count("opinions", filter=Q(opinions__adoption="")))
        .filter(unanswered__gt=0, closes_on__lte=horizon)
        .order_by("closes_on")[:LIMIT]
    )
    for draft in drafts:
        items.append(
            Todo(
                _("Answer %(n)d opinions on %(t)s") % {"n": draft.unanswered, "t": draft.title},  # type: ignore[attr-defined]
                reverse("governance:draft_detail", args=[draft.public_id]),
                draft.closes_on,
            )
        )
    drafts_entries = (
        InterferenceRecord.objects.visible_to(user, "change")
        .filter(status=EntryStatus.DRAFT)
        .order_by("occurred_on")[:LIMIT]
    )
    for entry in drafts_entries:
        items.append(
            Todo(
                _("Submit the three-rules entry of %(d)s") % {"d": entry.occurred_on},
                reverse("governance:interference_detail", args=[entry.public_id]),
                None,
            )
        )
    return items
