"""Forms of the person registry."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sifasuo.people.choices import IdType, Sex


class StyledForm(forms.Form):
    """A form whose widgets carry Bootstrap classes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class PersonForm(StyledForm):
    """Register or edit a person."""

    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name"), max_length=60)
    id_type = forms.ChoiceField(label=_("Document type"), choices=IdType.choices)
    id_number = forms.CharField(label=_("Document number"), max_length=40, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    birth_date = forms.DateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)


class PersonFilterForm(StyledForm):
    """Filter the person list."""

    name = forms.CharField(label=_("Name starts with"), required=False, max_length=60)
    sex = forms.ChoiceField(label=_("Sex"), required=False, choices=[("", _("All")), *Sex.choices])


class PersonSearchForm(StyledForm):
    """Exact search by document number (sent by POST, never in a URL)."""

    id_type = forms.ChoiceField(label=_("Document type"), choices=IdType.choices)
    id_number = forms.CharField(label=_("Document number"), max_length=40)


class RevealForm(StyledForm):
    """Reveal a masked value: the reason is required and audited."""

    field = forms.ChoiceField(
        choices=[
            ("id_number", _("Document number")),
            ("phone", _("Phone")),
            ("address", _("Address")),
        ],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)
