"""One FilterSet for the case ledger: the list page, its Excel export and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sifasuo.core.choicefields import ModelChoiceFilter
from sifasuo.mediation.choices import (
    OPEN_STATUSES,
    CaseSource,
    CaseStatus,
    CommitteeType,
    Outcome,
)
from sifasuo.mediation.models import DisputeCategory, MediationCase
from sifasuo.orgs.selectors import unit_for_user


class MediationCaseFilterSet(django_filters.FilterSet):
    """Filters of the case ledger; unit codes out of the user's scope answer 404."""

    q = django_filters.CharFilter(label=_("Party or number"), method="filter_q")
    committee = django_filters.CharFilter(label=_("Committee code"), method="filter_unit")
    office = django_filters.CharFilter(label=_("Office code"), method="filter_unit")
    district = django_filters.CharFilter(label=_("District code"), method="filter_unit")
    category = ModelChoiceFilter(
        label=_("Category"),
        field_name="category",
        to_field_name="code",
        queryset=DisputeCategory.objects.filter(is_active=True),
    )
    source = django_filters.ChoiceFilter(label=_("Source"), choices=CaseSource.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CaseStatus.choices)
    outcome = django_filters.ChoiceFilter(label=_("Outcome"), choices=Outcome.choices)
    committee_type = django_filters.ChoiceFilter(
        label=_("Committee type"), choices=CommitteeType.choices, method="filter_committee_type"
    )
    received_after = django_filters.DateFilter(
        label=_("Received from"),
        field_name="received_on",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    received_before = django_filters.DateFilter(
        label=_("Received until"),
        field_name="received_on",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"), method="filter_overdue", widget=forms.CheckboxInput
    )

    class Meta:
        model = MediationCase
        fields: list[str] = []

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user if user is not None else getattr(self.request, "user", None)

    def filter_q(self, qs: QuerySet[MediationCase], name: str, value: str) -> Any:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Q(number__contains=value)
            | Q(parties__person__name__startswith=value)
            | Q(parties__organisation_name__contains=value)
        ).distinct()

    def filter_unit(self, qs: QuerySet[MediationCase], name: str, value: str) -> Any:
        if not value.strip():
            return qs
        unit = unit_for_user(user=self.user, code=value.strip())
        return qs.filter(unit__path__startswith=unit.path)

    def filter_committee_type(self, qs: QuerySet[MediationCase], name: str, value: str) -> Any:
        # The type of the committee the case is counted under (accepted there, or registered).
        return qs.filter(
            Q(accepted_unit__mediation_profile__committee_type=value)
            | Q(
                accepted_unit__isnull=True, registered_unit__mediation_profile__committee_type=value
            )
        )

    def filter_overdue(self, qs: QuerySet[MediationCase], name: str, value: bool) -> Any:
        if not value:
            return qs
        return qs.filter(status__in=OPEN_STATUSES, conclude_due__lt=timezone.localdate())
