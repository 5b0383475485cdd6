"""One FilterSet per list (tasks, replies, notices): the page, its Excel export and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sifasuo.core.choicefields import ModelChoiceFilter
from sifasuo.orgs.choices import UnitKind
from sifasuo.orgs.models import Unit
from sifasuo.workorders.choices import AWAITING_OFFICE, AssignmentStatus, TaskStatus
from sifasuo.workorders.models import Assignment, Notice, Task

BUREAUS = Unit.objects.filter(
    kind__in=[UnitKind.CITY, UnitKind.DISTRICT, UnitKind.DEVZONE], is_active=True
).order_by("path")
DISTRICTS = BUREAUS.exclude(kind=UnitKind.CITY)


def _date(label: Any, field_name: str, lookup: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        label=label,
        field_name=field_name,
        lookup_expr=lookup,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class _ScopedFilterSet(django_filters.FilterSet):
    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user if user is not None else getattr(self.request, "user", None)


class TaskFilterSet(_ScopedFilterSet):
    """Filters of the task list. Senders and districts are public reference data."""

    q = django_filters.CharFilter(label=_("Title or number"), method="filter_q")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=TaskStatus.choices)
    sender = ModelChoiceFilter(
        label=_("Sent by"), field_name="unit", to_field_name="code", queryset=BUREAUS
    )
    district = ModelChoiceFilter(
        label=_("Addressed to the offices of"),
        to_field_name="code",
        queryset=DISTRICTS,
        method="filter_district",
    )
    due_after = _date(_("Due from"), "due_on", "gte")
    due_before = _date(_("Due until"), "due_on", "lte")
    overdue = django_filters.BooleanFilter(
        label=_("With late offices"), method="filter_overdue", widget=forms.CheckboxInput
    )

    class Meta:
        model = Task
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Task], name: str, value: str) -> Any:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(title__contains=value) | Q(number__contains=value))

    def filter_district(self, qs: QuerySet[Task], name: str, value: Unit | None) -> Any:
        if value is None:
            return qs
        addressed = Assignment.objects.filter(unit__path__startswith=value.path).values("task")
        return qs.filter(pk__in=addressed)

    def filter_overdue(self, qs: QuerySet[Task], name: str, value: bool) -> Any:
        if not value:
            return qs
        late = (
            Assignment.objects.visible_to(self.user, "view")
            .filter(status__in=AWAITING_OFFICE, task__due_on__lt=timezone.localdate())
            .values("task")
        )
        return qs.filter(pk__in=late)


class AssignmentFilterSet(_ScopedFilterSet):
    """Filters of the replies (one row per addressed office and task)."""

    q = django_filters.CharFilter(label=_("Task or office"), method="filter_q")
    task = django_filters.UUIDFilter(label=_("Task id"), field_name="task__public_id")
    status = django_filters.ChoiceFilter(label=_("Reply status"), choices=AssignmentStatus.choices)
    sender = ModelChoiceFilter(
        label=_("Sent by"), field_name="task__unit", to_field_name="code", queryset=BUREAUS
    )
    district = ModelChoiceFilter(
        label=_("District"), to_field_name="code", queryset=DISTRICTS, method="filter_district"
    )
    due_after = _date(_("Due from"), "task__due_on", "gte")
    due_before = _date(_("Due until"), "task__due_on", "lte")
    overdue = django_filters.BooleanFilter(
        label=_("Late only"), method="filter_overdue", widget=forms.CheckboxInput
    )

    class Meta:
        model = Assignment
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Assignment], name: str, value: str) -> Any:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Q(task__title__contains=value)
            | Q(task__number__contains=value)
            | Q(unit__name__contains=value)
        )

    def filter_district(self, qs: QuerySet[Assignment], name: str, value: Unit | None) -> Any:
        if value is None:
            return qs
        return qs.filter(unit__path__startswith=value.path)

    def filter_overdue(self, qs: QuerySet[Assignment], name: str, value: bool) -> Any:
        if not value:
            return qs
        return qs.filter(status__in=AWAITING_OFFICE, task__due_on__lt=timezone.localdate())


class NoticeFilterSet(_ScopedFilterSet):
    """Filters of the notices."""

    q = django_filters.CharFilter(label=_("Title"), field_name="title", lookup_expr="contains")
    sender = ModelChoiceFilter(
        label=_("Published by"), field_name="unit", to_field_name="code", queryset=BUREAUS
    )
    district = ModelChoiceFilter(
        label=_("Addressed to the offices of"),
        to_field_name="code",
        queryset=DISTRICTS,
        method="filter_district",
    )
    published_after = _date(_("Published from"), "published_at__date", "gte")
    published_before = _date(_("Published until"), "published_at__date", "lte")
    unread = django_filters.BooleanFilter(
        label=_("Unread by me"), method="filter_unread", widget=forms.CheckboxInput
    )

    class Meta:
        model = Notice
        fields: list[str] = []

    def filter_district(self, qs: QuerySet[Notice], name: str, value: Unit | None) -> Any:
        if value is None:
            return qs
        through = Notice.addressees.through.objects.filter(unit__path__startswith=value.path)
        return qs.filter(pk__in=through.values("notice_id"))

    def filter_unread(self, qs: QuerySet[Notice], name: str, value: bool) -> Any:
        if not value or self.user is None:
            return qs
        return qs.filter(addressees=self.user.unit_id).exclude(receipts__user=self.user)
