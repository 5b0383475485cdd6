"""API of the office profile: the yearly returns in the caller's scope (read-only)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers

from sifasuo.core.api import ScopedReadOnlyViewSet
from sifasuo.offices import selectors
from sifasuo.offices.models import OfficeReturn, OfficeRoom


class RoomSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = OfficeRoom
        fields = ["kind", "present", "area"]


class OfficeReturnSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """A return's profile; the staff figures are counted on 31 December of its year."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    office_code = serializers.CharField(source="unit.code", read_only=True)
    office_name = serializers.CharField(source="unit.name", read_only=True)
    district_code = serializers.CharField(source="unit.district_code", read_only=True)
    rooms = RoomSerializer(many=True, read_only=True)
    rooms_present = serializers.SerializerMethodField()
    staff_on_post = serializers.SerializerMethodField()
    politics_law_on_post = serializers.SerializerMethodField()
    vacancies = serializers.SerializerMethodField()

    class Meta:
        model = OfficeReturn
        fields = [
            "id",
            "office_code",
            "office_name",
            "district_code",
            "year",
            "business_area",
            "ownership",
            "rooms",
            "rooms_present",
            "sign_emblem",
            "sign_office_plaque",
            "sign_station_plaque",
            "sign_light_box",
            "sign_guide",
            "establishment_quota",
            "staff_on_post",
            "politics_law_on_post",
            "vacancies",
            "party_form",
            "remote_visit_installed_on",
            "video_conf_installed_on",
            "terminal_installed_on",
            "funding_personnel",
            "funding_public",
            "funding_casework",
            "funding_equipment",
            "funding_infrastructure",
        ]

    def get_rooms_present(self, office_return: OfficeReturn) -> int:
        return sum(1 for room in office_return.rooms.all() if room.present)

    def get_staff_on_post(self, office_return: OfficeReturn) -> int:
        return selectors.staffing(office_return).on_post

    def get_politics_law_on_post(self, office_return: OfficeReturn) -> int:
        return selectors.staffing(office_return).politics_law_on_post

    def get_vacancies(self, office_return: OfficeReturn) -> int:
        return selectors.staffing(office_return).vacancies


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("year", int, description="Only the returns of this year."),
            OpenApiParameter("office", str, description="An office's unit code (404 outside)."),
            OpenApiParameter(
                "district", str, description="A managing bureau's unit code (404 outside)."
            ),
        ]
    )
)
class OfficeReturnViewSet(ScopedReadOnlyViewSet):
    """Yearly returns (填报) of the offices in the caller's scope, with their profile."""

    queryset = OfficeReturn.objects.all()
    serializer_class = OfficeReturnSerializer
    lookup_field = "public_id"

    def get_queryset(self) -> Any:
        params = self.request.query_params
        year = params.get("year", "")
        return selectors.return_list(
            user=self.request.user,
            district=params.get("district", ""),
            office=params.get("office", ""),
            year=int(year) if year.isdigit() else None,
        ).prefetch_related("rooms")
