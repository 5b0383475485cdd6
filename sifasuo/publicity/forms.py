"""Forms of the publicity ledgers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sifasuo.orgs.models import Division, Unit
from sifasuo.people.choices import IdType, Sex
from sifasuo.people.forms import StyledForm
from sifasuo.publicity.choices import (
    ActivityForm,
    DesignationLevel,
    HouseholdStatus,
    LiteratePool,
    LiterateStatus,
    MatterKind,
    ReviewResult,
    ServiceMode,
    Target,
    TownAdviserKind,
    VillageKind,
)
from sifasuo.publicity.models import LawTopic
from sifasuo.publicity.services import PersonInput


def _date(label: Any, required: bool = True, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        **kwargs,
    )


def _today() -> Any:
    return timezone.localdate()


def _this_year() -> int:
    return timezone.localdate().year


def _text(label: Any, required: bool = False, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several files in one input (photos); the service checks each is an image."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png", "multiple": True})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class LedgerForm(StyledForm):
    """A ledger form: the office (when the user keeps several), the village choices."""

    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    office = forms.ModelChoiceField(label=_("Judicial office"), queryset=Unit.objects.none())

    def __init__(
        self,
        *args: Any,
        offices: Any = None,
        villages: Any = None,
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing
        if editing or offices is None:
            del self.fields["office"]
        else:
            self.fields["office"].queryset = offices  # type: ignore[attr-defined]
            choices = list(offices)
            if len(choices) == 1:
                self.fields["office"].initial = choices[0]
                self.fields["office"].widget = forms.HiddenInput()
        if "village" in self.fields and villages is not None:
            self.fields["village"].queryset = villages  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        """The cleaned fields a service takes (not the token, version or office)."""
        return {
            k: v
            for k, v in self.cleaned_data.items()
            if k not in ("form_token", "version", "office")
        }


def _village_field(required: bool = True) -> forms.ModelChoiceField:  # type: ignore[type-arg]
    return forms.ModelChoiceField(
        label=_("Village or community"), queryset=Division.objects.none(), required=required
    )


class ActivityEntryForm(LedgerForm):
    held_on = _date(_("Held on"), initial=_today)
    theme = forms.CharField(label=_("Theme"), max_length=200)
    laws = forms.ModelMultipleChoiceField(
        label=_("Laws covered"),
        queryset=LawTopic.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
    )
    target = forms.ChoiceField(label=_('"Eight into" target'), choices=Target.choices)
    form = forms.ChoiceField(label=_("Form"), choices=ActivityForm.choices)
    place = forms.CharField(label=_("Place"), max_length=200)
    village = _village_field(required=False)
    participants = forms.IntegerField(label=_("Participants"), min_value=0, initial=0)
    materials = forms.IntegerField(label=_("Materials distributed"), min_value=0, initial=0)
    organiser = forms.CharField(label=_("Organised with"), max_length=200, required=False)
    note = _text(_("Note"))
    photos = MultipleImageField(
        label=_("Photos"), required=False, help_text=_("JPEG or PNG; several may be chosen.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.editing:
            del self.fields["photos"]


class PhotoForm(StyledForm):
    photos = MultipleImageField(label=_("Photos"), help_text=_("JPEG or PNG."))


def person_fields() -> dict[str, forms.Field]:
    return {
        "name": forms.CharField(label=_("Name"), max_length=60),
        "sex": forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN),
        "id_type": forms.ChoiceField(label=_("Document type"), choices=IdType.choices),
        "id_number": forms.CharField(
            label=_("Document number"),
            max_length=40,
            required=False,
            help_text=_("A number already registered links that person (enter once)."),
        ),
        "phone": forms.CharField(label=_("Phone"), max_length=20, required=False),
    }


class PersonFormMixin(LedgerForm):
    """New records name a person of the registry; editing keeps the person."""

    PERSON_KEYS = ("name", "sex", "id_type", "id_number", "phone")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.editing:
            fields = person_fields()
            for key in reversed(self.PERSON_KEYS):
                self.fields = {key: fields[key], **self.fields}  # type: ignore[assignment]
            for name in self.PERSON_KEYS:
                widget = self.fields[name].widget
                css = "form-select" if isinstance(widget, forms.Select) else "form-control"
                widget.attrs.setdefault("class", css)

    def person(self) -> PersonInput:
        d = self.cleaned_data
        return PersonInput(
            name=d["name"],
            id_type=d.get("id_type") or IdType.RESIDENT_ID,
            id_number=(d.get("id_number") or "").strip(),
            phone=(d.get("phone") or "").strip(),
            sex=d.get("sex") or Sex.UNKNOWN,
        )

    def values(self) -> dict[str, Any]:
        return {k: v for k, v in super().values().items() if k not in self.PERSON_KEYS}


class LiterateForm(PersonFormMixin):
    village = _village_field()
    pool = forms.ChoiceField(label=_("Selected from"), choices=LiteratePool.choices)
    appointed_on = _date(_("Appointed on"), initial=_today)
    certificate_number = forms.CharField(
        label=_("Certificate number"), max_length=40, required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=LiterateStatus.choices, initial=LiterateStatus.ACTIVE
    )
    removed_on = _date(_("Removed on"), required=False, help_text=_("Only when removed (清退)."))
    note = _text(_("Note"))


class TrainingForm(StyledForm):
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    trained_on = _date(_("Trained on"), initial=_today)
    hours = forms.DecimalField(
        label=_("Hours"), max_digits=5, decimal_places=1, min_value=Decimal("0.5")
    )
    topic = forms.CharField(label=_("Topic"), max_length=200)


class HouseholdForm(PersonFormMixin):
    village = _village_field()
    year = forms.IntegerField(
        label=_("Year designated"), min_value=2000, max_value=2100, initial=_this_year
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=HouseholdStatus.choices, initial=HouseholdStatus.ACTIVE
    )
    note = _text(_("Note"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "name" in self.fields:
            self.fields["name"].label = _("Head of household")


class PhoneEditMixin(LedgerForm):
    """When editing, the phone starts empty (the masked value is a hint); empty keeps it."""

    def __init__(self, *args: Any, masked_phone: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.editing:
            self.initial.pop("phone", None)
            if masked_phone:
                self.fields["phone"].widget.attrs["placeholder"] = masked_phone
                self.fields["phone"].help_text = _("Leave empty to keep the current number.")

    def values(self) -> dict[str, Any]:
        data = super().values()
        if self.editing and not data.get("phone"):
            data.pop("phone", None)
        return data


class AdviserForm(PhoneEditMixin):
    village = _village_field()
    village_kind = forms.ChoiceField(label=_("Kind of village"), choices=VillageKind.choices)
    lawyer_name = forms.CharField(label=_("Lawyer"), max_length=60)
    law_firm = forms.CharField(label=_("Law firm"), max_length=120)
    licence_number = forms.CharField(label=_("Licence number"), max_length=30)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    contract_start = _date(_("Contract from"))
    contract_end = _date(_("Contract until"))
    note = _text(_("Note"))


class ServiceLogForm(StyledForm):
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    served_on = _date(_("Served on"), initial=_today)
    mode = forms.ChoiceField(label=_("Mode"), choices=ServiceMode.choices)
    hours = forms.DecimalField(
        label=_("Hours"), max_digits=4, decimal_places=1, min_value=Decimal("0.5"), initial=2
    )
    lectures = forms.IntegerField(label=_("Lectures given"), min_value=0, initial=0)
    consultations = forms.IntegerField(label=_("Consultations handled"), min_value=0, initial=0)
    matters = _text(_("Matters"), rows=2)


class VillageForm(LedgerForm):
    village = _village_field()
    level = forms.ChoiceField(label=_("Level"), choices=DesignationLevel.choices)
    year = forms.IntegerField(
        label=_("Year named"), min_value=2000, max_value=2100, initial=_this_year
    )
    designated_on = _date(_("Named on"))
    review_due = _date(
        _("Review due"),
        required=False,
        help_text=_("Empty: by the review rule (two years after it is named)."),
    )
    note = _text(_("Note"))

    def values(self) -> dict[str, Any]:
        data = super().values()
        if self.editing and data.get("review_due") is None:
            data.pop("review_due", None)
        return data


class ReviewForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reviewed_on = _date(_("Reviewed on"), initial=_today)
    result = forms.ChoiceField(label=_("Result"), choices=ReviewResult.choices)
    note = _text(_("Note"), rows=2)


class TownAdviserForm(PhoneEditMixin):
    kind = forms.ChoiceField(label=_("Kind"), choices=TownAdviserKind.choices)
    name = forms.CharField(label=_("Name"), max_length=60)
    firm_or_post = forms.CharField(label=_("Law firm or post"), max_length=120)
    licence_number = forms.CharField(label=_("Licence number"), max_length=30, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    contract_start = _date(_("Contract from"))
    contract_end = _date(_("Contract until"))
    note = _text(_("Note"))


class MatterForm(StyledForm):
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    handled_on = _date(_("Handled on"), initial=_today)
    matter = forms.CharField(label=_("Matter"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=MatterKind.choices)
    outcome = _text(_("Outcome"), rows=2)
