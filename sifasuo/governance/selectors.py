"""Reads of the rule-of-law ledgers, always through scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from sifasuo.core.scope import get_for_user, unit_reach_q
from sifasuo.governance.choices import (
    CandidateResult,
    DraftStatus,
    Eligibility,
    EntryStatus,
    OpinionSource,
)
from sifasuo.governance.models import (
    Draft,
    DraftClause,
    InterferenceRecord,
    JurorCandidate,
    JurorRound,
    LegalityReview,
    Opinion,
    RectificationRequest,
    SupervisionActivity,
)
from sifasuo.orgs.choices import UnitKind
from sifasuo.orgs.models import Unit

# Legality review -------------------------------------------------------------------------


def review_list(*, user: Any) -> QuerySet[LegalityReview]:
    """Reviews in scope, with their office and reviewer."""
    return LegalityReview.objects.visible_to(user).select_related("unit", "reviewer")


def review_for_user(*, user: Any, public_id: Any, action: str = "view") -> LegalityReview:
    """One review: 404 alike for missing and out of scope, 403 without the right."""
    return get_for_user(
        LegalityReview.objects.select_related("unit", "reviewer"), user, action, public_id=public_id
    )


def units_for_choice(*, user: Any, model: type[Any], kinds: tuple[str, ...]) -> QuerySet[Unit]:
    """Units of ``kinds`` where ``user`` may create records of ``model``."""
    return Unit.objects.filter(
        unit_reach_q(user, model, "create"), kind__in=kinds, is_active=True
    ).order_by("path")


def offices_for_choice(*, user: Any, model: type[Any]) -> QuerySet[Unit]:
    return units_for_choice(user=user, model=model, kinds=(UnitKind.OFFICE,))


# Enforcement supervision -----------------------------------------------------------------


def supervision_list(*, user: Any) -> QuerySet[SupervisionActivity]:
    """Supervision activities in scope with the count of open rectifications."""
    return (
        SupervisionActivity.objects.visible_to(user)
        .select_related("unit")
        .annotate(
            open_rectifications=Count(
                "rectifications", filter=Q(rectifications__status="OPEN"), distinct=True
            ),
            overdue_rectifications=Count(
                "rectifications",
                filter=Q(
                    rectifications__status="OPEN",
                    rectifications__due_on__lt=timezone.localdate(),
                ),
                distinct=True,
            ),
        )
        .order_by("-held_on", "-pk")
    )


def supervision_for_user(*, user: Any, public_id: Any, action: str = "view") -> SupervisionActivity:
    return get_for_user(
        SupervisionActivity.objects.select_related("unit"), user, action, public_id=public_id
    )


def rectification_for_user(
    *, user: Any, public_id: Any, action: str = "view"
) -> RectificationRequest:
    return get_for_user(
        RectificationRequest.objects.select_related("activity", "activity__unit"),
        user,
        action,
        public_id=public_id,
    )


# Legislative opinions --------------------------------------------------------------------


def draft_list(*, user: Any) -> QuerySet[Draft]:
    """Drafts in scope (their own bureau's, and those addressed to the user's unit)."""
    return (
        Draft.objects.visible_to(user)
        .select_related("unit")
        .annotate(
            opinion_count=Count("opinions", distinct=True),
            unanswered_count=Count("opinions", filter=Q(opinions__adoption=""), distinct=True),
        )
        .order_by("-opens_on", "-pk")
    )


def draft_for_user(*, user: Any, public_id: Any, action: str = "view") -> Draft:
    return get_for_user(Draft.objects.select_related("unit"), user, action, public_id=public_id)


def draft_opinions(*, user: Any, draft: Draft) -> QuerySet[Opinion]:
    """The opinions on ``draft`` that ``user`` may see (all of them for the bureau)."""
    return (
        Opinion.objects.visible_to(user)
        .filter(draft=draft)
        .select_related("unit", "clause")
        .order_by("clause__position", "submitted_on", "pk")
    )


def opinion_list(*, user: Any) -> QuerySet[Opinion]:
    """Opinions in scope, every draft (the ledger of opinions gathered and answered)."""
    return Opinion.objects.visible_to(user).select_related("unit", "draft", "clause")


def opinion_for_user(*, user: Any, public_id: Any, action: str = "view") -> Opinion:
    return get_for_user(
        Opinion.objects.select_related("unit", "draft", "draft__unit", "clause"),
        user,
        action,
        public_id=public_id,
    )


def public_drafts() -> QuerySet[Draft]:
    """Drafts open for comment today, for the public pages: counts only, no one's data."""
    today = timezone.localdate()
    return (
        Draft.objects.filter(status=DraftStatus.PUBLISHED, opens_on__lte=today)
        .select_related("unit")
        .annotate(opinion_count=Count("opinions", distinct=True))
        .order_by("closes_on", "pk")
    )


def public_draft(*, public_id: Any) -> Draft:
    """A published draft (open or closed) by its id; 404 for one still being prepared."""
    from django.http import Http404

    try:
        return public_drafts().get(public_id=public_id)
    except (Draft.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def public_clauses(draft: Draft) -> QuerySet[DraftClause]:
    """The clauses with how many opinions each has had (a count, nothing more)."""
    return draft.clauses.annotate(opinion_count=Count("opinions")).order_by("position")


def my_opinions(*, citizen: Any) -> QuerySet[Opinion]:
    """A citizen's own comments with the answers."""
    return (
        Opinion.objects.filter(citizen=citizen, source=OpinionSource.ONLINE)
        .select_related("draft", "clause")
        .order_by("-submitted_on", "-pk")
    )


# Juror selection -------------------------------------------------------------------------


def round_list(*, user: Any) -> QuerySet[JurorRound]:
    """Rounds in scope: the district's own, and those with candidates at the user's office."""
    return (
        JurorRound.objects.visible_to(user)
        .select_related("unit")
        .annotate(
            candidate_count=Count("candidates", distinct=True),
            verified_count=Count(
                "candidates", filter=~Q(candidates__eligibility=Eligibility.PENDING), distinct=True
            ),
            selected_count=Count(
                "candidates",
                filter=Q(candidates__result=CandidateResult.SELECTED),
                distinct=True,
            ),
        )
        .order_by("-created_at", "-pk")
    )


def round_for_user(*, user: Any, public_id: Any, action: str = "view") -> JurorRound:
    return get_for_user(
        JurorRound.objects.select_related("unit"), user, action, public_id=public_id
    )


def round_candidates(*, user: Any, juror_round: JurorRound) -> QuerySet[JurorCandidate]:
    """The candidates of a round that ``user`` may see (an office: its own)."""
    return (
        JurorCandidate.objects.visible_to(user)
        .filter(round=juror_round)
        .select_related("unit", "person")
        .prefetch_related("grounds")
        .order_by("draw_position")
    )


def round_progress(*, juror_round: JurorRound, user: Any) -> list[dict[str, Any]]:
    """Per office: candidates drawn, verified, agreeing, selected (one grouped query)."""
    rows = (
        JurorCandidate.objects.visible_to(user)
        .filter(round=juror_round)
        .values("unit__code", "unit__name")
        .annotate(
            drawn=Count("pk"),
            verified=Count("pk", filter=Q(verified_on__isnull=False)),
            agreed=Count("pk", filter=Q(consent="AGREED", eligibility=Eligibility.ELIGIBLE)),
            selected=Count("pk", filter=Q(result=CandidateResult.SELECTED)),
        )
        .order_by("unit__code")
    )
    return list(rows)


def candidate_for_user(*, user: Any, public_id: Any, action: str = "view") -> JurorCandidate:
    return get_for_user(
        JurorCandidate.objects.select_related("round", "round__unit", "unit", "person"),
        user,
        action,
        public_id=public_id,
    )


# The "three rules" register --------------------------------------------------------------


def interference_list(*, user: Any) -> QuerySet[InterferenceRecord]:
    return InterferenceRecord.objects.visible_to(user).select_related("unit")


def interference_for_user(*, user: Any, public_id: Any, action: str = "view") -> InterferenceRecord:
    return get_for_user(
        InterferenceRecord.objects.select_related("unit", "submitted_by"),
        user,
        action,
        public_id=public_id,
    )


def interference_counts(*, records: QuerySet[InterferenceRecord]) -> list[dict[str, Any]]:
    """Submitted entries per recording unit and category: what the district and city watch."""
    return list(
        records.filter(status=EntryStatus.SUBMITTED)
        .order_by()
        .values("unit__code", "unit__name")
        .annotate(
            total=Count("pk"),
            leader=Count("pk", filter=Q(category="LEADER")),
            insider=Count("pk", filter=Q(category="INSIDER")),
            relation=Count("pk", filter=Q(category="RELATION")),
        )
        .order_by("unit__code")
    )
