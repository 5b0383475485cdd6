"""One FilterSet per ledger: the list page, its Excel export and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sifasuo.core.choicefields import ModelChoiceFilter
from sifasuo.orgs.choices import DivisionLevel
from sifasuo.orgs.models import Division
from sifasuo.orgs.selectors import unit_for_user
from sifasuo.publicity.choices import (
    ActivityForm,
    DesignationLevel,
    HouseholdStatus,
    LiteratePool,
    LiterateStatus,
    ReviewResult,
    Target,
    TownAdviserKind,
    VillageKind,
)
from sifasuo.publicity.models import (
    DemonstrationHousehold,
    DemonstrationVillage,
    LawTopic,
    LegalLiterate,
    PublicityActivity,
    TownAdviser,
    VillageAdviser,
)


def _date_filter(label: Any, field: str, lookup: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        label=label,
        field_name=field,
        lookup_expr=lookup,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class UnitScopedFilterSet(django_filters.FilterSet):
    """Filters shared by every ledger: the office or district code (404 out of scope)."""

    unit = django_filters.CharFilter(label=_("Office or district code"), method="filter_unit")

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user if user is not None else getattr(self.request, "user", None)

    def filter_unit(self, qs: QuerySet[Any], name: str, value: str) -> Any:
        if not value.strip():
            return qs
        unit = unit_for_user(user=self.user, code=value.strip())
        return qs.filter(unit__path__startswith=unit.path)


MAX_VILLAGE_CHOICES = 300


class VillageCodeFilterMixin(django_filters.FilterSet):
    """A village by code: a select of the user's villages when they are few (an office)."""

    village = django_filters.CharFilter(label=_("Village or community"), method="filter_village")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self, "user", None)
        if user is None or getattr(user, "unit", None) is None:
            return
        from sifasuo.publicity.selectors import scope_offices, villages_by_office

        villages, _offices = villages_by_office(scope_offices(user=user))
        if len(villages) <= MAX_VILLAGE_CHOICES:
            choices = [("", "—"), *((v.code, v.name) for v in villages)]
            self.filters["village"].extra["widget"] = forms.Select(choices=choices)

    def filter_village(self, qs: QuerySet[Any], name: str, value: str) -> Any:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            village__in=Division.objects.filter(level=DivisionLevel.VILLAGE, code=value)
        )


class ActivityFilterSet(VillageCodeFilterMixin, UnitScopedFilterSet):
    q = django_filters.CharFilter(label=_("Theme or place"), method="filter_q")
    held_after = _date_filter(_("Held from"), "held_on", "gte")
    held_before = _date_filter(_("Held until"), "held_on", "lte")
    law = ModelChoiceFilter(
        label=_("Law covered"),
        field_name="laws",
        to_field_name="code",
        queryset=LawTopic.objects.filter(is_active=True),
    )
    target = django_filters.ChoiceFilter(label=_('"Eight into" target'), choices=Target.choices)
    form = django_filters.ChoiceFilter(label=_("Form"), choices=ActivityForm.choices)

    class Meta:
        model = PublicityActivity
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[PublicityActivity], name: str, value: str) -> Any:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(theme__contains=value) | Q(place__contains=value))


class LiterateFilterSet(VillageCodeFilterMixin, UnitScopedFilterSet):
    q = django_filters.CharFilter(label=_("Name"), method="filter_q")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=LiterateStatus.choices)
    pool = django_filters.ChoiceFilter(label=_("Selected from"), choices=LiteratePool.choices)
    appointed_after = _date_filter(_("Appointed from"), "appointed_on", "gte")

    class Meta:
        model = LegalLiterate
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[LegalLiterate], name: str, value: str) -> Any:
        value = value.strip()
        return qs.filter(person__name__startswith=value) if value else qs


class HouseholdFilterSet(VillageCodeFilterMixin, UnitScopedFilterSet):
    q = django_filters.CharFilter(label=_("Head of household"), method="filter_q")
    year = django_filters.NumberFilter(label=_("Year designated"), field_name="year")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=HouseholdStatus.choices)

    class Meta:
        model = DemonstrationHousehold
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[DemonstrationHousehold], name: str, value: str) -> Any:
        value = value.strip()
        return qs.filter(head__name__startswith=value) if value else qs


class AdviserFilterSet(VillageCodeFilterMixin, UnitScopedFilterSet):
    q = django_filters.CharFilter(label=_("Lawyer or law firm"), method="filter_q")
    village_kind = django_filters.ChoiceFilter(
        label=_("Kind of village"), choices=VillageKind.choices
    )
    current = django_filters.BooleanFilter(
        label=_("Under contract today"), method="filter_current", widget=forms.CheckboxInput
    )

    class Meta:
        model = VillageAdviser
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[VillageAdviser], name: str, value: str) -> Any:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(lawyer_name__startswith=value) | Q(law_firm__contains=value))

    def filter_current(self, qs: QuerySet[VillageAdviser], name: str, value: bool) -> Any:
        if not value:
            return qs
        today = timezone.localdate()
        return qs.filter(contract_start__lte=today, contract_end__gte=today)


class VillageFilterSet(VillageCodeFilterMixin, UnitScopedFilterSet):
    level = django_filters.ChoiceFilter(label=_("Level"), choices=DesignationLevel.choices)
    year = django_filters.NumberFilter(label=_("Year named"), field_name="year")
    review_result = django_filters.ChoiceFilter(
        label=_("Review result"), choices=ReviewResult.choices
    )
    review_overdue = django_filters.BooleanFilter(
        label=_("Review overdue only"), method="filter_overdue", widget=forms.CheckboxInput
    )

    class Meta:
        model = DemonstrationVillage
        fields: list[str] = []

    def filter_overdue(self, qs: QuerySet[DemonstrationVillage], name: str, value: bool) -> Any:
        if not value:
            return qs
        return qs.exclude(review_result__in=[ReviewResult.REVOKED, ReviewResult.CANCELLED]).filter(
            review_due__lt=timezone.localdate()
        )


class TownAdviserFilterSet(UnitScopedFilterSet):
    q = django_filters.CharFilter(label=_("Name, firm or post"), method="filter_q")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=TownAdviserKind.choices)
    current = django_filters.BooleanFilter(
        label=_("Under contract today"), method="filter_current", widget=forms.CheckboxInput
    )

    class Meta:
        model = TownAdviser
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[TownAdviser], name: str, value: str) -> Any:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(name__startswith=value) | Q(firm_or_post__contains=value))

    def filter_current(self, qs: QuerySet[TownAdviser], name: str, value: bool) -> Any:
        if not value:
            return qs
        today = timezone.localdate()
        return qs.filter(contract_start__lte=today, contract_end__gte=today)
