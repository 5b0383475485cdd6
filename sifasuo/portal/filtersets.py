"""One FilterSet per list: the office inbox and the follow-ups (pages, exports, API)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sifasuo.core import applications
from sifasuo.core.applications import ApplicationStatus
from sifasuo.orgs.selectors import unit_for_user
from sifasuo.portal.choices import FollowUpStatus
from sifasuo.portal.models import FollowUp, PortalApplication


def _kind_choices() -> list[tuple[str, str]]:
    return [(k.code, str(k.label)) for k in applications.kinds()]


class _UnitFilterMixin:
    user: Any = None

    def filter_office(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if not value:
            return queryset
        unit = unit_for_user(user=self.user, code=value.strip())
        return queryset.filter(unit__path__startswith=unit.path)


class PortalApplicationFilterSet(_UnitFilterMixin, django_filters.FilterSet):
    """Filters of the office inbox; an office code out of the user's scope answers 404."""

    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=_kind_choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ApplicationStatus.choices)
    office = django_filters.CharFilter(label=_("Office or district code"), method="filter_office")
    overdue = django_filters.BooleanFilter(
        label=_("Awaiting a first reply past due"),
        method="filter_overdue",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = PortalApplication
        fields = ["kind", "status"]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user if user is not None else getattr(self.request, "user", None)

    def filter_overdue(self, queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        if not value:
            return queryset
        return queryset.filter(
            status=ApplicationStatus.SUBMITTED, respond_by__lt=timezone.localdate()
        )


class FollowUpFilterSet(_UnitFilterMixin, django_filters.FilterSet):
    """Filters of the follow-ups of poor ratings."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=FollowUpStatus.choices)
    office = django_filters.CharFilter(label=_("Office or district code"), method="filter_office")
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"), method="filter_overdue", widget=forms.CheckboxInput
    )

    class Meta:
        model = FollowUp
        fields = ["status"]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user if user is not None else getattr(self.request, "user", None)

    def filter_overdue(self, queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        if not value:
            return queryset
        return queryset.filter(Q(status=FollowUpStatus.OPEN) & Q(due_on__lt=timezone.localdate()))
