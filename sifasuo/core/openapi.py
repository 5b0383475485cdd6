"""The OpenAPI schema documents the error answers every operation can give.

drf-spectacular describes the success answer only. A client (and the schemathesis run in
``tests/core/test_api_schema_fuzz.py``) also needs the errors the shared machinery returns,
all with the body of ``sifasuo.core.api.exception_handler``: ``{"detail": "..."}`` or
``{"<field>": ["..."]}``.

- 400: a body or query that does not validate, or a business rule that refuses the action;
- 401: no valid credentials (the token authenticator names its scheme);
- 403: authenticated without the right (or without the one-time code the role needs);
- 404: a record that is not there or out of the caller's scope (in the path, or named by id
  in the body), or a page past the end;
- 409: a stale write (optimistic locking); 422: an ``Idempotency-Key`` reused with another
  body; 429: a throttled endpoint, or one record asked for past the look-up limit
  (``core.probing``).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent, force_instance
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from sifasuo.core.api import IdempotentCreateMixin, ScopedViewSetMixin

ERROR_COMPONENT = "Error"
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An error: `detail`, or the messages per field.",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": {},
}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema with the documented error answers added."""

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        for code, description in self._error_codes(operation):
            responses.setdefault(str(code), self._error_response(description))
        return operation

    def _error_codes(self, operation: dict[str, Any]) -> list[tuple[int, Any]]:
        view = self.view
        params = operation.get("parameters", [])
        authenticated = bool(getattr(view, "authentication_classes", None)) and not all(
            issubclass(p, AllowAny) for p in getattr(view, "permission_classes", [])
        )
        codes: list[tuple[int, Any]] = []
        if self.method in UNSAFE or any(p.get("in") == "query" for p in params):
            codes.append((400, _("The request does not validate or a rule refuses it.")))
        if authenticated:
            codes.append((401, _("No valid credentials.")))
            codes.append((403, _("No right to this action.")))
        if (
            any(p.get("in") == "path" for p in params)
            or any(p.get("in") == "query" and p.get("name") == "page" for p in params)
            or self._body_names_records()
        ):
            codes.append((404, _("Not found, or out of the caller's scope.")))
        if authenticated and self.method in UNSAFE:
            codes.append((409, _("The record changed meanwhile: reload and try again.")))
        if isinstance(view, IdempotentCreateMixin) and self._is_create_operation():
            codes.append((422, _("The submission key was used for another submission.")))
        if getattr(view, "throttle_classes", None) or (
            isinstance(view, ScopedViewSetMixin) and any(p.get("in") == "path" for p in params)
        ):
            # a throttled endpoint, or one record past the look-up limit (core.probing)
            codes.append((429, _("Too many requests: wait and try again.")))
        return codes

    def _body_names_records(self) -> bool:
        """Whether the request body names other records by id (one out of scope: 404)."""
        if self.method not in UNSAFE:
            return False
        serializer = force_instance(self.get_request_serializer())
        fields = getattr(serializer, "fields", None)
        if not fields:
            return False
        reference = (serializers.UUIDField, serializers.RelatedField, serializers.ManyRelatedField)
        return any(isinstance(field, reference) for field in fields.values())

    def _error_response(self, description: Any) -> dict[str, Any]:
        component = ResolvedComponent(
            name=ERROR_COMPONENT,
            type=ResolvedComponent.SCHEMA,
            object=ERROR_COMPONENT,
            schema=ERROR_SCHEMA,
        )
        self.registry.register_on_missing(component)
        return {
            "description": str(description),
            "content": {"application/json": {"schema": component.ref}},
        }
