"""Forms of the office profile: a year's return and its parts, honours, typical experiences."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.forms.models import fields_for_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sifasuo.offices.choices import ExperienceStatus, HonourLevel, RoomKind, SystemKind
from sifasuo.offices.models import Equipment, Honour, OfficeReturn, TypicalExperience
from sifasuo.offices.services import FIRST_YEAR, PROFILE_FIELDS
from sifasuo.orgs.models import Unit
from sifasuo.people.models import Person
from sifasuo.staff.selectors import is_staff_of

DATE_WIDGET_FORMAT = "%Y-%m-%d"


def date_widget() -> forms.DateInput:
    return forms.DateInput(format=DATE_WIDGET_FORMAT, attrs={"type": "date"})


def style(form: forms.BaseForm) -> None:
    """Give every widget its Bootstrap class; dates get the browser's date picker."""
    for field in form.fields.values():
        if isinstance(field, forms.DateField) and not isinstance(field.widget, forms.HiddenInput):
            field.widget = date_widget()
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)
        if isinstance(field, forms.DecimalField | forms.IntegerField):
            if not any(isinstance(v, MinValueValidator) for v in field.validators):
                field.validators.append(MinValueValidator(0))
            widget.attrs.setdefault("min", "0")


def model_fields(model: type[models.Model], names: Sequence[str]) -> dict[str, forms.Field]:
    """The form fields of ``names`` as the model declares them (labels, choices, limits)."""
    return {name: f for name, f in fields_for_model(model, fields=list(names)).items() if f}


class StyledForm(forms.Form):
    """A form styled for Bootstrap once its fields are all there (call ``style`` again after
    adding fields)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class CreateForm(StyledForm):
    """A create form: its hidden token makes a double submit create once."""

    form_token = forms.CharField(widget=forms.HiddenInput, required=False)


class VersionedForm(StyledForm):
    """An edit form: the version the user loaded (a stale save is refused)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def _choices(units: Any) -> list[tuple[str, str]]:
    return [("", "—"), *((u.code, f"{u.name}（{u.code}）") for u in units)]


class ScopeFilterForm(StyledForm):
    """District and office filters of a list (unit codes; out of scope answers 404)."""

    district = forms.ChoiceField(label=_("District"), required=False)
    office = forms.ChoiceField(label=_("Office"), required=False)

    def __init__(self, *args: Any, districts: Any = (), offices: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = _choices(districts)  # type: ignore[attr-defined]
        self.fields["office"].choices = _choices(offices)  # type: ignore[attr-defined]


class ReturnFilterForm(ScopeFilterForm):
    year = forms.ChoiceField(label=_("Year"), required=False)

    def __init__(self, *args: Any, years: Sequence[int] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "—"), *((str(y), str(y)) for y in years)]  # type: ignore[attr-defined]


class ReturnCreateForm(CreateForm):
    office = forms.ModelChoiceField(label=_("Office"), queryset=Unit.objects.none())
    year = forms.IntegerField(
        label=_("Year"),
        min_value=FIRST_YEAR,
        help_text=_("The return describes the office as of 31 December of this year."),
    )
    copy_previous = forms.BooleanField(
        label=_("Copy last year's return"),
        required=False,
        help_text=_(
            "Carries the profile, rooms, equipment, systems and the staff still on post on "
            "31 December forward; then change only what changed."
        ),
    )

    def __init__(self, *args: Any, offices: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["year"].validators.append(MaxValueValidator(today.year + 1))
        self.fields["year"].widget.attrs["max"] = str(today.year + 1)
        self.fields["year"].initial = today.year
        if offices is not None:
            self.fields["office"].queryset = offices  # type: ignore[attr-defined]
            if len(offices) == 1:
                self.fields["office"].initial = offices[0]


class ReturnProfileForm(VersionedForm):
    """Premises, signage, quota, party organisation, IT systems and the year's funding."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(model_fields(OfficeReturn, PROFILE_FIELDS))
        style(self)

    @staticmethod
    def initial_for(office_return: OfficeReturn) -> dict[str, Any]:
        values = {name: getattr(office_return, name) for name in PROFILE_FIELDS}
        return values | {"version": office_return.version}


class RoomsForm(StyledForm):
    """The 六室一站: present or not, the area, and a photo for each.

    ``loaded`` holds the rooms' versions as the page showed them, so a save over someone
    else's later change is refused (``rooms_set`` takes no version of its own).
    """

    loaded = forms.CharField(widget=forms.HiddenInput, required=False)

    @staticmethod
    def stamp(office_return: OfficeReturn) -> str:
        rooms = sorted(office_return.rooms.all(), key=lambda room: room.kind)
        return ",".join(f"{room.kind}:{room.version}" for room in rooms)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in RoomKind.choices:
            self.fields[f"{kind}_present"] = forms.BooleanField(
                label=_("%(room)s: present") % {"room": label}, required=False
            )
            self.fields[f"{kind}_area"] = forms.DecimalField(
                label=_("%(room)s: area (m²)") % {"room": label},
                max_digits=6,
                decimal_places=1,
                required=False,
            )
            self.fields[f"{kind}_photo"] = forms.FileField(
                label=_("%(room)s: photo") % {"room": label}, required=False
            )
        style(self)

    @staticmethod
    def initial_for(office_return: OfficeReturn) -> dict[str, Any]:
        initial: dict[str, Any] = {"loaded": RoomsForm.stamp(office_return)}
        for room in office_return.rooms.all():
            initial[f"{room.kind}_present"] = room.present
            initial[f"{room.kind}_area"] = room.area
        return initial

    def rows(self) -> list[dict[str, Any]]:
        """The bound fields room by room, for the template."""
        return [
            {
                "label": label,
                "present": self[f"{kind}_present"],
                "area": self[f"{kind}_area"],
                "photo": self[f"{kind}_photo"],
            }
            for kind, label in RoomKind.choices
        ]

    def present(self) -> dict[str, bool]:
        return {kind: bool(self.cleaned_data[f"{kind}_present"]) for kind in RoomKind.values}

    def areas(self) -> dict[str, Decimal | None]:
        return {kind: self.cleaned_data[f"{kind}_area"] for kind in RoomKind.values}

    def photos(self) -> dict[str, Any]:
        return {
            kind: self.cleaned_data[f"{kind}_photo"]
            for kind in RoomKind.values
            if self.cleaned_data.get(f"{kind}_photo")
        }


class EquipmentForm(CreateForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(model_fields(Equipment, ("category", "name", "quantity", "acquired_on")))
        self.fields["quantity"].validators.append(MinValueValidator(1))
        style(self)


class SystemForm(StyledForm):
    """Set a management system in force and attach its document."""

    kind = forms.ChoiceField(label=_("System"), choices=SystemKind.choices)
    adopted_on = forms.DateField(label=_("Adopted on"), required=False)
    document = forms.FileField(label=_("Document"), required=False)


class HonourFilterForm(ScopeFilterForm):
    subject = forms.ChoiceField(
        label=_("Honoured"),
        required=False,
        choices=[("", "—"), ("office", _("The office")), ("staff", _("A staff member"))],
    )
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", "—"), *HonourLevel.choices]
    )
    year = forms.IntegerField(label=_("Year"), required=False)


class HonourForm(CreateForm):
    office = forms.ModelChoiceField(label=_("Office"), queryset=Unit.objects.none())
    person = forms.ModelChoiceField(
        label=_("Staff member"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("Empty: the office itself was honoured."),
    )

    def __init__(self, *args: Any, offices: Any = None, people: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields.update(model_fields(Honour, ("title", "level", "awarded_by", "awarded_on")))
        if offices is not None:
            self.fields["office"].queryset = offices  # type: ignore[attr-defined]
            if len(offices) == 1:
                self.fields["office"].initial = offices[0]
        if people is not None:
            self.fields["person"].queryset = people  # type: ignore[attr-defined]
            self.fields["person"].label_from_instance = lambda p: p.name  # type: ignore[attr-defined]
        style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        office, person = data.get("office"), data.get("person")
        if office and person and not is_staff_of(person=person, office=office):
            self.add_error("person", _("This person is on no staff list of the office."))
        return data


class ExperienceFilterForm(ScopeFilterForm):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", "—"), *ExperienceStatus.choices]
    )


class ExperienceForm(CreateForm):
    office = forms.ModelChoiceField(label=_("Office"), queryset=Unit.objects.none())
    photo = forms.FileField(label=_("Photo"), required=False)

    def __init__(self, *args: Any, offices: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = model_fields(TypicalExperience, ("title", "body"))
        fields["body"].widget = forms.Textarea(attrs={"rows": 12})
        photo = self.fields.pop("photo")
        self.fields.update(fields)
        self.fields["photo"] = photo
        if offices is not None:
            self.fields["office"].queryset = offices  # type: ignore[attr-defined]
            if len(offices) == 1:
                self.fields["office"].initial = offices[0]
        style(self)


STEP_LABELS = {
    "submit": _("Submit to the district"),
    "recommend": _("Recommend to the city"),
    "publish": _("Publish"),
    "return": _("Return with a note"),
}


class ExperienceStepForm(StyledForm):
    step = forms.ChoiceField(label=_("Step"), choices=list(STEP_LABELS.items()))
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when returning: say what to change."),
    )

    def __init__(self, *args: Any, steps: Sequence[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if steps is not None:
            self.fields["step"].choices = [  # type: ignore[attr-defined]
                (s, label) for s, label in STEP_LABELS.items() if s in steps
            ]


class ImportForm(StyledForm):
    file = forms.FileField(label=_("Excel workbook (.xlsx)"))
    again = forms.BooleanField(
        label=_("Import it even if this file was imported before"), required=False
    )
