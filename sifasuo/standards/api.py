"""API of the six-good standard: an office's compliance, assessments and rectifications.

``GET /api/v1/offices/{code}/compliance/?year=2024`` answers
``{"office_code", "year", "passed", "score", "indicators": [{"code", "passed", "value",
"threshold", "explanation"}]}`` for an office in the caller's scope (404 outside it, or
without a return that year; 400 for a bad year). Without ``year``: the office's latest return.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from sifasuo.core.api import ScopedReadOnlyViewSet, ScopedViewSetMixin
from sifasuo.orgs.choices import UnitKind
from sifasuo.orgs.models import Unit
from sifasuo.standards import selectors
from sifasuo.standards.choices import AssessmentStatus, RectificationStatus
from sifasuo.standards.filtersets import RectificationFilterSet
from sifasuo.standards.models import Assessment, Rectification

FIRST_YEAR = 2000


class ComplianceIndicatorSerializer(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField(
        help_text="A check code (PREMISES_AREA …) or an indicator code of the year's framework."
    )
    passed = serializers.BooleanField()
    value = serializers.JSONField(
        allow_null=True, help_text="What was found: a number, a date (YYYY-MM-DD) or text."
    )
    threshold = serializers.JSONField(
        allow_null=True, help_text="What the standard asks for: a number, a date or text."
    )
    explanation = serializers.CharField(help_text="Why it passes or fails, in words.")


class ComplianceSerializer(serializers.Serializer):  # type: ignore[type-arg]
    office_code = serializers.CharField()
    year = serializers.IntegerField()
    passed = serializers.BooleanField(help_text="All nine automatic checks pass.")
    score = serializers.FloatField(help_text="The framework score, 0–100.")
    indicators = ComplianceIndicatorSerializer(many=True)


def _year(request: Request) -> int | None:
    raw = request.query_params.get("year") or ""
    if not raw:
        return None
    try:
        year = int(raw)
    except ValueError:
        raise ValidationError({"year": ["Give the year as four digits, e.g. 2024."]}) from None
    if not FIRST_YEAR <= year <= timezone.localdate().year + 1:
        raise ValidationError({"year": [f"The year {year} is out of range."]})
    return year


class OfficeComplianceViewSet(ScopedViewSetMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """The six-good compliance of one office in the caller's scope, for a year."""

    queryset = Unit.objects.filter(kind=UnitKind.OFFICE)
    serializer_class = ComplianceSerializer
    lookup_field = "code"
    pagination_class = None
    filter_backends: list[Any] = []

    @extend_schema(
        summary="Six-good compliance of an office",
        parameters=[
            OpenApiParameter(
                "year",
                int,
                required=False,
                description="The year of the return (default: the office's latest return).",
            )
        ],
        responses={
            200: ComplianceSerializer,
            400: OpenApiResponse(description="The year is not a valid year."),
            404: OpenApiResponse(
                description="No such office in your scope, or no return of it that year."
            ),
        },
    )
    def retrieve(self, request: Request, code: str = "", **kwargs: Any) -> Response:
        year = _year(request)
        data = selectors.compliance(user=request.user, code=code, year=year)
        return Response(ComplianceSerializer(data).data)


class AssessmentSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="public_id", read_only=True)
    office_code = serializers.CharField(source="unit.code", read_only=True)
    campaign = serializers.CharField(source="campaign.name", read_only=True)
    year = serializers.IntegerField(source="campaign.year", read_only=True)
    status = serializers.CharField(
        read_only=True, help_text="One of " + ", ".join(AssessmentStatus.values) + "."
    )
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "office_code",
            "campaign",
            "year",
            "status",
            "due_on",
            "is_overdue",
            "submitted_on",
            "district_decided_on",
            "city_decided_on",
            "submitted_score",
            "submitted_checks_passed",
        ]


class AssessmentViewSet(ScopedReadOnlyViewSet):
    """Assessments of offices in the caller's scope (the steps are taken on the pages)."""

    queryset = Assessment.objects.all()
    serializer_class = AssessmentSerializer
    lookup_field = "public_id"
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return (
            super()
            .get_queryset()
            .select_related("unit", "campaign")
            .order_by("-campaign__year", "unit__path", "pk")
        )


class RectificationSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="public_id", read_only=True)
    office_code = serializers.CharField(source="unit.code", read_only=True)
    assessment = serializers.UUIDField(source="assessment.public_id", read_only=True)
    indicator = serializers.CharField(source="indicator.code", read_only=True)
    status = serializers.CharField(
        read_only=True, help_text="One of " + ", ".join(RectificationStatus.values) + "."
    )
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Rectification
        fields = [
            "id",
            "office_code",
            "assessment",
            "indicator",
            "problem",
            "measure",
            "owner",
            "due_on",
            "status",
            "is_overdue",
            "done_on",
            "verified_on",
        ]


class RectificationViewSet(ScopedReadOnlyViewSet):
    """Rectification items of offices in the caller's scope."""

    queryset = Rectification.objects.all()
    serializer_class = RectificationSerializer
    filterset_class = RectificationFilterSet
    lookup_field = "public_id"

    def get_queryset(self) -> Any:
        return (
            super()
            .get_queryset()
            .select_related("unit", "assessment", "indicator")
            .order_by("due_on", "pk")
        )
