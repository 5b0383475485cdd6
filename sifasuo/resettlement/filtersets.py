"""One FilterSet per ledger: the list page, its Excel export and the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sifasuo.orgs.selectors import unit_for_user
from sifasuo.resettlement.choices import (
    Channel,
    PersonStatus,
    ReleaseType,
    RiskLevel,
    VisitationStatus,
)
from sifasuo.resettlement.models import ReleasedPerson, VisitationRequest, open_deadline_q

# "Due": an open step falls due within this many days (overdue ones included).
DUE_HORIZON_DAYS = 7


class _UnitFilters(django_filters.FilterSet):
    office = django_filters.CharFilter(label=_("Office code"), method="filter_unit")
    district = django_filters.CharFilter(label=_("District code"), method="filter_unit")

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user if user is not None else getattr(self.request, "user", None)

    def filter_unit(self, qs: QuerySet[Any], name: str, value: str) -> Any:
        if not value.strip():
            return qs
        unit = unit_for_user(user=self.user, code=value.strip())
        return qs.filter(unit__path__startswith=unit.path)


class ReleasedPersonFilterSet(_UnitFilters):
    """Filters of the released persons' ledger; unit codes out of scope answer 404."""

    name = django_filters.CharFilter(
        label=_("Name"), field_name="person__name", lookup_expr="startswith"
    )
    release_type = django_filters.ChoiceFilter(label=_("Release type"), choices=ReleaseType.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=PersonStatus.choices)
    risk_level = django_filters.ChoiceFilter(label=_("Risk level"), choices=RiskLevel.choices)
    key_person = django_filters.BooleanFilter(
        label=_("Key persons only"),
        method="filter_key_person",
        widget=forms.CheckboxInput,
    )
    due = django_filters.BooleanFilter(
        label=_("Steps due within a week"), method="filter_due", widget=forms.CheckboxInput
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"), method="filter_overdue", widget=forms.CheckboxInput
    )

    class Meta:
        model = ReleasedPerson
        fields: list[str] = []

    def filter_key_person(self, qs: QuerySet[ReleasedPerson], name: str, value: bool) -> Any:
        return qs.filter(is_key_person=True) if value else qs

    def filter_due(self, qs: QuerySet[ReleasedPerson], name: str, value: bool) -> Any:
        if not value:
            return qs
        return qs.filter(open_deadline_q(timezone.localdate() + timedelta(days=DUE_HORIZON_DAYS)))

    def filter_overdue(self, qs: QuerySet[ReleasedPerson], name: str, value: bool) -> Any:
        if not value:
            return qs
        return qs.filter(open_deadline_q(timezone.localdate() - timedelta(days=1)))


class VisitationFilterSet(_UnitFilters):
    """Filters of the remote visitation requests."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=VisitationStatus.choices)
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Channel.choices)

    class Meta:
        model = VisitationRequest
        fields: list[str] = []
