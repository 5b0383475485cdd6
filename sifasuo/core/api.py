"""The API's shared pieces: the scoped base viewset and one exception handler."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from rest_framework import exceptions, status, viewsets
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from sifasuo.core.errors import ApplicationError


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
        obj = super().get_object()  # type: ignore[misc]
        action = self.scope_action()
        if action != "view":
            allowed = self.queryset.visible_to(self.request.user, action)  # type: ignore[attr-defined]
            if not allowed.filter(pk=obj.pk).exists():
                raise exceptions.PermissionDenied
        return obj


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg,misc]
    """A read-only API over a scoped model."""


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Translate domain errors once for the API; let DRF handle the rest."""
    if isinstance(exc, ApplicationError):
        body: dict[str, Any] = {"detail": exc.message}
        if exc.field:
            body = {exc.field: [exc.message]}
        return Response(body, status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is not None and response.status_code == status.HTTP_403_FORBIDDEN:
        request = context.get("request")
        if request is not None and not request.user.is_authenticated:
            response.status_code = status.HTTP_401_UNAUTHORIZED
    return response
