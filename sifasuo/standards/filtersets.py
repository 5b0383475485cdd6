"""One FilterSet for the rectification ledger: the list page and its Excel export."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sifasuo.orgs.selectors import unit_for_user
from sifasuo.standards.choices import RectificationStatus
from sifasuo.standards.models import Rectification


class RectificationFilterSet(django_filters.FilterSet):
    """Filters of the rectification list; a unit code out of scope answers 404."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=RectificationStatus.choices)
    unit = django_filters.CharFilter(label=_("District or office code"), method="filter_unit")
    year = django_filters.NumberFilter(label=_("Year"), field_name="assessment__campaign__year")
    indicator = django_filters.CharFilter(
        label=_("Indicator code"), field_name="indicator__code", lookup_expr="iexact"
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"), method="filter_overdue", widget=forms.CheckboxInput
    )

    class Meta:
        model = Rectification
        fields: list[str] = []

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user if user is not None else getattr(self.request, "user", None)

    def filter_unit(self, qs: QuerySet[Rectification], name: str, value: str) -> Any:
        if not value.strip():
            return qs
        unit = unit_for_user(user=self.user, code=value.strip())
        return qs.filter(unit__path__startswith=unit.path)

    def filter_overdue(self, qs: QuerySet[Rectification], name: str, value: bool) -> Any:
        if not value:
            return qs
        return qs.filter(
            status__in=[RectificationStatus.OPEN, RectificationStatus.IN_PROGRESS],
            due_on__lt=timezone.localdate(),
        )
