"""API of community correction: subjects (masked), reports and visits, rewards and sanctions.

Read-only lists and details in the caller's scope (a subject's detail is a read of a
sensitive record: one audit row), and ``POST /subjects/{id}/reports/`` to record a report
or visit through the same service as the page.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from sifasuo.core import audit
from sifasuo.core.api import ScopedReadOnlyViewSet
from sifasuo.correction import services
from sifasuo.correction.choices import ContactKind
from sifasuo.correction.filtersets import CorrectionSubjectFilterSet
from sifasuo.correction.models import Contact, CorrectionSubject, DisciplinaryMeasure, masked_text


class SubjectSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="public_id", read_only=True)
    office_code = serializers.CharField(source="unit.code", read_only=True)
    entrusting_agency_code = serializers.CharField(source="entrusting_agency.code", read_only=True)
    person_id = serializers.UUIDField(source="person.public_id", read_only=True)
    name = serializers.CharField(source="person.name", read_only=True)
    id_number = serializers.CharField(source="person.id_number_masked", read_only=True)
    crime = serializers.CharField(source="crime_masked", read_only=True)
    sentence = serializers.CharField(source="sentence_masked", read_only=True)
    prohibition_content = serializers.CharField(source="prohibition_content_masked", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = CorrectionSubject
        fields = [
            "id",
            "office_code",
            "entrusting_agency_code",
            "person_id",
            "name",
            "id_number",
            "category",
            "decision_organ",
            "decision_document",
            "judgment_effective_on",
            "crime",
            "sentence",
            "period_start",
            "period_end",
            "supervision_class",
            "status",
            "has_prohibition_order",
            "prohibition_content",
            "is_five_alone",
            "is_five_involved",
            "has_four_histories",
            "report_in_due",
            "received_on",
            "announced_on",
            "last_report_on",
            "report_due",
            "last_visit_on",
            "visit_due",
            "is_overdue",
            "ended_on",
            "end_reason",
            "certificate_number",
            "version",
        ]


class ContactSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="public_id", read_only=True)
    subject_id = serializers.UUIDField(source="subject.public_id", read_only=True)
    notes = serializers.SerializerMethodField()
    was_late = serializers.BooleanField(read_only=True)

    class Meta:
        model = Contact
        fields = ["id", "subject_id", "kind", "occurred_on", "due_on", "was_late", "notes"]

    def get_notes(self, contact: Contact) -> str:
        return masked_text(contact.notes)


class ContactCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    kind = serializers.ChoiceField(choices=ContactKind.choices)
    occurred_on = serializers.DateField()
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class MeasureSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="public_id", read_only=True)
    subject_id = serializers.UUIDField(source="subject.public_id", read_only=True)
    rule = serializers.CharField(source="rule.code", read_only=True, allow_null=True)

    class Meta:
        model = DisciplinaryMeasure
        fields = ["id", "subject_id", "kind", "status", "rule", "proposed_on", "decided_on"]


class SubjectViewSet(ScopedReadOnlyViewSet):
    """Correction subjects in the caller's scope; criminal history and ID numbers masked.

    Filters: ``office``, ``district`` (unit codes; out of scope → 404), ``category``,
    ``supervision_class``, ``status``, ``due``, ``overdue``. Reading one subject is audited.
    """

    queryset = CorrectionSubject.objects.all()
    serializer_class = SubjectSerializer
    filterset_class = CorrectionSubjectFilterSet
    lookup_field = "public_id"

    def get_queryset(self) -> Any:
        return (
            super()
            .get_queryset()
            .select_related("unit", "entrusting_agency", "person")
            .order_by("unit__path", "-period_start", "pk")
        )

    def get_filterset_kwargs(self) -> dict[str, Any]:
        return {"user": self.request.user}

    def scope_action(self) -> str:
        if self.action == "reports" and self.request.method == "POST":
            return "change"
        return super().scope_action()

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        subject = self.get_object()
        audit.record("view", actor=request.user, obj=subject)
        return Response(self.get_serializer(subject).data)

    @extend_schema(
        request=ContactCreateSerializer,
        responses={200: ContactSerializer(many=True), 201: ContactSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def reports(self, request: Request, public_id: str | None = None, **kwargs: Any) -> Response:
        """The subject's reports and visits; ``POST`` records one."""
        subject = self.get_object()
        if request.method == "POST":
            serializer = ContactCreateSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            contact = services.contact_record(
                actor=request.user, subject=subject, **serializer.validated_data
            )
            return Response(ContactSerializer(contact).data, status=201)
        contacts = subject.contacts.select_related("subject").order_by("-occurred_on", "-pk")
        return Response(ContactSerializer(contacts, many=True).data)


class ContactViewSet(ScopedReadOnlyViewSet):
    """Reports and field visits of the subjects in the caller's scope (notes masked)."""

    queryset = Contact.objects.all()
    serializer_class = ContactSerializer
    lookup_field = "public_id"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("subject").order_by("-occurred_on", "-pk")


class MeasureViewSet(ScopedReadOnlyViewSet):
    """Rewards and sanctions of the subjects in the caller's scope."""

    queryset = DisciplinaryMeasure.objects.all()
    serializer_class = MeasureSerializer
    lookup_field = "public_id"

    def get_queryset(self) -> Any:
        return (
            super().get_queryset().select_related("subject", "rule").order_by("-proposed_on", "-pk")
        )
