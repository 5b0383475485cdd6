"""The resettlement API: released persons (masked) and remote visitation requests, scoped.

Read-only: the office works the files on the pages (each step a service call). Reading one
released person writes a ``view`` audit row, as the page does.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from sifasuo.core import audit
from sifasuo.core.api import ScopedReadOnlyViewSet
from sifasuo.core.masking import mask
from sifasuo.resettlement.filtersets import ReleasedPersonFilterSet, VisitationFilterSet
from sifasuo.resettlement.models import ReleasedPerson, VisitationRequest


class ReleasedPersonSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """A file with every personal value masked (name, document number, crime, sentence)."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    office = serializers.CharField(source="unit.code", read_only=True)
    office_name = serializers.CharField(source="unit.name", read_only=True)
    name = serializers.SerializerMethodField()
    id_number = serializers.CharField(source="person.id_number_masked", read_only=True)
    crime = serializers.CharField(source="crime_masked", read_only=True)
    sentence = serializers.CharField(source="sentence_masked", read_only=True)
    next_deadline = serializers.SerializerMethodField()
    next_deadline_due = serializers.SerializerMethodField()
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)

    class Meta:
        model = ReleasedPerson
        fields = [
            "id",
            "office",
            "office_name",
            "name",
            "id_number",
            "release_type",
            "released_on",
            "prison",
            "crime",
            "sentence",
            "period_years",
            "period_end",
            "is_key_person",
            "status",
            "notice_received_on",
            "handed_over_on",
            "handover_method",
            "reported_on",
            "agreement_signed_on",
            "risk_level",
            "next_deadline",
            "next_deadline_due",
            "overdue",
        ]

    def get_name(self, rp: ReleasedPerson) -> str:
        return mask(rp.person.name, "name")

    def get_next_deadline(self, rp: ReleasedPerson) -> str:
        deadline = rp.next_deadline
        return deadline.code if deadline else ""

    def get_next_deadline_due(self, rp: ReleasedPerson) -> str | None:
        deadline = rp.next_deadline
        return deadline.due.isoformat() if deadline else None


@extend_schema_view(
    list=extend_schema(summary="Released persons in scope (masked)"),
    retrieve=extend_schema(summary="One released person (masked; the read is audited)"),
)
class ReleasedPersonViewSet(ScopedReadOnlyViewSet):
    """Released persons (刑满释放人员) in the caller's scope; filters as on the list page."""

    queryset = ReleasedPerson.objects.all()
    serializer_class = ReleasedPersonSerializer
    filterset_class = ReleasedPersonFilterSet
    lookup_field = "public_id"

    def get_queryset(self) -> Any:
        return (
            super()
            .get_queryset()
            .select_related("person", "unit", "unit__parent")
            .order_by("-released_on", "-pk")
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        rp = self.get_object()
        audit.record("view", actor=request.user, obj=rp)
        return Response(self.get_serializer(rp).data)


class VisitationSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="public_id", read_only=True)
    office = serializers.CharField(source="unit.code", read_only=True)
    prisoner_name = serializers.SerializerMethodField()
    visitors = serializers.SerializerMethodField()

    class Meta:
        model = VisitationRequest
        fields = [
            "id",
            "office",
            "channel",
            "status",
            "applied_on",
            "prisoner_name",
            "prison",
            "relationship",
            "visitors",
            "forwarded_on",
            "slot_at",
            "held_on",
            "outcome_note",
        ]

    def get_prisoner_name(self, request: VisitationRequest) -> str:
        return mask(request.prisoner_name, "name")

    def get_visitors(self, request: VisitationRequest) -> int:
        return len(request.visitors.all())


@extend_schema_view(
    list=extend_schema(summary="Remote visitation requests in scope"),
    retrieve=extend_schema(summary="One remote visitation request"),
)
class VisitationViewSet(ScopedReadOnlyViewSet):
    """Remote visitation requests (远程探视) of the offices in the caller's scope."""

    queryset = VisitationRequest.objects.all()
    serializer_class = VisitationSerializer
    filterset_class = VisitationFilterSet
    lookup_field = "public_id"

    def get_queryset(self) -> Any:
        return (
            super()
            .get_queryset()
            .select_related("unit")
            .prefetch_related("visitors")
            .order_by("-applied_on", "-pk")
        )
