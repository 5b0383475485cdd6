"""Forms of the six-good standard: campaigns, the items of an assessment, steps, rectification."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sifasuo.orgs.choices import UnitKind
from sifasuo.orgs.models import Unit
from sifasuo.standards.choices import RuleType, ScoringMethod
from sifasuo.standards.models import Framework, Indicator


def _date(label: Any, required: bool = True, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        **kwargs,
    )


def _text(label: Any, required: bool = False, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


class CampaignForm(forms.Form):
    """Open a campaign: a framework, a year, the offices (all, or chosen), the due date."""

    ALL, CHOSEN = "ALL", "CHOSEN"

    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name"), max_length=200)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    framework = forms.ModelChoiceField(
        label=_("Indicator framework"),
        queryset=Framework.objects.filter(is_active=True).order_by("-year", "-version"),
    )
    batch = forms.CharField(
        label=_("Batch"),
        max_length=40,
        required=False,
        help_text=_("e.g. 第三批; leave empty for all offices."),
    )
    due_on = _date(_("Self-assessments due on"))
    scope = forms.ChoiceField(
        label=_("Offices"),
        choices=[(ALL, _("All offices")), (CHOSEN, _("The offices chosen below"))],
        initial=ALL,
        widget=forms.RadioSelect,
    )
    offices = forms.ModelMultipleChoiceField(
        label=_("Chosen offices"),
        queryset=Unit.objects.filter(kind=UnitKind.OFFICE, is_active=True).order_by("path"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )
    office_codes = _text(
        _("Or office codes"),
        rows=3,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office_codes"].help_text = _(
            "One code per line or separated by spaces or commas (e.g. pasted from a list)."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("scope") != self.CHOSEN:
            data["chosen"] = None
            return data
        chosen = list(data.get("offices") or [])
        codes = [c for c in re.split(r"[\s,，、;；]+", data.get("office_codes") or "") if c]
        if codes:
            found = {
                u.code: u
                for u in Unit.objects.filter(code__in=codes, kind=UnitKind.OFFICE, is_active=True)
            }
            unknown = [c for c in codes if c not in found]
            if unknown:
                self.add_error(
                    "office_codes",
                    _("No active office has these codes: %(codes)s")
                    % {"codes": "、".join(unknown)},
                )
            chosen += [found[c] for c in codes if c in found]
        unique = list({u.pk: u for u in chosen}.values())
        if not unique and not self.errors:
            self.add_error("offices", _("Choose at least one office."))
        data["chosen"] = unique
        return data


class ItemForm(forms.Form):
    """The office's assessment of one item; its fields follow the indicator's scoring method."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    note = _text(_("Note"), rows=2)
    evidence = forms.FileField(label=_("Add evidence"), required=False)

    def __init__(self, *args: Any, indicator: Indicator, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        fields: dict[str, forms.Field] = {}
        if indicator.rule_type == RuleType.MANUAL:
            method = indicator.scoring_method
            if method == ScoringMethod.DEDUCT_PER_MISSING and indicator.elements:
                fields["present"] = forms.MultipleChoiceField(
                    label=_("Elements in place"),
                    choices=[(e, e) for e in indicator.elements],
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                    help_text=_("%(points)s points less for each element missing.")
                    % {"points": indicator.deduct_points},
                )
            elif method == ScoringMethod.ALL_OR_NOTHING:
                fields["score"] = forms.ChoiceField(
                    label=_("Result"),
                    required=False,
                    choices=[
                        ("", _("Not assessed yet")),
                        ("0", _("Not met (0 points)")),
                        (
                            str(indicator.points),
                            _("Met (%(points)s points)") % {"points": indicator.points},
                        ),
                    ],
                )
            else:
                fields["score"] = forms.DecimalField(
                    label=_("Score (0–%(points)s)") % {"points": indicator.points},
                    required=False,
                    min_value=Decimal("0"),
                    max_value=indicator.points,
                    decimal_places=1,
                )
        # The scored fields first, then the note and the evidence.
        self.fields = {**fields, **self.fields}

    def service_kwargs(self) -> dict[str, Any]:
        """What ``services.item_assess`` takes from the cleaned data."""
        data = self.cleaned_data
        kwargs: dict[str, Any] = {"note": data.get("note", ""), "version": data.get("version")}
        if "present" in self.fields:
            present = set(data.get("present") or [])
            kwargs["missing_elements"] = [e for e in self.indicator.elements if e not in present]
        elif "score" in self.fields:
            value = data.get("score")
            kwargs["score"] = Decimal(str(value)) if value not in (None, "") else None
        return kwargs


class StepForm(forms.Form):
    """A step of the assessment workflow, with its comment."""

    STEPS = (
        "submit",
        "district_accept",
        "district_return",
        "city_accept",
        "city_return",
    )

    step = forms.ChoiceField(choices=[(s, s) for s in STEPS], widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    comment = _text(_("Comments"), rows=3)


class RectificationForm(forms.Form):
    """The office's measure, who is responsible, and the due date of a rectification."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    measure = _text(_("Rectification measure"), rows=4)
    owner = forms.CharField(label=_("Responsible"), max_length=100, required=False)
    due_on = _date(_("Due on"))


class RectificationStepForm(forms.Form):
    """Start, report done, verify or send back a rectification."""

    STEPS = ("start", "done", "verify", "reject")

    step = forms.ChoiceField(choices=[(s, s) for s in STEPS], widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    note = _text(_("Note"), rows=2)


class EvidenceForm(forms.Form):
    evidence = forms.FileField(label=_("Evidence"))


class DemonstrationForm(forms.Form):
    """The city designates an office a demonstration unit for a year."""

    year = forms.IntegerField(
        label=_("Year"), min_value=2000, max_value=2100, initial=lambda: timezone.localdate().year
    )
    office = forms.ModelChoiceField(
        label=_("Office"),
        queryset=Unit.objects.filter(kind=UnitKind.OFFICE, is_active=True).order_by("path"),
    )
    note = _text(_("Note"), rows=2)


class UndesignateForm(forms.Form):
    demonstration = forms.UUIDField(widget=forms.HiddenInput)
