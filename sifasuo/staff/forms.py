"""Forms of the staff lists, trainings, rotations and party meetings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sifasuo.offices.forms import CreateForm, ScopeFilterForm, VersionedForm, model_fields, style
from sifasuo.orgs.models import Unit
from sifasuo.people.choices import IdType, Sex
from sifasuo.people.models import Person
from sifasuo.staff.choices import Establishment, MeetingKind, MovementKind, Post
from sifasuo.staff.models import Movement, PartyMeeting, StaffMember, Training
from sifasuo.staff.selectors import is_staff_of
from sifasuo.staff.services import STAFF_FIELDS

YES_NO = [("", "—"), ("yes", _("yes")), ("no", _("no"))]


def _check_dates(form: forms.Form, start: str, end: str) -> None:
    data = form.cleaned_data
    if data.get(start) and data.get(end) and data[end] < data[start]:
        form.add_error(
            end, _("This date cannot be before %(field)s.") % {"field": form.fields[start].label}
        )


def _offices(form: forms.Form, offices: Any) -> None:
    if offices is not None:
        form.fields["office"].queryset = offices  # type: ignore[attr-defined]
        if len(offices) == 1:
            form.fields["office"].initial = offices[0]


def _person_choice(field: forms.Field, people: Any) -> None:
    if people is not None:
        field.queryset = people  # type: ignore[attr-defined]
    field.label_from_instance = lambda p: p.name  # type: ignore[attr-defined]


class StaffFilterForm(ScopeFilterForm):
    year = forms.ChoiceField(label=_("Year"), required=False)
    establishment = forms.ChoiceField(
        label=_("Establishment"), required=False, choices=[("", "—"), *Establishment.choices]
    )
    post = forms.ChoiceField(label=_("Post"), required=False, choices=[("", "—"), *Post.choices])
    party_member = forms.ChoiceField(label=_("Party member"), required=False, choices=YES_NO)

    def __init__(self, *args: Any, years: Sequence[int] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "—"), *((str(y), str(y)) for y in years)]  # type: ignore[attr-defined]


class StaffAddForm(CreateForm):
    """Put a person on the staff list: found by document number, or registered now."""

    id_type = forms.ChoiceField(label=_("Document type"), choices=IdType.choices)
    id_number = forms.CharField(
        label=_("Document number"),
        max_length=40,
        help_text=_("A number already registered links that person (enter once)."),
    )
    name = forms.CharField(label=_("Name"), max_length=60)
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=Sex.choices,
        initial=Sex.UNKNOWN,
        help_text=_("Only for a person not yet registered; a resident ID gives it anyway."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(model_fields(StaffMember, STAFF_FIELDS))
        style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _check_dates(self, "on_post_on", "off_post_on")
        return data

    def staff_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in STAFF_FIELDS}


class StaffEditForm(VersionedForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(model_fields(StaffMember, STAFF_FIELDS))
        style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _check_dates(self, "on_post_on", "off_post_on")
        return data

    @staticmethod
    def initial_for(member: StaffMember) -> dict[str, Any]:
        return {name: getattr(member, name) for name in STAFF_FIELDS} | {"version": member.version}


class TrainingForm(CreateForm):
    person = forms.ModelChoiceField(label=_("Staff member"), queryset=Person.objects.none())

    def __init__(
        self, *args: Any, people: Any = None, year: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _person_choice(self.fields["person"], people)
        self.fields.update(
            model_fields(Training, ("course", "start_date", "days", "hours", "level"))
        )
        self.year = year
        style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start = data.get("start_date")
        if start and self.year and start.year != self.year:
            self.add_error(
                "start_date",
                _("A training of the %(year)d return starts in %(year)d.") % {"year": self.year},
            )
        if data.get("days") == 0 and data.get("hours") == 0:
            self.add_error("days", _("Enter the days or the hours of the training."))
        return data


class MovementFilterForm(ScopeFilterForm):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", "—"), *MovementKind.choices]
    )
    year = forms.IntegerField(label=_("Year"), required=False)


class MovementForm(CreateForm):
    office = forms.ModelChoiceField(label=_("Office"), queryset=Unit.objects.none())
    person = forms.ModelChoiceField(label=_("Staff member"), queryset=Person.objects.none())

    def __init__(self, *args: Any, offices: Any = None, people: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _offices(self, offices)
        _person_choice(self.fields["person"], people)
        self.fields.update(
            model_fields(Movement, ("kind", "counterpart", "start_date", "end_date"))
        )
        style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _check_dates(self, "start_date", "end_date")
        office, person = data.get("office"), data.get("person")
        if office and person and not is_staff_of(person=person, office=office):
            self.add_error("person", _("This person is on no staff list of the office."))
        return data


class MeetingFilterForm(ScopeFilterForm):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", "—"), *MeetingKind.choices]
    )
    year = forms.IntegerField(label=_("Year"), required=False)


class MeetingForm(CreateForm):
    office = forms.ModelChoiceField(label=_("Office"), queryset=Unit.objects.none())

    def __init__(self, *args: Any, offices: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offices(self, offices)
        self.fields.update(model_fields(PartyMeeting, ("kind", "held_on", "topic", "attendees")))
        style(self)
