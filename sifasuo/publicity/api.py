"""API of the publicity ledgers: read in scope (phones and ID numbers masked); activities
may also be recorded (``POST``, with an ``Idempotency-Key`` to retry safely)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from sifasuo.core.api import IdempotentCreateMixin, ScopedReadOnlyViewSet
from sifasuo.orgs.choices import DivisionLevel, UnitKind
from sifasuo.orgs.models import Division, Unit
from sifasuo.publicity import filtersets, selectors, services
from sifasuo.publicity.choices import ActivityForm, Target
from sifasuo.publicity.models import (
    AdviserServiceLog,
    DemonstrationHousehold,
    DemonstrationVillage,
    LawTopic,
    LegalLiterate,
    LiterateTraining,
    PublicityActivity,
    TownAdviser,
    TownAdviserMatter,
    VillageAdviser,
)

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Any unique string; a retry with the same key creates nothing new.",
)


class _Base(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="public_id", read_only=True)
    office_code = serializers.CharField(source="unit.code", read_only=True)


class _VillageMixin(serializers.Serializer):  # type: ignore[type-arg]
    village_code = serializers.CharField(source="village.code", read_only=True, default=None)
    village_name = serializers.CharField(source="village.name", read_only=True, default=None)


class ActivitySerializer(_VillageMixin, _Base):
    laws = serializers.SlugRelatedField(  # type: ignore[var-annotated]
        slug_field="code", many=True, read_only=True
    )

    class Meta:
        model = PublicityActivity
        fields = [
            "id",
            "office_code",
            "held_on",
            "theme",
            "laws",
            "target",
            "form",
            "place",
            "village_code",
            "village_name",
            "participants",
            "materials",
            "organiser",
            "note",
            "version",
        ]


class ActivityCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    office = serializers.SlugRelatedField(
        slug_field="code", queryset=Unit.objects.filter(kind=UnitKind.OFFICE)
    )
    held_on = serializers.DateField()
    theme = serializers.CharField(max_length=200)
    laws = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=LawTopic.objects.filter(is_active=True)
    )
    target = serializers.ChoiceField(choices=Target.choices)
    form = serializers.ChoiceField(choices=ActivityForm.choices)
    place = serializers.CharField(max_length=200)
    village = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Division.objects.filter(level=DivisionLevel.VILLAGE),
        required=False,
        allow_null=True,
        default=None,
    )
    participants = serializers.IntegerField(min_value=0, default=0)
    materials = serializers.IntegerField(min_value=0, default=0)
    organiser = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class TrainingSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = LiterateTraining
        fields = ["trained_on", "hours", "topic"]


class LiterateSerializer(_VillageMixin, _Base):
    name = serializers.CharField(source="person.name", read_only=True)
    id_number = serializers.CharField(source="person.id_number_masked", read_only=True)
    phone = serializers.CharField(source="person.phone_masked", read_only=True)
    trainings = TrainingSerializer(many=True, read_only=True)

    class Meta:
        model = LegalLiterate
        fields = [
            "id",
            "office_code",
            "village_code",
            "village_name",
            "name",
            "id_number",
            "phone",
            "pool",
            "appointed_on",
            "certificate_number",
            "status",
            "removed_on",
            "trainings",
        ]


class HouseholdSerializer(_VillageMixin, _Base):
    head_name = serializers.CharField(source="head.name", read_only=True)
    head_id_number = serializers.CharField(source="head.id_number_masked", read_only=True)

    class Meta:
        model = DemonstrationHousehold
        fields = [
            "id",
            "office_code",
            "village_code",
            "village_name",
            "head_name",
            "head_id_number",
            "year",
            "status",
        ]


class ServiceLogSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = AdviserServiceLog
        fields = ["served_on", "mode", "hours", "lectures", "consultations", "matters"]


class AdviserSerializer(_VillageMixin, _Base):
    phone = serializers.CharField(source="phone_masked", read_only=True)
    logs = ServiceLogSerializer(many=True, read_only=True)

    class Meta:
        model = VillageAdviser
        fields = [
            "id",
            "office_code",
            "village_code",
            "village_name",
            "village_kind",
            "lawyer_name",
            "law_firm",
            "licence_number",
            "phone",
            "contract_start",
            "contract_end",
            "logs",
        ]


class DemonstrationVillageSerializer(_VillageMixin, _Base):
    review_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = DemonstrationVillage
        fields = [
            "id",
            "office_code",
            "village_code",
            "village_name",
            "level",
            "year",
            "designated_on",
            "review_due",
            "reviewed_on",
            "review_result",
            "review_overdue",
        ]


class MatterSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = TownAdviserMatter
        fields = ["handled_on", "matter", "kind", "outcome"]


class TownAdviserSerializer(_Base):
    phone = serializers.CharField(source="phone_masked", read_only=True)
    matters = MatterSerializer(many=True, read_only=True)

    class Meta:
        model = TownAdviser
        fields = [
            "id",
            "office_code",
            "kind",
            "name",
            "firm_or_post",
            "licence_number",
            "phone",
            "contract_start",
            "contract_end",
            "matters",
        ]


class ActivityViewSet(IdempotentCreateMixin, mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Publicity activities in the caller's scope; ``POST`` records one."""

    queryset = PublicityActivity.objects.all()
    serializer_class = ActivitySerializer
    create_serializer_class = ActivityCreateSerializer
    filterset_class = filtersets.ActivityFilterSet
    lookup_field = "public_id"

    def get_queryset(self) -> Any:
        return selectors.activity_list(user=self.request.user).order_by("-held_on", "-pk")

    def create_record(self, data: dict[str, Any]) -> PublicityActivity:
        return services.activity_create(actor=self.request.user, office=data.pop("office"), **data)

    @extend_schema(
        request=ActivityCreateSerializer,
        responses={201: ActivitySerializer, 200: ActivitySerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().create(request, *args, **kwargs)


class LegalLiterateViewSet(ScopedReadOnlyViewSet):
    """法律明白人 in the caller's scope, with their trainings (ID numbers and phones masked)."""

    queryset = LegalLiterate.objects.all()
    serializer_class = LiterateSerializer
    filterset_class = filtersets.LiterateFilterSet
    lookup_field = "public_id"

    def get_queryset(self) -> Any:
        return (
            super()
            .get_queryset()
            .select_related("unit", "village", "person")
            .prefetch_related("trainings")
            .order_by("village__code", "pk")
        )


class HouseholdViewSet(ScopedReadOnlyViewSet):
    """学法用法示范户 in the caller's scope."""

    queryset = DemonstrationHousehold.objects.all()
    serializer_class = HouseholdSerializer
    filterset_class = filtersets.HouseholdFilterSet
    lookup_field = "public_id"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("unit", "village", "head").order_by("pk")


class AdviserViewSet(ScopedReadOnlyViewSet):
    """Village legal advisers in the caller's scope, with their service logs."""

    queryset = VillageAdviser.objects.all()
    serializer_class = AdviserSerializer
    filterset_class = filtersets.AdviserFilterSet
    lookup_field = "public_id"

    def get_queryset(self) -> Any:
        return (
            super()
            .get_queryset()
            .select_related("unit", "village")
            .prefetch_related(
                Prefetch("logs", queryset=AdviserServiceLog.objects.order_by("-served_on"))
            )
            .order_by("village__code", "pk")
        )


class DemonstrationVillageViewSet(ScopedReadOnlyViewSet):
    """民主法治示范村（社区） titles in the caller's scope, with their review dates."""

    queryset = DemonstrationVillage.objects.all()
    serializer_class = DemonstrationVillageSerializer
    filterset_class = filtersets.VillageFilterSet
    lookup_field = "public_id"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("unit", "village").order_by("review_due", "pk")


class TownAdviserViewSet(ScopedReadOnlyViewSet):
    """镇街党委政府法律顾问 and 公职律师 in the caller's scope, with the matters handled."""

    queryset = TownAdviser.objects.all()
    serializer_class = TownAdviserSerializer
    filterset_class = filtersets.TownAdviserFilterSet
    lookup_field = "public_id"

    def get_queryset(self) -> Any:
        return (
            super()
            .get_queryset()
            .select_related("unit")
            .prefetch_related("matters")
            .order_by("-contract_end", "pk")
        )
