"""API: people in scope (masked), and exact look-up by document number (POST)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from sifasuo.core.api import IdempotentCreateMixin, ScopedReadOnlyViewSet
from sifasuo.core.scope import OWN
from sifasuo.people import selectors, services
from sifasuo.people.choices import IdType, Sex
from sifasuo.people.models import Person


class PersonSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="public_id", read_only=True)
    id_number = serializers.CharField(source="id_number_masked", read_only=True)
    phone = serializers.CharField(source="phone_masked", read_only=True)
    address = serializers.CharField(source="address_masked", read_only=True)
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    birth_year = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "sex",
            "birth_year",
            "id_type",
            "id_number",
            "phone",
            "address",
            "unit_code",
        ]


class PersonCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    name = serializers.CharField(max_length=60)
    id_type = serializers.ChoiceField(choices=IdType.choices, default=IdType.RESIDENT_ID)
    id_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    sex = serializers.ChoiceField(choices=Sex.choices, default=Sex.UNKNOWN)
    birth_date = serializers.DateField(required=False, allow_null=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)


class PersonLookupSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id_type = serializers.ChoiceField(choices=IdType.choices, default=IdType.RESIDENT_ID)
    id_number = serializers.CharField(max_length=40)


class PersonViewSet(IdempotentCreateMixin, mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """People in the caller's scope; numbers, phones and addresses masked.

    ``POST`` registers a person in the caller's unit (send ``Idempotency-Key`` to retry
    safely).
    """

    queryset = Person.objects.all()
    serializer_class = PersonSerializer
    create_serializer_class = PersonCreateSerializer
    lookup_field = "public_id"

    def create_record(self, data: dict[str, Any]) -> Person:
        user = self.request.user
        if user.unit is None or OWN not in user.scope_reach(Person, "create"):
            raise PermissionDenied
        return services.person_create(actor=user, unit=user.unit, **data)

    @extend_schema(
        request=PersonCreateSerializer,
        responses={201: PersonSerializer, 200: PersonSerializer},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                required=False,
                description="Any unique string; a retry with the same key creates nothing new.",
            )
        ],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().create(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("unit").order_by("-created_at", "pk")

    @extend_schema(request=PersonLookupSerializer, responses={200: PersonSerializer(many=True)})
    @action(detail=False, methods=["post"], pagination_class=None)  # a plain list, never paged
    def lookup(self, request: Request) -> Response:
        """Exact look-up by document number through the blind index (a POST, never a URL)."""
        serializer = PersonLookupSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        found = selectors.person_lookup(user=request.user, **serializer.validated_data)
        return Response(PersonSerializer(found, many=True).data)
