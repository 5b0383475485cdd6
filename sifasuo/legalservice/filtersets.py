"""One FilterSet per ledger: the list page, its Excel export and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sifasuo.core.choicefields import ModelChoiceFilter
from sifasuo.legalservice.choices import (
    AppointmentStatus,
    BookingChannel,
    Channel,
    ConsultationStatus,
    Eligibility,
    LegalAidStatus,
    Referral,
    SlotService,
)
from sifasuo.legalservice.models import (
    Appointment,
    Consultation,
    ConsultationTopic,
    LegalAidApplication,
    LegalAidCaseType,
    ServiceWindow,
    WindowServiceLog,
)
from sifasuo.orgs.selectors import unit_for_user

DATE = forms.DateInput(attrs={"type": "date"})


def _date_range(field: str) -> tuple[django_filters.DateFilter, django_filters.DateFilter]:
    return (
        django_filters.DateFilter(
            label=_("From"), field_name=field, lookup_expr="gte", widget=DATE
        ),
        django_filters.DateFilter(
            label=_("Until"), field_name=field, lookup_expr="lte", widget=DATE
        ),
    )


class ScopedFilterSet(django_filters.FilterSet):
    """Takes the user; unit codes out of the user's scope answer 404."""

    office = django_filters.CharFilter(label=_("Office or district code"), method="filter_unit")

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user if user is not None else getattr(self.request, "user", None)

    def filter_unit(self, qs: QuerySet[Any], name: str, value: str) -> Any:
        if not value.strip():
            return qs
        unit = unit_for_user(user=self.user, code=value.strip())
        return qs.filter(unit__path__startswith=unit.path)


class ConsultationFilterSet(ScopedFilterSet):
    received_after, received_before = _date_range("received_on")
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Channel.choices)
    topic = ModelChoiceFilter(
        label=_("Topic"),
        field_name="topic",
        to_field_name="code",
        queryset=ConsultationTopic.objects.filter(is_active=True),
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ConsultationStatus.choices)
    referral = django_filters.ChoiceFilter(label=_("Referred to"), choices=Referral.choices)
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"), method="filter_overdue", widget=forms.CheckboxInput
    )

    class Meta:
        model = Consultation
        fields: list[str] = []

    def filter_overdue(self, qs: QuerySet[Consultation], name: str, value: bool) -> Any:
        if not value:
            return qs
        return qs.filter(status=ConsultationStatus.PENDING, answer_due__lt=timezone.localdate())


class LegalAidFilterSet(ScopedFilterSet):
    received_after, received_before = _date_range("received_on")
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Channel.choices)
    case_type = ModelChoiceFilter(
        label=_("Case type"),
        field_name="case_type",
        to_field_name="code",
        queryset=LegalAidCaseType.objects.filter(is_active=True),
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=LegalAidStatus.choices)
    eligibility = django_filters.ChoiceFilter(label=_("Eligibility"), choices=Eligibility.choices)
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"), method="filter_overdue", widget=forms.CheckboxInput
    )

    class Meta:
        model = LegalAidApplication
        fields: list[str] = []

    def filter_overdue(self, qs: QuerySet[LegalAidApplication], name: str, value: bool) -> Any:
        if not value:
            return qs
        return qs.filter(status=LegalAidStatus.REGISTERED, transfer_due__lt=timezone.localdate())


class AppointmentFilterSet(ScopedFilterSet):
    date_after, date_before = _date_range("date")
    service = django_filters.ChoiceFilter(
        label=_("Service"), field_name="slot__service", choices=SlotService.choices
    )
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=BookingChannel.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=AppointmentStatus.choices)
    awaiting = django_filters.BooleanFilter(
        label=_("Outcome to record"), method="filter_awaiting", widget=forms.CheckboxInput
    )

    class Meta:
        model = Appointment
        fields: list[str] = []

    def filter_awaiting(self, qs: QuerySet[Appointment], name: str, value: bool) -> Any:
        if not value:
            return qs
        return qs.filter(status=AppointmentStatus.BOOKED, date__lte=timezone.localdate())


class WindowLogFilterSet(ScopedFilterSet):
    served_after, served_before = _date_range("served_on")
    window = ModelChoiceFilter(
        label=_("Window"),
        field_name="window",
        to_field_name="code",
        queryset=ServiceWindow.objects.filter(is_active=True),
    )

    class Meta:
        model = WindowServiceLog
        fields: list[str] = []
