"""The API's shared pieces: the scoped base viewset and one exception handler."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from rest_framework import exceptions, viewsets
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from sifasuo.core import audit
from sifasuo.core.errors import ApplicationError
from sifasuo.core.idempotency import ReplayedSubmission, submit_once
from sifasuo.core.probing import TooManyMisses
from sifasuo.core.scope import note_unseen


class ScopedViewSetMixin:
    """Apply ``visible_to(user, action)`` to every request; 404 out of scope, 403 no right.

    Subclasses set ``queryset`` to a model with a scoped manager. Reads use "view"; writes
    use the action of the request (create, change, delete).
    """

    queryset: Any
    request: Any
    action: Any

    ACTION_MAP = {
        "list": "view",
        "retrieve": "view",
        "create": "create",
        "update": "change",
        "partial_update": "change",
        "destroy": "delete",
    }

    def scope_action(self) -> str:
        return self.ACTION_MAP.get(self.action or "", "view")

    def get_queryset(self) -> QuerySet[Any]:
        return self.queryset.visible_to(self.request.user, "view")  # type: ignore[attr-defined]

    def get_object(self) -> Any:
        action = self.scope_action()
        try:
            obj = super().get_object()  # type: ignore[misc]
        except Http404:
            self._audit_hidden(action)
            raise
        if action != "view":
            allowed = self.queryset.visible_to(self.request.user, action)
            if not allowed.filter(pk=obj.pk).exists():
                audit.record(action, actor=self.request.user, obj=obj, outcome="DENIED")
                raise exceptions.PermissionDenied
        return obj

    def _audit_hidden(self, action: str) -> None:
        """Audit and count a request for a record that is missing or out of scope."""
        lookup_field = getattr(self, "lookup_field", "pk")
        kwargs = getattr(self, "kwargs", {})
        value = kwargs.get(getattr(self, "lookup_url_kwarg", None) or lookup_field)
        note_unseen(self.queryset.model, self.request.user, action, {lookup_field: value})


class IdempotentCreateMixin:
    """``POST`` through one service call; an ``Idempotency-Key`` header makes it safe to retry.

    The same key with the same body answers 200 with the record made the first time; with a
    different body, 422. Subclasses implement ``create_record`` (call the service) and set
    ``create_serializer_class`` for the input.
    """

    create_serializer_class: Any
    request: Any

    def create_record(self, data: dict[str, Any]) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def create(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        serializer = self.create_serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        key = request.headers.get("Idempotency-Key", "")
        if not key:
            obj = self.create_record(data)
            return Response(self.get_serializer(obj).data, status=201)  # type: ignore[attr-defined]
        try:
            obj = submit_once(
                user=request.user, token=key, payload=data, create=lambda: self.create_record(data)
            )
        except ReplayedSubmission as replay:
            model = self.queryset.model  # type: ignore[attr-defined]
            obj = model._default_manager.get(pk=replay.token.object_id)
            return Response(self.get_serializer(obj).data, status=200)  # type: ignore[attr-defined]
        return Response(self.get_serializer(obj).data, status=201)  # type: ignore[attr-defined]


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg,misc]
    """A read-only API over a scoped model."""


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Translate domain errors once for the API; let DRF handle the rest."""
    if isinstance(exc, ApplicationError):
        request = context.get("request")
        audit.record_refusal(exc, getattr(request, "user", None))
        body: dict[str, Any] = {"detail": exc.message}
        if exc.field:
            body = {exc.field: [exc.message]}
        return Response(body, status=exc.status_code)
    if isinstance(exc, TooManyMisses):
        exc = exceptions.Throttled(wait=exc.wait)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    # Anonymous calls get 401 from DRF itself: the token authenticator names its scheme.
    return drf_exception_handler(exc, context)
