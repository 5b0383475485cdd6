"""One FilterSet per ledger: the list page, its Excel export and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sifasuo.governance.choices import (
    OPEN_REVIEW_STATUSES,
    Adoption,
    Conclusion,
    DraftStatus,
    EntryStatus,
    InterferenceCategory,
    MatterType,
    OpinionSource,
    ReviewStatus,
    RoundStatus,
    SupervisionKind,
)
from sifasuo.governance.models import (
    Draft,
    InterferenceRecord,
    JurorRound,
    LegalityReview,
    Opinion,
    SupervisionActivity,
)
from sifasuo.orgs.selectors import unit_for_user


def _date_filter(label: Any, field: str, lookup: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        label=label,
        field_name=field,
        lookup_expr=lookup,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ScopedFilterSet(django_filters.FilterSet):
    """A FilterSet that knows its user: unit codes out of scope answer 404."""

    unit = django_filters.CharFilter(label=_("Unit code"), method="filter_unit")

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user if user is not None else getattr(self.request, "user", None)

    def filter_unit(self, qs: QuerySet[Any], name: str, value: str) -> Any:
        if not value.strip():
            return qs
        unit = unit_for_user(user=self.user, code=value.strip())
        return qs.filter(unit__path__startswith=unit.path)


class LegalityReviewFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Title or number"), method="filter_q")
    matter_type = django_filters.ChoiceFilter(label=_("Type"), choices=MatterType.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ReviewStatus.choices)
    conclusion = django_filters.ChoiceFilter(label=_("Conclusion"), choices=Conclusion.choices)
    received_after = _date_filter(_("Received from"), "received_on", "gte")
    received_before = _date_filter(_("Received until"), "received_on", "lte")
    filed = django_filters.BooleanFilter(
        label=_("Filed only"), method="filter_filed", widget=forms.CheckboxInput
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"), method="filter_overdue", widget=forms.CheckboxInput
    )

    class Meta:
        model = LegalityReview
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[LegalityReview], name: str, value: str) -> Any:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Q(title__contains=value)
            | Q(number__contains=value)
            | Q(registration_number__contains=value)
        )

    def filter_filed(self, qs: QuerySet[LegalityReview], name: str, value: bool) -> Any:
        return qs.filter(status=ReviewStatus.FILED) if value else qs

    def filter_overdue(self, qs: QuerySet[LegalityReview], name: str, value: bool) -> Any:
        if not value:
            return qs
        return qs.filter(status__in=OPEN_REVIEW_STATUSES, due_on__lt=timezone.localdate())


class SupervisionActivityFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Unit supervised or subject"), method="filter_q")
    kind = django_filters.ChoiceFilter(label=_("Type"), choices=SupervisionKind.choices)
    held_after = _date_filter(_("From"), "held_on", "gte")
    held_before = _date_filter(_("Until"), "held_on", "lte")
    overdue = django_filters.BooleanFilter(
        label=_("With overdue rectifications"), method="filter_overdue", widget=forms.CheckboxInput
    )

    class Meta:
        model = SupervisionActivity
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[SupervisionActivity], name: str, value: str) -> Any:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(enforcement_unit__contains=value) | Q(subject__contains=value))

    def filter_overdue(self, qs: QuerySet[SupervisionActivity], name: str, value: bool) -> Any:
        if not value:
            return qs
        return qs.filter(
            rectifications__status="OPEN", rectifications__due_on__lt=timezone.localdate()
        ).distinct()


class DraftFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Title"), field_name="title", lookup_expr="contains")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=DraftStatus.choices)
    open_now = django_filters.BooleanFilter(
        label=_("Open for comment now"), method="filter_open", widget=forms.CheckboxInput
    )

    class Meta:
        model = Draft
        fields: list[str] = []

    def filter_open(self, qs: QuerySet[Draft], name: str, value: bool) -> Any:
        if not value:
            return qs
        today = timezone.localdate()
        return qs.filter(status=DraftStatus.PUBLISHED, opens_on__lte=today, closes_on__gte=today)


class OpinionFilterSet(ScopedFilterSet):
    draft = django_filters.UUIDFilter(label=_("Draft"), field_name="draft__public_id")
    source = django_filters.ChoiceFilter(label=_("Source"), choices=OpinionSource.choices)
    adoption = django_filters.ChoiceFilter(label=_("Answer"), choices=Adoption.choices)
    unanswered = django_filters.BooleanFilter(
        label=_("Not answered yet"), method="filter_unanswered", widget=forms.CheckboxInput
    )

    class Meta:
        model = Opinion
        fields: list[str] = []

    def filter_unanswered(self, qs: QuerySet[Opinion], name: str, value: bool) -> Any:
        return qs.filter(adoption="") if value else qs


class JurorRoundFilterSet(ScopedFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=RoundStatus.choices)

    class Meta:
        model = JurorRound
        fields: list[str] = []


class InterferenceRecordFilterSet(ScopedFilterSet):
    category = django_filters.ChoiceFilter(label=_("Who"), choices=InterferenceCategory.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=EntryStatus.choices)
    occurred_after = _date_filter(_("From"), "occurred_on", "gte")
    occurred_before = _date_filter(_("Until"), "occurred_on", "lte")

    class Meta:
        model = InterferenceRecord
        fields: list[str] = []
