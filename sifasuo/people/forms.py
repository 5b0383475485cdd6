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
        label=_("Date of birth"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)


SENSITIVE_FIELDS = ("id_number", "phone", "address", "birth_date")


class PersonEditForm(PersonForm):
    """Edit a person without showing the stored document number, phone or address.

    Those fields start empty (the masked value is shown as a hint); empty means "keep",
    and a value is removed only by ticking it under "clear".
    """

    clear = forms.MultipleChoiceField(
        label=_("Clear these values"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            ("id_number", _("Document number")),
            ("phone", _("Phone")),
            ("address", _("Address")),
            ("birth_date", _("Date of birth")),
        ],
    )

    def __init__(self, *args: Any, masked: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in SENSITIVE_FIELDS:
            field = self.fields[name]
            self.initial.pop(name, None)
            if masked.get(name):
                field.widget.attrs["placeholder"] = masked[name]
                field.help_text = _("Leave empty to keep the current value.")

    def changes(self) -> dict[str, Any]:
        """Return the changed fields: sensitive ones only when typed in or cleared."""
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("form_token", "version")}
        cleared = set(data.pop("clear", []))
        for name in SENSITIVE_FIELDS:
            if name in cleared:
                data[name] = None if name == "birth_date" else ""
            elif data.get(name) in (None, ""):
                data.pop(name, None)
        return data


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
