"""API of the mediation ledger: committees, mediators, cases and one endpoint per step.

The same services as the pages: a step the page refuses, the API refuses with the same
message (400, or 409 for a stale ``version``).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from sifasuo.core.api import IdempotentCreateMixin, ScopedReadOnlyViewSet
from sifasuo.mediation import selectors, services
from sifasuo.mediation.choices import (
    CaseSource,
    ConfirmationResult,
    Outcome,
    PartyKind,
    PartyRole,
    Performance,
    RecordKind,
    ReferralOrgan,
    RefusalReason,
    Satisfaction,
    TransferKind,
    VisitMethod,
)
from sifasuo.mediation.filtersets import MediationCaseFilterSet
from sifasuo.mediation.models import (
    CaseParty,
    CaseTransfer,
    DisputeCategory,
    MediationCase,
    Mediator,
)
from sifasuo.orgs.choices import UnitKind
from sifasuo.orgs.models import Unit
from sifasuo.people.choices import IdType, Sex


class CommitteeSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    parent_code = serializers.CharField(source="parent.code", read_only=True)
    committee_type = serializers.SerializerMethodField()
    member_count = serializers.IntegerField(read_only=True)
    mediator_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Unit
        fields = ["code", "name", "parent_code", "committee_type", "member_count", "mediator_count"]

    def get_committee_type(self, unit: Unit) -> str:
        profile = getattr(unit, "mediation_profile", None)
        return profile.committee_type if profile else ""


class CommitteeViewSet(ScopedReadOnlyViewSet):
    """Mediation committees in the caller's scope, with their type and membership."""

    queryset = Unit.objects.filter(kind=UnitKind.COMMITTEE)
    serializer_class = CommitteeSerializer
    lookup_field = "code"

    def get_queryset(self) -> Any:
        return selectors.committee_list(user=self.request.user)


class MediatorSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="public_id", read_only=True)
    committee_code = serializers.CharField(source="unit.code", read_only=True)
    name = serializers.CharField(source="person.name", read_only=True)
    sex = serializers.CharField(source="person.sex", read_only=True)

    class Meta:
        model = Mediator
        fields = [
            "id",
            "committee_code",
            "name",
            "sex",
            "position",
            "employment",
            "training_hours",
            "is_active",
        ]


class MediatorViewSet(ScopedReadOnlyViewSet):
    """Mediators of the committees in the caller's scope."""

    queryset = Mediator.objects.all()
    serializer_class = MediatorSerializer
    lookup_field = "public_id"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("unit", "person").order_by("unit__path", "pk")


class PartySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    name = serializers.CharField(source="display_name", read_only=True)
    person_id = serializers.UUIDField(source="person.public_id", read_only=True, allow_null=True)
    id_number = serializers.SerializerMethodField()

    class Meta:
        model = CaseParty
        fields = ["role", "kind", "name", "person_id", "id_number"]

    def get_id_number(self, party: CaseParty) -> str:
        return party.person.id_number_masked if party.person else ""


class CaseSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="public_id", read_only=True)
    committee_code = serializers.CharField(source="unit.code", read_only=True)
    accepted_by_code = serializers.CharField(
        source="accepted_unit.code", read_only=True, allow_null=True
    )
    category = serializers.CharField(source="category.code", read_only=True)
    parties = PartySerializer(many=True, read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = MediationCase
        fields = [
            "id",
            "number",
            "status",
            "committee_code",
            "accepted_by_code",
            "source",
            "referral_organ",
            "category",
            "summary",
            "amount_involved",
            "people_involved",
            "received_on",
            "accepted_on",
            "conclude_due",
            "is_overdue",
            "refusal_reason",
            "outcome",
            "concluded_on",
            "agreement_amount",
            "performance_deadline",
            "performance",
            "confirmation_due",
            "confirmation_result",
            "return_visit_due",
            "closed_on",
            "parties",
            "version",
        ]


class PartyInputSerializer(serializers.Serializer):  # type: ignore[type-arg]
    role = serializers.ChoiceField(choices=PartyRole.choices)
    kind = serializers.ChoiceField(choices=PartyKind.choices, default=PartyKind.PERSON)
    name = serializers.CharField(max_length=100)
    id_type = serializers.ChoiceField(choices=IdType.choices, default=IdType.RESIDENT_ID)
    id_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    sex = serializers.ChoiceField(choices=Sex.choices, default=Sex.UNKNOWN)


class CaseCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    committee = serializers.SlugRelatedField(
        slug_field="code", queryset=Unit.objects.filter(kind=UnitKind.COMMITTEE)
    )
    source = serializers.ChoiceField(choices=CaseSource.choices)  # type: ignore[assignment]
    referral_organ = serializers.ChoiceField(
        choices=ReferralOrgan.choices, required=False, allow_blank=True, default=""
    )
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=DisputeCategory.objects.filter(is_active=True)
    )
    summary = serializers.CharField()
    received_on = serializers.DateField()
    amount_involved = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0"), default=Decimal("0")
    )
    people_involved = serializers.IntegerField(min_value=1, default=2)
    parties = PartyInputSerializer(many=True)


class VersionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class AcceptSerializer(VersionSerializer):
    accepted_on = serializers.DateField()
    mediators = serializers.ListField(child=serializers.UUIDField(), required=False, default=list)


class RefuseSerializer(VersionSerializer):
    reason = serializers.ChoiceField(choices=RefusalReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RecordSerializer(serializers.Serializer):  # type: ignore[type-arg]
    kind = serializers.ChoiceField(choices=RecordKind.choices)
    held_on = serializers.DateField()
    place = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    content = serializers.CharField()


class ExtendSerializer(VersionSerializer):
    extended_on = serializers.DateField()
    consent = serializers.CharField()


class ConcludeSerializer(VersionSerializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    concluded_on = serializers.DateField()
    facts = serializers.CharField(required=False, allow_blank=True, default="")
    agreement_terms = serializers.CharField(required=False, allow_blank=True, default="")
    performance_manner = serializers.CharField(required=False, allow_blank=True, default="")
    performance_deadline = serializers.DateField(required=False, allow_null=True, default=None)
    agreement_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0"), default=Decimal("0")
    )
    routes_informed = serializers.BooleanField(default=False)
    termination_note = serializers.CharField(required=False, allow_blank=True, default="")


class ConfirmationSerializer(VersionSerializer):
    applied_on = serializers.DateField()
    court = serializers.CharField(max_length=100)


class ConfirmationResultSerializer(VersionSerializer):
    result = serializers.ChoiceField(choices=[ConfirmationResult.VALID, ConfirmationResult.INVALID])


class VisitSerializer(serializers.Serializer):  # type: ignore[type-arg]
    visited_on = serializers.DateField()
    method = serializers.ChoiceField(choices=VisitMethod.choices)
    performance = serializers.ChoiceField(choices=Performance.choices)
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class CloseSerializer(VersionSerializer):
    closed_on = serializers.DateField()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class TransferRequestSerializer(serializers.Serializer):  # type: ignore[type-arg]
    to_committee = serializers.SlugRelatedField(
        slug_field="code", queryset=Unit.objects.filter(kind=UnitKind.COMMITTEE)
    )
    kind = serializers.ChoiceField(choices=TransferKind.choices)
    reason = serializers.CharField()


class TransferSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="public_id", read_only=True)
    case_id = serializers.UUIDField(source="case.public_id", read_only=True)
    from_code = serializers.CharField(source="unit.code", read_only=True)
    to_code = serializers.CharField(source="to_unit.code", read_only=True)

    class Meta:
        model = CaseTransfer
        fields = [
            "id",
            "case_id",
            "from_code",
            "to_code",
            "kind",
            "reason",
            "status",
            "decided_at",
            "decision_note",
        ]


class DecisionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    note = serializers.CharField(required=False, allow_blank=True, default="")


IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Any unique string; a retry with the same key creates nothing new.",
)


class MediationCaseViewSet(IdempotentCreateMixin, mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Mediation cases in the caller's scope (parties masked), and their workflow steps.

    ``POST`` registers an intake (send ``Idempotency-Key`` to retry safely). Each step is
    ``POST /cases/{id}/<step>/`` and answers the case as it is after the step.
    """

    queryset = MediationCase.objects.all()
    serializer_class = CaseSerializer
    create_serializer_class = CaseCreateSerializer
    filterset_class = MediationCaseFilterSet
    lookup_field = "public_id"

    def get_queryset(self) -> Any:
        return (
            super()
            .get_queryset()
            .select_related("unit", "accepted_unit", "category")
            .prefetch_related(
                Prefetch("parties", queryset=CaseParty.objects.select_related("person"))
            )
            .order_by("-received_on", "-pk")
        )

    def get_filterset_kwargs(self) -> dict[str, Any]:
        return {"user": self.request.user}

    def scope_action(self) -> str:
        if self.action in STEP_ACTIONS:
            return "change"
        return super().scope_action()

    def create_record(self, data: dict[str, Any]) -> MediationCase:
        parties = [services.PartyInput(**p) for p in data.pop("parties")]
        return services.case_register(actor=self.request.user, parties=parties, **data)

    @extend_schema(
        request=CaseCreateSerializer,
        responses={201: CaseSerializer, 200: CaseSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().create(request, *args, **kwargs)

    def _step(
        self, request: Request, serializer_class: Any, run: Callable[[MediationCase, dict], Any]
    ) -> Response:
        case = self.get_object()
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        run(case, dict(serializer.validated_data))
        case = self.get_queryset().get(pk=case.pk)
        return Response(CaseSerializer(case).data)

    @extend_schema(request=AcceptSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, public_id: str | None = None, **kwargs: Any) -> Response:
        """Accept the intake (受理)."""

        def run(case: MediationCase, d: dict[str, Any]) -> Any:
            mediators = list(
                Mediator.objects.filter(unit=case.unit_id, public_id__in=d["mediators"])
            )
            return services.case_accept(
                actor=request.user,
                case=case,
                accepted_on=d["accepted_on"],
                mediators=mediators,
                version=d["version"],
            )

        return self._step(request, AcceptSerializer, run)

    @extend_schema(request=RefuseSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"])
    def refuse(self, request: Request, public_id: str | None = None, **kwargs: Any) -> Response:
        """Refuse the intake with its legal reason."""
        return self._step(
            request,
            RefuseSerializer,
            lambda c, d: services.case_refuse(actor=request.user, case=c, **d),
        )

    @extend_schema(request=RecordSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"])
    def records(self, request: Request, public_id: str | None = None, **kwargs: Any) -> Response:
        """File an investigation, evidence or mediation-session record."""
        return self._step(
            request,
            RecordSerializer,
            lambda c, d: services.case_add_record(actor=request.user, case=c, **d),
        )

    @extend_schema(request=ExtendSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"])
    def extend(self, request: Request, public_id: str | None = None, **kwargs: Any) -> Response:
        """Extend the time to conclude once, with both parties' consent."""
        return self._step(
            request,
            ExtendSerializer,
            lambda c, d: services.case_extend(actor=request.user, case=c, **d),
        )

    @extend_schema(request=ConcludeSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"])
    def conclude(self, request: Request, public_id: str | None = None, **kwargs: Any) -> Response:
        """Record the outcome: written or oral agreement, or the end of mediation."""
        return self._step(
            request,
            ConcludeSerializer,
            lambda c, d: services.case_conclude(actor=request.user, case=c, **d),
        )

    @extend_schema(request=ConfirmationSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"])
    def confirmation(
        self, request: Request, public_id: str | None = None, **kwargs: Any
    ) -> Response:
        """Record the joint application for judicial confirmation."""
        return self._step(
            request,
            ConfirmationSerializer,
            lambda c, d: services.case_apply_confirmation(actor=request.user, case=c, **d),
        )

    @extend_schema(request=ConfirmationResultSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"], url_path="confirmation-result")
    def confirmation_result(
        self, request: Request, public_id: str | None = None, **kwargs: Any
    ) -> Response:
        """Record the court's decision on the confirmation."""
        return self._step(
            request,
            ConfirmationResultSerializer,
            lambda c, d: services.case_record_confirmation(actor=request.user, case=c, **d),
        )

    @extend_schema(request=VisitSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"], url_path="return-visit")
    def return_visit(
        self, request: Request, public_id: str | None = None, **kwargs: Any
    ) -> Response:
        """Record a return visit and the performance found."""
        return self._step(
            request,
            VisitSerializer,
            lambda c, d: services.case_return_visit(actor=request.user, case=c, **d),
        )

    @extend_schema(request=CloseSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request: Request, public_id: str | None = None, **kwargs: Any) -> Response:
        """Close and archive the case."""
        return self._step(
            request,
            CloseSerializer,
            lambda c, d: services.case_close(actor=request.user, case=c, **d),
        )

    @extend_schema(request=PartyInputSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"])
    def parties(self, request: Request, public_id: str | None = None, **kwargs: Any) -> Response:
        """Add a further party to the case."""
        return self._step(
            request,
            PartyInputSerializer,
            lambda c, d: services.case_add_party(
                actor=request.user, case=c, party=services.PartyInput(**d)
            ),
        )

    @extend_schema(request=TransferRequestSerializer, responses={200: CaseSerializer})
    @action(detail=True, methods=["post"])
    def transfer(self, request: Request, public_id: str | None = None, **kwargs: Any) -> Response:
        """Refer, transfer or escalate to another committee (it accepts or rejects)."""
        return self._step(
            request,
            TransferRequestSerializer,
            lambda c, d: services.case_transfer_request(
                actor=request.user,
                case=c,
                to_unit=d["to_committee"],
                kind=d["kind"],
                reason=d["reason"],
            ),
        )


STEP_ACTIONS = frozenset(
    {
        "accept",
        "refuse",
        "records",
        "extend",
        "conclude",
        "confirmation",
        "confirmation_result",
        "return_visit",
        "close",
        "parties",
        "transfer",
    }
)


class CaseTransferViewSet(ScopedReadOnlyViewSet):
    """Transfers sent by, or addressed to, the caller's committees; the receiver decides."""

    queryset = CaseTransfer.objects.all()
    serializer_class = TransferSerializer
    lookup_field = "public_id"

    def get_queryset(self) -> Any:
        return (
            super()
            .get_queryset()
            .select_related("case", "unit", "to_unit")
            .order_by("-created_at", "pk")
        )

    def _decide(self, request: Request, decide: Callable[..., CaseTransfer]) -> Response:
        transfer = self.get_object()
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if not services.may_receive(request.user, transfer):
            raise PermissionDenied
        decide(actor=request.user, transfer=transfer, note=serializer.validated_data["note"])
        transfer.refresh_from_db()
        return Response(TransferSerializer(transfer).data)

    @extend_schema(request=DecisionSerializer, responses={200: TransferSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, public_id: str | None = None, **kwargs: Any) -> Response:
        """Accept: a transfer moves the case here; a referral shares it."""
        return self._decide(request, services.transfer_accept)

    @extend_schema(request=DecisionSerializer, responses={200: TransferSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, public_id: str | None = None, **kwargs: Any) -> Response:
        """Reject, with the reason."""
        return self._decide(request, services.transfer_reject)
