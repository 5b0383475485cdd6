"""API of the rule-of-law ledgers: reviews, supervision activities, drafts and opinions.

Scoped like the pages (404 out of scope, 403 without the right). A review is registered
with ``POST /reviews/`` (send ``Idempotency-Key`` to retry safely); the other endpoints read.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from sifasuo.core.api import IdempotentCreateMixin, ScopedReadOnlyViewSet
from sifasuo.governance import services
from sifasuo.governance.choices import MatterType, OpinionSource, SupervisionKind
from sifasuo.governance.filtersets import (
    DraftFilterSet,
    LegalityReviewFilterSet,
    OpinionFilterSet,
    SupervisionActivityFilterSet,
)
from sifasuo.governance.models import (
    Draft,
    DraftClause,
    LegalityReview,
    Opinion,
    RectificationRequest,
    ReviewChange,
    ReviewCheck,
    SupervisionActivity,
)
from sifasuo.orgs.choices import UnitKind
from sifasuo.orgs.models import Unit

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="Send the same key to retry safely: the record made the first time comes back.",
)


class ReviewCheckSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    item = serializers.CharField(source="item.code", read_only=True)
    item_name = serializers.CharField(source="item.name", read_only=True)

    class Meta:
        model = ReviewCheck
        fields = ["item", "item_name", "result", "note"]


class ReviewChangeSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = ReviewChange
        fields = ["position", "clause", "problem", "suggestion"]


class LegalityReviewSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="public_id", read_only=True)
    office_code = serializers.CharField(source="unit.code", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    checks = ReviewCheckSerializer(many=True, read_only=True)
    changes = ReviewChangeSerializer(many=True, read_only=True)

    class Meta:
        model = LegalityReview
        fields = [
            "id",
            "office_code",
            "number",
            "matter_type",
            "title",
            "submitting_body",
            "received_on",
            "due_on",
            "is_overdue",
            "status",
            "conclusion",
            "opinion_text",
            "opinion_issued_on",
            "adoption",
            "registration_number",
            "filed_on",
            "checks",
            "changes",
            "version",
        ]


class ReviewCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    office = serializers.SlugRelatedField(
        slug_field="code", queryset=Unit.objects.filter(kind=UnitKind.OFFICE)
    )
    matter_type = serializers.ChoiceField(choices=MatterType.choices)
    title = serializers.CharField(max_length=200)
    submitting_body = serializers.CharField(max_length=100)
    received_on = serializers.DateField()


class LegalityReviewViewSet(IdempotentCreateMixin, mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Legality reviews in the caller's scope, with the checklist and the changes asked for."""

    queryset = LegalityReview.objects.all()
    serializer_class = LegalityReviewSerializer
    create_serializer_class = ReviewCreateSerializer
    filterset_class = LegalityReviewFilterSet
    lookup_field = "public_id"

    def get_queryset(self) -> Any:
        return (
            super()
            .get_queryset()
            .select_related("unit")
            .prefetch_related(
                Prefetch("checks", queryset=ReviewCheck.objects.select_related("item")),
                "changes",
            )
            .order_by("-received_on", "-pk")
        )

    def get_filterset_kwargs(self) -> dict[str, Any]:
        return {"user": self.request.user}

    def create_record(self, data: dict[str, Any]) -> LegalityReview:
        unit = data.pop("office")
        return services.review_register(actor=self.request.user, unit=unit, **data)

    @extend_schema(
        request=ReviewCreateSerializer,
        responses={201: LegalityReviewSerializer, 200: LegalityReviewSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Register a matter; its due date follows its type's working-day rule."""
        return super().create(request, *args, **kwargs)


class SupervisionRectificationSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="public_id", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = RectificationRequest
        fields = [
            "id",
            "issue",
            "requested_on",
            "due_on",
            "is_overdue",
            "status",
            "result",
            "completed_on",
        ]


class SupervisionActivitySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="public_id", read_only=True)
    office_code = serializers.CharField(source="unit.code", read_only=True)
    activity_type = serializers.ChoiceField(
        source="kind", choices=SupervisionKind.choices, read_only=True
    )
    rectifications = SupervisionRectificationSerializer(many=True, read_only=True)

    class Meta:
        model = SupervisionActivity
        fields = [
            "id",
            "office_code",
            "enforcement_unit",
            "activity_type",
            "held_on",
            "subject",
            "findings",
            "problems_found",
            "rectifications",
        ]


class SupervisionActivityViewSet(ScopedReadOnlyViewSet):
    """Enforcement supervision activities in scope, with their rectification requests."""

    queryset = SupervisionActivity.objects.all()
    serializer_class = SupervisionActivitySerializer
    filterset_class = SupervisionActivityFilterSet
    lookup_field = "public_id"

    def get_queryset(self) -> Any:
        return (
            super()
            .get_queryset()
            .select_related("unit")
            .prefetch_related("rectifications")
            .order_by("-held_on", "-pk")
        )

    def get_filterset_kwargs(self) -> dict[str, Any]:
        return {"user": self.request.user}


class ClauseSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="public_id", read_only=True)
    opinion_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = DraftClause
        fields = ["id", "position", "heading", "text", "opinion_count"]


class DraftSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="public_id", read_only=True)
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    clauses = ClauseSerializer(many=True, read_only=True)
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = Draft
        fields = [
            "id",
            "unit_code",
            "title",
            "issuing_body",
            "introduction",
            "opens_on",
            "closes_on",
            "status",
            "is_open",
            "clauses",
        ]


class DraftViewSet(ScopedReadOnlyViewSet):
    """Drafts for comment: the bureau's own and those addressed to the caller's unit."""

    queryset = Draft.objects.all()
    serializer_class = DraftSerializer
    filterset_class = DraftFilterSet
    lookup_field = "public_id"

    def get_queryset(self) -> Any:
        clauses = DraftClause.objects.annotate(opinion_count=Count("opinions")).order_by("position")
        return (
            super()
            .get_queryset()
            .select_related("unit")
            .prefetch_related(Prefetch("clauses", queryset=clauses))
            .order_by("-opens_on", "-pk")
        )

    def get_filterset_kwargs(self) -> dict[str, Any]:
        return {"user": self.request.user}


class OpinionSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """An opinion without the commenter: a citizen is "online", an office is named."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    draft = serializers.UUIDField(source="draft.public_id", read_only=True)
    clause = serializers.SerializerMethodField()
    channel = serializers.ChoiceField(
        source="source", choices=OpinionSource.choices, read_only=True
    )
    collected_by = serializers.CharField(source="unit.code", read_only=True)

    class Meta:
        model = Opinion
        fields = [
            "id",
            "draft",
            "clause",
            "channel",
            "collected_by",
            "meeting",
            "people_count",
            "text",
            "submitted_on",
            "adoption",
            "answer_reason",
        ]

    def get_clause(self, opinion: Opinion) -> str:
        return opinion.clause.heading if opinion.clause else ""


class OpinionViewSet(ScopedReadOnlyViewSet):
    """Opinions on drafts in the caller's scope, with the answers."""

    queryset = Opinion.objects.all()
    serializer_class = OpinionSerializer
    filterset_class = OpinionFilterSet
    lookup_field = "public_id"

    def get_queryset(self) -> Any:
        return (
            super()
            .get_queryset()
            .select_related("unit", "draft", "clause")
            .order_by("draft", "clause__position", "submitted_on", "pk")
        )

    def get_filterset_kwargs(self) -> dict[str, Any]:
        return {"user": self.request.user}
