"""API: people in scope (masked), and exact look-up by document number (POST)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from sifasuo.core.api import ScopedReadOnlyViewSet
from sifasuo.people import selectors
from sifasuo.people.choices import IdType
from sifasuo.people.models import Person


class PersonSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.UUIDField(source="public_id", read_only=True)
    id_number = serializers.CharField(source="id_number_masked", read_only=True)
    phone = serializers.CharField(source="phone_masked", read_only=True)
    address = serializers.CharField(source="address_masked", read_only=True)
    unit_code = serializers.CharField(source="unit.code", read_only=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "sex",
            "birth_date",
            "id_type",
            "id_number",
            "phone",
            "address",
            "unit_code",
        ]


class PersonLookupSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id_type = serializers.ChoiceField(choices=IdType.choices, default=IdType.RESIDENT_ID)
    id_number = serializers.CharField(max_length=40)


class PersonViewSet(ScopedReadOnlyViewSet):
    """People in the caller's scope; numbers, phones and addresses masked."""

    queryset = Person.objects.all()
    serializer_class = PersonSerializer
    lookup_field = "public_id"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("unit").order_by("-created_at", "pk")

    @extend_schema(request=PersonLookupSerializer, responses={200: PersonSerializer(many=True)})
    @action(detail=False, methods=["post"])
    def lookup(self, request: Request) -> Response:
        """Exact look-up by document number through the blind index (a POST, never a URL)."""
        serializer = PersonLookupSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        found = selectors.person_lookup(user=request.user, **serializer.validated_data)
        return Response(PersonSerializer(found, many=True).data)
