"""API: offices by code, units in scope."""

from __future__ import annotations

from typing import Any

import django_filters
from rest_framework import serializers

from sifasuo.core.api import ScopedReadOnlyViewSet
from sifasuo.orgs.choices import UnitKind
from sifasuo.orgs.models import Unit
from sifasuo.orgs.selectors import unit_for_user


class OfficeSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    district_code = serializers.CharField(read_only=True, help_text="The managing bureau's code.")
    division_district_code = serializers.CharField(
        read_only=True, help_text="The code of the district its main town lies in."
    )
    town_code = serializers.SerializerMethodField()

    class Meta:
        model = Unit
        fields = [
            "id",
            "code",
            "name",
            "district_code",
            "division_district_code",
            "town_code",
            "address",
            "phone",
            "opening_hours",
            "is_demo_contact",
        ]

    def get_town_code(self, obj: Unit) -> str:
        return obj.division.code if obj.division else ""


class UnitSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    parent_code = serializers.SerializerMethodField()

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "kind", "parent_code"]

    def get_parent_code(self, obj: Unit) -> str | None:
        return obj.parent.code if obj.parent else None


class UnitFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=UnitKind.choices)
    parent_code = django_filters.CharFilter(method="filter_parent_code")

    class Meta:
        model = Unit
        fields = ["kind", "parent_code"]

    def filter_parent_code(self, queryset: Any, name: str, value: str) -> Any:
        """Children of a unit in scope; a unit out of scope is 404, like its detail."""
        return queryset.filter(parent=unit_for_user(user=self.request.user, code=value))


class OfficeViewSet(ScopedReadOnlyViewSet):
    """Judicial offices in the caller's scope; look one up by its code."""

    queryset = Unit.objects.filter(kind=UnitKind.OFFICE)
    serializer_class = OfficeSerializer
    lookup_field = "code"

    def get_queryset(self) -> Any:
        return (
            super()
            .get_queryset()
            .select_related("parent", "parent__parent", "division", "division__parent")
            .order_by("code")
        )


class UnitViewSet(ScopedReadOnlyViewSet):
    """Units in the caller's scope, committees included."""

    queryset = Unit.objects.all()
    serializer_class = UnitSerializer
    filterset_class = UnitFilterSet

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("parent").order_by("path")
