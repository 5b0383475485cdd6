"""One FilterSet for the subject list: the page, its Excel export and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sifasuo.correction import selectors
from sifasuo.correction.choices import Category, SubjectStatus, SupervisionClass
from sifasuo.correction.models import CorrectionSubject
from sifasuo.orgs.selectors import unit_for_user


class CorrectionSubjectFilterSet(django_filters.FilterSet):
    """Filters of the subject list; unit codes out of the user's scope answer 404."""

    q = django_filters.CharFilter(label=_("Subject's name"), method="filter_q")
    office = django_filters.CharFilter(label=_("Office code"), method="filter_unit")
    district = django_filters.CharFilter(label=_("District code"), method="filter_unit")
    category = django_filters.ChoiceFilter(label=_("Correction category"), choices=Category.choices)
    supervision_class = django_filters.ChoiceFilter(
        label=_("Supervision class"), choices=SupervisionClass.choices
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=SubjectStatus.choices)
    due = django_filters.BooleanFilter(
        label=_("Due within 7 days"), method="filter_due", widget=forms.CheckboxInput
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"), method="filter_overdue", widget=forms.CheckboxInput
    )

    class Meta:
        model = CorrectionSubject
        fields: list[str] = []

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user if user is not None else getattr(self.request, "user", None)

    def filter_q(self, qs: QuerySet[CorrectionSubject], name: str, value: str) -> Any:
        value = value.strip()
        return qs.filter(person__name__startswith=value) if value else qs

    def filter_unit(self, qs: QuerySet[CorrectionSubject], name: str, value: str) -> Any:
        if not value.strip():
            return qs
        unit = unit_for_user(user=self.user, code=value.strip())
        return qs.filter(unit__path__startswith=unit.path)

    def filter_due(self, qs: QuerySet[CorrectionSubject], name: str, value: bool) -> Any:
        return qs.filter(selectors.due_q()) if value else qs

    def filter_overdue(self, qs: QuerySet[CorrectionSubject], name: str, value: bool) -> Any:
        return qs.filter(selectors.overdue_q()) if value else qs
