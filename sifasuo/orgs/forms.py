"""Forms of the locator, the unit list and the office import."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from sifasuo.orgs import selectors
from sifasuo.orgs.choices import UnitKind


class LocatorForm(forms.Form):
    """Find an office by district, town or name."""

    district = forms.ChoiceField(label=_("District or county"), required=False)
    town = forms.ChoiceField(label=_("Town or street"), required=False)
    q = forms.CharField(label=_("Name or address"), required=False, max_length=50)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        district = self.data.get("district", "") if self.is_bound else ""
        district_field = cast(forms.ChoiceField, self.fields["district"])
        district_field.choices = [("", _("All districts"))] + [
            (d.code, d.name) for d in selectors.districts()
        ]
        town_field = cast(forms.ChoiceField, self.fields["town"])
        town_field.choices = [("", _("All towns and streets"))] + [
            (t.code, t.name) for t in selectors.towns(district)
        ]
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            )


class UnitFilterForm(forms.Form):
    """Filter the unit list."""

    kind = forms.ChoiceField(label=_("Kind"), required=False)
    q = forms.CharField(label=_("Name or code"), required=False, max_length=50)
    parent = forms.CharField(label=_("Parent unit code"), required=False, max_length=20)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind_field = cast(forms.ChoiceField, self.fields["kind"])
        kind_field.choices = [
            ("", _("All kinds")),
            *UnitKind.choices,
        ]
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            )


class OfficeImportForm(forms.Form):
    """Upload the office workbook."""

    file = forms.FileField(
        label=_("Office workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}),
    )
    again = forms.BooleanField(
        label=_("Import it even if this file was imported before"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
