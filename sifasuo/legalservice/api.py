"""API of the public legal service ledgers: consultations, appointments, legal aid, slots.

The same services as the pages: what a page refuses, the API refuses with the same message.
Personal values are masked.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from sifasuo.core.api import IdempotentCreateMixin, ScopedReadOnlyViewSet
from sifasuo.core.errors import ApplicationError
from sifasuo.legalservice import selectors, services
from sifasuo.legalservice.choices import BookingChannel, Channel, Referral
from sifasuo.legalservice.filtersets import (
    AppointmentFilterSet,
    ConsultationFilterSet,
    LegalAidFilterSet,
)
from sifasuo.legalservice.models import (
    Appointment,
    Consultation,
    ConsultationTopic,
    LegalAidApplication,
    ServiceSlot,
)
from sifasuo.orgs.selectors import unit_for_user
from sifasuo.people.models import Person

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Any unique string; a retry with the same key creates nothing new.",
)
STAFF_CHANNELS = [c for c in Channel.choices if c[0] != Channel.ONLINE]


def _person(user: Any, public_id: Any) -> Person | None:
    """A registry person in the caller's scope (the same answer for missing and hidden)."""
    if not public_id:
        return None
    person = Person.objects.visible_to(user).filter(public_id=public_id).first()
    if person is None:
        raise ApplicationError(_("No such person in your scope."), field="person_id")
    return person


class ConsultationSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="public_id", read_only=True)
    office_code = serializers.CharField(source="unit.code", read_only=True)
    topic = serializers.CharField(source="topic.code", read_only=True)
    person_id = serializers.UUIDField(source="person.public_id", read_only=True, allow_null=True)
    person_name = serializers.CharField(source="who", read_only=True)
    answered_by = serializers.CharField(source="answered_by.username", read_only=True, default="")
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Consultation
        fields = [
            "id",
            "office_code",
            "channel",
            "status",
            "topic",
            "person_id",
            "person_name",
            "question",
            "received_on",
            "answer_due",
            "is_overdue",
            "answer",
            "answered_by",
            "answered_on",
            "duration_minutes",
            "referral",
            "referral_note",
            "version",
        ]


class ConsultationCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    office = serializers.CharField(max_length=20, help_text="The office's unit code.")
    channel = serializers.ChoiceField(choices=STAFF_CHANNELS)
    topic = serializers.SlugRelatedField(
        slug_field="code", queryset=ConsultationTopic.objects.filter(is_active=True)
    )
    question = serializers.CharField()
    received_on = serializers.DateField()
    person_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    answer = serializers.CharField(required=False, allow_blank=True, default="")
    duration_minutes = serializers.IntegerField(
        min_value=0, max_value=600, required=False, allow_null=True, default=None
    )
    referral = serializers.ChoiceField(
        choices=Referral.choices, required=False, allow_blank=True, default=""
    )
    referral_note = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )


class AnswerSerializer(serializers.Serializer):  # type: ignore[type-arg]
    answer = serializers.CharField()
    duration_minutes = serializers.IntegerField(
        min_value=0, max_value=600, required=False, allow_null=True, default=None
    )
    referral = serializers.ChoiceField(
        choices=Referral.choices, required=False, allow_blank=True, default=""
    )
    referral_note = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class ConsultationViewSet(IdempotentCreateMixin, mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Legal consultations in the caller's scope.

    ``POST`` records one (send ``Idempotency-Key`` to retry safely);
    ``POST /consultations/{id}/answer/`` answers a pending one.
    """

    queryset = Consultation.objects.all()
    serializer_class = ConsultationSerializer
    create_serializer_class = ConsultationCreateSerializer
    filterset_class = ConsultationFilterSet
    lookup_field = "public_id"

    def get_queryset(self) -> Any:
        return (
            super()
            .get_queryset()
            .select_related("unit", "topic", "person", "answered_by")
            .order_by("-received_on", "-pk")
        )

    def get_filterset_kwargs(self) -> dict[str, Any]:
        return {"user": self.request.user}

    def scope_action(self) -> str:
        if self.action == "answer":
            return "change"
        return super().scope_action()

    def create_record(self, data: dict[str, Any]) -> Consultation:
        user = self.request.user
        office = unit_for_user(user=user, code=data.pop("office"))
        person = _person(user, data.pop("person_id"))
        return services.consultation_create(actor=user, office=office, person=person, **data)

    @extend_schema(
        request=ConsultationCreateSerializer,
        responses={201: ConsultationSerializer, 200: ConsultationSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().create(request, *args, **kwargs)

    @extend_schema(request=AnswerSerializer, responses={200: ConsultationSerializer})
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, public_id: str | None = None, **kwargs: Any) -> Response:
        """Answer a pending consultation (an online one's answer reaches the citizen)."""
        consultation = self.get_object()
        serializer = AnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.consultation_answer(
            actor=request.user, consultation=consultation, **serializer.validated_data
        )
        return Response(ConsultationSerializer(self.get_queryset().get(pk=consultation.pk)).data)


class SlotSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="public_id", read_only=True)
    office_code = serializers.CharField(source="unit.code", read_only=True)
    remaining = serializers.IntegerField(read_only=True)

    class Meta:
        model = ServiceSlot
        fields = [
            "id",
            "office_code",
            "service",
            "date",
            "start_time",
            "end_time",
            "capacity",
            "booked",
            "remaining",
            "place",
            "is_open",
        ]


class SlotViewSet(ScopedReadOnlyViewSet):
    """Appointment slots of the offices in the caller's scope (the coming ones)."""

    queryset = ServiceSlot.objects.all()
    serializer_class = SlotSerializer
    lookup_field = "public_id"

    def get_queryset(self) -> Any:
        if self.action == "list":
            return selectors.slot_list(user=self.request.user)
        return super().get_queryset().select_related("unit")


class AppointmentSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="public_id", read_only=True)
    office_code = serializers.CharField(source="unit.code", read_only=True)
    slot = SlotSerializer(read_only=True)
    person_id = serializers.UUIDField(source="person.public_id", read_only=True, allow_null=True)
    name = serializers.CharField(source="who", read_only=True)
    phone = serializers.CharField(source="phone_masked", read_only=True)

    class Meta:
        model = Appointment
        fields = [
            "id",
            "office_code",
            "slot",
            "date",
            "channel",
            "status",
            "person_id",
            "name",
            "phone",
            "matter",
            "reminded_at",
            "outcome_on",
            "outcome_note",
            "version",
        ]


class AppointmentCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    slot = serializers.UUIDField(help_text="The slot's id.")
    person_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    contact_name = serializers.CharField(
        max_length=60, required=False, allow_blank=True, default=""
    )
    contact_phone = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default=""
    )
    matter = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class AppointmentViewSet(IdempotentCreateMixin, mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Appointments in the caller's scope; ``POST`` books a slot at the counter."""

    queryset = Appointment.objects.all()
    serializer_class = AppointmentSerializer
    create_serializer_class = AppointmentCreateSerializer
    filterset_class = AppointmentFilterSet
    lookup_field = "public_id"

    def get_queryset(self) -> Any:
        return (
            super()
            .get_queryset()
            .select_related("unit", "slot", "slot__unit", "person")
            .order_by("-date", "-pk")
        )

    def get_filterset_kwargs(self) -> dict[str, Any]:
        return {"user": self.request.user}

    def create_record(self, data: dict[str, Any]) -> Appointment:
        user = self.request.user
        slot = selectors.slot_for_user(user=user, public_id=data.pop("slot"), action="create")
        person = _person(user, data.pop("person_id"))
        return services.appointment_book(
            actor=user, slot=slot, channel=BookingChannel.COUNTER, person=person, **data
        )

    @extend_schema(
        request=AppointmentCreateSerializer,
        responses={201: AppointmentSerializer, 200: AppointmentSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().create(request, *args, **kwargs)


class CriterionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    passed = serializers.BooleanField()
    reason = serializers.CharField()


class LegalAidSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="public_id", read_only=True)
    office_code = serializers.CharField(source="unit.code", read_only=True)
    case_type = serializers.CharField(source="case_type.code", read_only=True)
    # Plain text, not an enum: the consultations' component names the channel enum.
    channel = serializers.CharField(read_only=True, help_text="WALK_IN, PHONE, ONLINE or HOTLINE")
    applicant = serializers.CharField(source="applicant_display", read_only=True)
    per_capita_income = serializers.DecimalField(
        max_digits=12, decimal_places=2, read_only=True, min_value=Decimal("0")
    )
    criteria = CriterionSerializer(source="eligibility_reasons", many=True, read_only=True)
    materials_missing = serializers.ListField(child=serializers.CharField(), read_only=True)
    transfer_unit_code = serializers.CharField(
        source="transfer_unit.code", read_only=True, default=""
    )
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = LegalAidApplication
        fields = [
            "id",
            "office_code",
            "channel",
            "status",
            "applicant",
            "case_type",
            "received_on",
            "household_size",
            "monthly_household_income",
            "per_capita_income",
            "income_limit",
            "exempt_categories",
            "eligibility",
            "criteria",
            "materials_received",
            "materials_missing",
            "transfer_due",
            "is_overdue",
            "transferred_on",
            "transfer_unit_code",
            "decision",
            "decided_on",
            "decision_reason",
            "version",
        ]


class LegalAidViewSet(ScopedReadOnlyViewSet):
    """Legal aid pre-applications in the caller's scope, with the eligibility explained."""

    queryset = LegalAidApplication.objects.all()
    serializer_class = LegalAidSerializer
    filterset_class = LegalAidFilterSet
    lookup_field = "public_id"

    def get_queryset(self) -> Any:
        return (
            super()
            .get_queryset()
            .select_related("unit", "case_type", "person", "transfer_unit")
            .order_by("-received_on", "-pk")
        )

    def get_filterset_kwargs(self) -> dict[str, Any]:
        return {"user": self.request.user}
