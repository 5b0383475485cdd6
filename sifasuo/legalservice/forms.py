"""Forms of the public legal service ledgers, and the portal's three application forms."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sifasuo.legalservice import selectors
from sifasuo.legalservice.choices import (
    APPOINTMENT_OUTCOMES,
    AppointmentStatus,
    CentreDecision,
    Channel,
    ExemptCategory,
    Referral,
    SlotService,
)
from sifasuo.legalservice.models import (
    ConsultationTopic,
    LegalAidApplication,
    LegalAidCaseType,
    ServiceSlot,
    ServiceWindow,
)
from sifasuo.orgs.models import Unit
from sifasuo.people.choices import IdType
from sifasuo.people.forms import StyledForm

PHONE_RE = re.compile(r"^1\d{10}$")
STAFF_CHANNELS = [c for c in Channel.choices if c[0] != Channel.ONLINE]
OUTCOME_CHOICES = [c for c in AppointmentStatus.choices if c[0] in APPOINTMENT_OUTCOMES]


def _date(label: Any, required: bool = True, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        **kwargs,
    )


def _time(label: Any) -> forms.TimeField:
    return forms.TimeField(
        label=label, widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"})
    )


def _text(label: Any, required: bool = True, rows: int = 3, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}), **kwargs
    )


def _today() -> Any:
    return timezone.localdate()


def _referral_choices() -> list[tuple[str, Any]]:
    return [("", _("No referral")), *Referral.choices]


def _phone(value: str, required: bool) -> str:
    value = (value or "").strip().replace(" ", "")
    if value and not PHONE_RE.match(value):
        raise forms.ValidationError(_("Enter an 11-digit mobile number starting with 1."))
    if required and not value:
        raise forms.ValidationError(_("Enter a mobile number."))
    return value


class OfficeFormMixin(forms.Form):
    """An office field that hides itself when the user works at one office only."""

    def setup_office(self, offices: QuerySet[Unit]) -> None:
        field = cast(forms.ModelChoiceField, self.fields["office"])
        field.queryset = offices
        if offices.count() == 1:
            field.initial = offices.first()
            field.widget = forms.HiddenInput()


class PersonFieldsMixin(forms.Form):
    """A person from the registry: found by document number, else registered."""

    person_name = forms.CharField(label=_("Name"), max_length=60, required=False)
    person_id_type = forms.ChoiceField(
        label=_("Document type"), choices=IdType.choices, required=False
    )
    person_id_number = forms.CharField(
        label=_("Document number"),
        max_length=40,
        required=False,
        help_text=_("A number already registered links that person (enter once)."),
    )
    person_phone = forms.CharField(label=_("Phone"), max_length=20, required=False)

    def person_input(self) -> dict[str, str]:
        d = self.cleaned_data
        return {
            "name": d.get("person_name") or "",
            "id_type": d.get("person_id_type") or IdType.RESIDENT_ID,
            "id_number": d.get("person_id_number") or "",
            "phone": d.get("person_phone") or "",
        }

    def clean_person_phone(self) -> str:
        return _phone(self.cleaned_data.get("person_phone", ""), required=False)


class DocumentSearchForm(StyledForm):
    """Find records by the person's document number (POSTed, never in a URL)."""

    id_type = forms.ChoiceField(label=_("Document type"), choices=IdType.choices)
    id_number = forms.CharField(label=_("Document number"), max_length=40)


# Consultations -----------------------------------------------------------------------------


class ConsultationForm(OfficeFormMixin, PersonFieldsMixin, StyledForm):
    """Record a consultation at the counter, by phone or from the 12348 hotline."""

    field_order = [
        "form_token",
        "office",
        "channel",
        "received_on",
        "topic",
        "question",
        "person_name",
        "person_id_type",
        "person_id_number",
        "person_phone",
        "answer",
        "duration_minutes",
        "referral",
        "referral_note",
    ]

    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    office = forms.ModelChoiceField(label=_("Office"), queryset=Unit.objects.none())
    channel = forms.ChoiceField(label=_("Channel"), choices=STAFF_CHANNELS)
    received_on = _date(_("Date"), initial=_today)
    topic = forms.ModelChoiceField(
        label=_("Topic"), queryset=ConsultationTopic.objects.filter(is_active=True)
    )
    question = _text(_("Question"))
    answer = _text(
        _("Answer"), required=False, help_text=_("Leave empty if the answer is to follow.")
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=0, max_value=600, required=False
    )
    referral = forms.ChoiceField(label=_("Referred to"), choices=_referral_choices, required=False)
    referral_note = forms.CharField(label=_("Referral note"), max_length=200, required=False)

    def __init__(self, *args: Any, offices: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_office(offices)
        self.fields["person_name"].help_text = _("Leave name and number empty: anonymous.")


class ConsultationEditForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    received_on = _date(_("Date"))
    topic = forms.ModelChoiceField(
        label=_("Topic"), queryset=ConsultationTopic.objects.filter(is_active=True)
    )
    question = _text(_("Question"))
    answer = _text(_("Answer"), required=False)
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=0, max_value=600, required=False
    )
    referral = forms.ChoiceField(label=_("Referred to"), choices=_referral_choices, required=False)
    referral_note = forms.CharField(label=_("Referral note"), max_length=200, required=False)


class AnswerForm(StyledForm):
    """Answer a pending consultation (the portal's browser test relies on these ids)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    answer = _text(_("Answer"), rows=5)
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=0, max_value=600, required=False
    )
    referral = forms.ChoiceField(label=_("Referred to"), choices=_referral_choices, required=False)
    referral_note = forms.CharField(label=_("Referral note"), max_length=200, required=False)


class ConsultationRequestForm(StyledForm):
    """The portal's CONSULTATION form."""

    topic = forms.ModelChoiceField(
        label=_("Topic"), queryset=ConsultationTopic.objects.filter(is_active=True)
    )
    question = _text(
        _("Your question"),
        rows=6,
        max_length=2000,
        help_text=_("Describe what happened and what you want to know; no ID numbers, please."),
    )

    def __init__(self, data: Any = None, files: Any = None, *, office: Unit | None = None) -> None:
        super().__init__(data, files)
        self.office = office


# Legal aid ---------------------------------------------------------------------------------


class QuestionnaireFields(forms.Form):
    """The financial situation questionnaire (经济状况)."""

    case_type = forms.ModelChoiceField(
        label=_("Case type"), queryset=LegalAidCaseType.objects.filter(is_active=True)
    )
    matter = _text(_("The matter in brief"))
    household_size = forms.IntegerField(
        label=_("Household members"), min_value=1, max_value=30, initial=1
    )
    monthly_household_income = forms.DecimalField(
        label=_("Monthly household income (yuan)"),
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
    )
    assets_value = forms.DecimalField(
        label=_("Assets (yuan)"),
        min_value=Decimal("0"),
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text=_("Savings, vehicles, property other than the home lived in."),
    )
    assets_note = forms.CharField(label=_("Assets"), max_length=200, required=False)
    exempt_categories = forms.MultipleChoiceField(
        label=_("Exempt from the means test (Legal Aid Law art. 42)"),
        choices=ExemptCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class LegalAidForm(OfficeFormMixin, PersonFieldsMixin, QuestionnaireFields, StyledForm):
    """Register a legal aid pre-application at the counter."""

    field_order = [
        "form_token",
        "office",
        "channel",
        "received_on",
        "person_name",
        "person_id_type",
        "person_id_number",
        "person_phone",
    ]

    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    office = forms.ModelChoiceField(label=_("Office"), queryset=Unit.objects.none())
    channel = forms.ChoiceField(label=_("Channel"), choices=STAFF_CHANNELS)
    received_on = _date(_("Date"), initial=_today)

    def __init__(self, *args: Any, offices: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_office(offices)
        self.fields["person_name"].required = True
        self.fields["person_name"].label = _("Applicant's name")


class LegalAidEditForm(QuestionnaireFields, StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    received_on = _date(_("Date"))


class MaterialsForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    materials = forms.MultipleChoiceField(
        label=_("Materials received"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, application: LegalAidApplication, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.MultipleChoiceField, self.fields["materials"])
        field.choices = [(m, m) for m in application.case_type.material_list]


class TransferForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    transferred_on = _date(_("Transferred on"), initial=_today)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class DecisionForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    decision = forms.ChoiceField(label=_("Centre's decision"), choices=CentreDecision.choices)
    decided_on = _date(_("Decided on"), initial=_today)
    reason = _text(_("Reason given (required for a refusal)"), required=False, rows=2)


class LegalAidRequestForm(QuestionnaireFields, StyledForm):
    """The portal's LEGAL_AID form: the questionnaire, with a name and phone to call back."""

    field_order = ["name", "phone"]

    name = forms.CharField(label=_("Your name"), max_length=60)
    phone = forms.CharField(label=_("Mobile number"), max_length=20)

    def __init__(self, data: Any = None, files: Any = None, *, office: Unit | None = None) -> None:
        super().__init__(data, files)
        self.office = office
        self.fields.pop("assets_value")

    def clean_phone(self) -> str:
        return _phone(self.cleaned_data.get("phone", ""), required=True)


# Slots and appointments --------------------------------------------------------------------


class SlotPublishForm(OfficeFormMixin, StyledForm):
    office = forms.ModelChoiceField(label=_("Office"), queryset=Unit.objects.none())
    service = forms.ChoiceField(label=_("Service"), choices=SlotService.choices)
    first_day = _date(_("First day"), initial=_today)
    last_day = _date(_("Last day"), initial=_today, help_text=_("Working days only."))
    start_time = _time(_("From"))
    end_time = _time(_("Until"))
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=100, initial=2)
    place = forms.CharField(label=_("Place"), max_length=100, required=False)

    def __init__(self, *args: Any, offices: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_office(offices)


class SlotUpdateForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=100)
    place = forms.CharField(label=_("Place"), max_length=100, required=False)
    is_open = forms.BooleanField(label=_("Open for booking"), required=False)


class SlotChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: ServiceSlot) -> str:  # type: ignore[override]
        return obj.choice_label()


class AppointmentForm(PersonFieldsMixin, StyledForm):
    """Book a slot at the counter for a person."""

    field_order = ["form_token", "slot"]

    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    slot = SlotChoiceField(label=_("Time slot"), queryset=ServiceSlot.objects.none())
    matter = forms.CharField(label=_("Matter"), max_length=300, required=False)

    def __init__(self, *args: Any, offices: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        slots = ServiceSlot.objects.none()
        for office in offices:
            slots = slots | selectors.bookable_slots(office=office)
        field = cast(forms.ModelChoiceField, self.fields["slot"])
        field.queryset = slots.order_by("date", "start_time", "service", "pk")
        self.fields["person_name"].required = True
        self.fields["person_phone"].help_text = _("The reminder is sent by text message.")


class AppointmentOutcomeForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    status = forms.ChoiceField(label=_("What happened"), choices=OUTCOME_CHOICES)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class AppointmentRequestForm(StyledForm):
    """The portal's APPOINTMENT form: the chosen office's open future slots."""

    slot = SlotChoiceField(label=_("Time slot"), queryset=ServiceSlot.objects.none())
    name = forms.CharField(label=_("Your name"), max_length=60)
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        help_text=_("We send a reminder the day before."),
    )
    matter = forms.CharField(label=_("What it is about"), max_length=300, required=False)

    def __init__(self, data: Any = None, files: Any = None, *, office: Unit | None = None) -> None:
        super().__init__(data, files)
        self.office = office
        field = cast(forms.ModelChoiceField, self.fields["slot"])
        slots = selectors.bookable_slots(office=office) if office is not None else None
        if slots is not None:
            field.queryset = slots
        has_slots = slots is not None and slots.exists()
        field.empty_label = None if has_slots else _("No open slot at this office")

    def clean_phone(self) -> str:
        return _phone(self.cleaned_data.get("phone", ""), required=True)


# Window services ---------------------------------------------------------------------------


class WindowLogForm(OfficeFormMixin, StyledForm):
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    office = forms.ModelChoiceField(label=_("Office"), queryset=Unit.objects.none())
    served_on = _date(_("Date"), initial=_today)
    window = forms.ModelChoiceField(
        label=_("Window"), queryset=ServiceWindow.objects.filter(is_active=True)
    )
    matter = forms.CharField(label=_("Matter"), max_length=200)
    people_served = forms.IntegerField(
        label=_("People served"), min_value=1, max_value=1000, initial=1
    )
    minutes = forms.IntegerField(label=_("Minutes"), min_value=0, max_value=1440, initial=15)

    def __init__(self, *args: Any, offices: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_office(offices)


class WindowLogEditForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    served_on = _date(_("Date"))
    window = forms.ModelChoiceField(
        label=_("Window"), queryset=ServiceWindow.objects.filter(is_active=True)
    )
    matter = forms.CharField(label=_("Matter"), max_length=200)
    people_served = forms.IntegerField(label=_("People served"), min_value=1, max_value=1000)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=0, max_value=1440)


class FiguresForm(StyledForm):
    unit = forms.CharField(label=_("Office or district code"), max_length=20, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    month = forms.IntegerField(label=_("Month"), min_value=1, max_value=12, required=False)
