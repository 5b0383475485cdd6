"""API of the tasks and notices: tasks, their assignments (replies), notices and receipts.

The same services as the pages: what the page refuses, the API refuses with the same message
(400, 403, or 409 for a stale ``version``). Files are uploaded on the pages only.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from sifasuo.core.api import IdempotentCreateMixin, ScopedReadOnlyViewSet, ScopedViewSetMixin
from sifasuo.orgs.choices import UnitKind
from sifasuo.orgs.models import Unit
from sifasuo.workorders import selectors, services
from sifasuo.workorders.filtersets import AssignmentFilterSet, NoticeFilterSet, TaskFilterSet
from sifasuo.workorders.models import Assignment, Notice, NoticeReceipt, Task

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="Send the same key to retry safely: the record made first is answered.",
)


class TaskSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="public_id", read_only=True)
    sender_code = serializers.CharField(source="unit.code", read_only=True)
    sender_name = serializers.CharField(source="unit.name", read_only=True)
    is_past_due = serializers.BooleanField(read_only=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "number",
            "title",
            "instructions",
            "sender_code",
            "sender_name",
            "sent_on",
            "due_on",
            "status",
            "closed_on",
            "is_past_due",
            "version",
        ]


class AddressSerializer(serializers.Serializer):  # type: ignore[type-arg]
    offices = serializers.ListField(
        child=serializers.CharField(max_length=20),
        required=False,
        help_text="Office codes; leave out for every office in the sender's scope.",
    )
    district = serializers.CharField(
        max_length=20, required=False, help_text="A district code: all of its offices (city)."
    )


class TaskCreateSerializer(AddressSerializer):
    title = serializers.CharField(max_length=200)
    instructions = serializers.CharField()
    due_on = serializers.DateField()


class VersionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    version = serializers.IntegerField()


class ReplySerializer(VersionSerializer):
    report = serializers.CharField(allow_blank=True)


class ReviewSerializer(VersionSerializer):
    note = serializers.CharField(allow_blank=True, required=False, default="")


def _offices(user: Any, data: dict[str, Any]) -> list[Unit]:
    """The offices a create call names: codes, a district, or all below the sender."""
    unit = getattr(user, "unit", None)
    if unit is None or not services.may_send(user):
        return []
    below = Unit.objects.filter(kind=UnitKind.OFFICE, is_active=True, path__startswith=unit.path)
    codes = data.get("offices")
    if codes:
        found = list(below.filter(code__in=codes))
        missing = sorted(set(codes) - {o.code for o in found})
        if missing:
            raise ValidationError({"offices": [f"Not an office under the sender: {missing}"]})
        return found
    district = data.get("district")
    if district:
        return list(below.filter(path__contains=f"/{district}/").order_by("path"))
    return list(below.order_by("path"))


class TaskViewSet(IdempotentCreateMixin, mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Tasks from above in the caller's scope: sent by their unit, or addressed to its offices.

    ``POST`` sends a task (city or district officers; ``Idempotency-Key`` to retry safely).
    """

    queryset = Task.objects.all()
    serializer_class = TaskSerializer
    create_serializer_class = TaskCreateSerializer
    filterset_class = TaskFilterSet
    lookup_field = "public_id"

    def get_queryset(self) -> Any:
        return selectors.task_list(user=self.request.user)

    def get_filterset_kwargs(self) -> dict[str, Any]:
        return {"user": self.request.user}

    def create_record(self, data: dict[str, Any]) -> Task:
        return services.task_send(
            actor=self.request.user,
            title=data["title"],
            instructions=data["instructions"],
            due_on=data["due_on"],
            offices=_offices(self.request.user, data),
        )

    @extend_schema(
        request=TaskCreateSerializer,
        responses={201: TaskSerializer, 200: TaskSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().create(request, *args, **kwargs)

    @extend_schema(request=VersionSerializer, responses={200: TaskSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request: Request, public_id: str | None = None, **kwargs: Any) -> Response:
        """Close the task (the sender): no more replies."""
        task = self.get_object()
        serializer = VersionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.task_close(actor=request.user, task=task, **serializer.validated_data)
        return Response(TaskSerializer(self.get_queryset().get(pk=task.pk)).data)


class AssignmentSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="public_id", read_only=True)
    task_id = serializers.UUIDField(source="task.public_id", read_only=True)
    task_number = serializers.CharField(source="task.number", read_only=True)
    due_on = serializers.DateField(source="task.due_on", read_only=True)
    office_code = serializers.CharField(source="unit.code", read_only=True)
    office_name = serializers.CharField(source="unit.name", read_only=True)
    district_code = serializers.CharField(source="unit.parent.code", read_only=True)
    is_late = serializers.BooleanField(read_only=True)
    on_time = serializers.BooleanField(read_only=True, allow_null=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "task_id",
            "task_number",
            "due_on",
            "office_code",
            "office_name",
            "district_code",
            "status",
            "report",
            "submitted_at",
            "first_submitted_on",
            "is_late",
            "on_time",
            "review_note",
            "reviewed_at",
            "times_returned",
            "version",
        ]


class AssignmentViewSet(ScopedReadOnlyViewSet):
    """Each addressed office's assignment of a task and its reply.

    The office saves a draft (``draft``) or submits (``submit``); the sender accepts
    (``accept``) or returns it for rework with a note (``return``). Filter ``task`` by id.
    """

    queryset = Assignment.objects.all()
    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilterSet
    lookup_field = "public_id"

    def get_queryset(self) -> Any:
        return selectors.assignment_list(user=self.request.user)

    def get_filterset_kwargs(self) -> dict[str, Any]:
        return {"user": self.request.user}

    def _step(
        self,
        request: Request,
        serializer_class: Any,
        run: Callable[[Assignment, dict[str, Any]], Any],
    ) -> Response:
        assignment = self.get_object()
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        run(assignment, dict(serializer.validated_data))
        return Response(AssignmentSerializer(self.get_queryset().get(pk=assignment.pk)).data)

    @extend_schema(request=ReplySerializer, responses={200: AssignmentSerializer})
    @action(detail=True, methods=["post"])
    def draft(self, request: Request, public_id: str | None = None, **kwargs: Any) -> Response:
        """Save the office's reply as a draft."""
        return self._step(
            request,
            ReplySerializer,
            lambda a, d: services.reply_save(actor=request.user, assignment=a, **d),
        )

    @extend_schema(request=ReplySerializer, responses={200: AssignmentSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, public_id: str | None = None, **kwargs: Any) -> Response:
        """Submit the office's reply to the sender."""
        return self._step(
            request,
            ReplySerializer,
            lambda a, d: services.reply_submit(actor=request.user, assignment=a, **d),
        )

    @extend_schema(request=ReviewSerializer, responses={200: AssignmentSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, public_id: str | None = None, **kwargs: Any) -> Response:
        """Accept a submitted reply (the sender)."""
        return self._step(
            request,
            ReviewSerializer,
            lambda a, d: services.reply_accept(actor=request.user, assignment=a, **d),
        )

    @extend_schema(request=ReviewSerializer, responses={200: AssignmentSerializer})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_for_rework(
        self, request: Request, public_id: str | None = None, **kwargs: Any
    ) -> Response:
        """Return a submitted reply to the office for rework, with a note (the sender)."""
        return self._step(
            request,
            ReviewSerializer,
            lambda a, d: services.reply_return(actor=request.user, assignment=a, **d),
        )


class NoticeSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="public_id", read_only=True)
    sender_code = serializers.CharField(source="unit.code", read_only=True)
    sender_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Notice
        fields = ["id", "title", "body", "sender_code", "sender_name", "published_at", "version"]


class NoticeCreateSerializer(AddressSerializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField()


class ReceiptSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    notice_id = serializers.UUIDField(source="notice.public_id", read_only=True)
    office_code = serializers.CharField(source="unit.code", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = NoticeReceipt
        fields = ["notice_id", "office_code", "username", "read_at"]


class NoticeViewSet(IdempotentCreateMixin, mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Notices in the caller's scope: published by their unit, or addressed to its offices.

    ``POST`` publishes one (city or district officers); ``POST {id}/read/`` records the
    caller's read receipt (once per user, first read time).
    """

    queryset = Notice.objects.all()
    serializer_class = NoticeSerializer
    create_serializer_class = NoticeCreateSerializer
    filterset_class = NoticeFilterSet
    lookup_field = "public_id"

    def get_queryset(self) -> Any:
        return selectors.notice_list(user=self.request.user)

    def get_filterset_kwargs(self) -> dict[str, Any]:
        return {"user": self.request.user}

    def create_record(self, data: dict[str, Any]) -> Notice:
        return services.notice_publish(
            actor=self.request.user,
            title=data["title"],
            body=data["body"],
            offices=_offices(self.request.user, data),
        )

    @extend_schema(
        request=NoticeCreateSerializer,
        responses={201: NoticeSerializer, 200: NoticeSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().create(request, *args, **kwargs)

    @extend_schema(request=None, responses={200: ReceiptSerializer, 204: None})
    @action(detail=True, methods=["post"])
    def read(self, request: Request, public_id: str | None = None, **kwargs: Any) -> Response:
        """Record the caller's read receipt; 204 when the caller's office is not addressed."""
        notice = self.get_object()
        receipt = services.notice_read(actor=request.user, notice=notice)
        if receipt is None:
            return Response(status=204)
        return Response(ReceiptSerializer(receipt).data)


class NoticeReceiptViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,  # type: ignore[type-arg]
):
    """Read receipts the caller may see (their unit's and below); filter by ``notice`` id."""

    queryset = NoticeReceipt.objects.all()
    serializer_class = ReceiptSerializer

    @extend_schema(
        parameters=[OpenApiParameter("notice", OpenApiTypes.UUID, description="Notice id")]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        qs = selectors.receipt_list(user=self.request.user)
        notice = self.request.query_params.get("notice")
        if notice:
            try:
                qs = qs.filter(notice__public_id=uuid.UUID(notice))
            except ValueError as exc:
                raise ValidationError({"notice": ["Not a notice id."]}) from exc
        return qs
