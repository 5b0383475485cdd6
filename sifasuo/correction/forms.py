"""Forms of community correction: registration, each step on the subject page, decisions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sifasuo.correction.choices import (
    ActivityKind,
    Category,
    ContactKind,
    EndReason,
    MeasureKind,
    RequestKind,
    SupervisionClass,
    TeamRole,
)
from sifasuo.correction.models import CRIMINAL_FIELDS
from sifasuo.people.choices import IdType, Sex
from sifasuo.people.forms import StyledForm


def _today() -> Any:
    return timezone.localdate()


def _date(label: Any, required: bool = True, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        **kwargs,
    )


def _text(label: Any, required: bool = True, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


class SubjectForm(StyledForm):
    """Register a subject entrusted to the office (the person is found or registered)."""

    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Full name"), max_length=60)
    id_type = forms.ChoiceField(label=_("Document type"), choices=IdType.choices)
    id_number = forms.CharField(
        label=_("Document number"),
        max_length=40,
        help_text=_("A number already registered links that person (enter once)."),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    address = forms.CharField(label=_("Residence"), max_length=200, required=False)
    category = forms.ChoiceField(label=_("Correction category"), choices=Category.choices)
    decision_organ = forms.CharField(label=_("Decision organ"), max_length=100)
    decision_document = forms.CharField(label=_("Decision document number"), max_length=100)
    judgment_effective_on = _date(_("Judgment or decision effective on"))
    crime = forms.CharField(label=_("Crime"), max_length=200)
    sentence = forms.CharField(label=_("Sentence"), max_length=200)
    criminal_facts = _text(_("Main criminal facts"), required=False)
    period_start = _date(_("Correction period from"))
    period_end = _date(_("Correction period until"))
    supervision_class = forms.ChoiceField(
        label=_("Supervision class"),
        choices=SupervisionClass.choices,
        initial=SupervisionClass.STRICT,
        help_text=_("New subjects are usually under strict supervision for the first months."),
    )
    has_prohibition_order = forms.BooleanField(label=_("Prohibition order"), required=False)
    prohibition_content = _text(_("Content of the prohibition order"), required=False)
    is_five_alone = forms.BooleanField(label=_("“Five alone” (五独)"), required=False)
    is_five_involved = forms.BooleanField(label=_("“Five involved” (五涉)"), required=False)
    has_four_histories = forms.BooleanField(label=_("“Four histories” (四史)"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The correction period cannot end before it starts."))
        if data.get("has_prohibition_order") and not (data.get("prohibition_content") or ""):
            self.add_error("prohibition_content", _("Enter the content of the prohibition order."))
        return data


class VersionedForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReceiveForm(VersionedForm):
    received_on = _date(_("Reported in on"), initial=_today)
    note = _text(_("Reception note"), required=False)


class AnnounceForm(VersionedForm):
    announced_on = _date(_("Announcement held on"), initial=_today)


class PlanForm(VersionedForm):
    plan = _text(_("Individual correction plan"), rows=5)
    review_on = _date(_("Review the plan on"), required=False)


class TeamMemberForm(StyledForm):
    role = forms.ChoiceField(label=_("Role in the team"), choices=TeamRole.choices)
    name = forms.CharField(label=_("Full name"), max_length=60)
    duty = forms.CharField(label=_("Duty"), max_length=200, required=False)


class ContactForm(VersionedForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=ContactKind.choices)
    occurred_on = _date(_("Date"), initial=_today)
    notes = _text(_("Notes"), required=False)


class ActivityForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    held_on = _date(_("Date"), initial=_today)
    hours = forms.DecimalField(
        label=_("Hours spent"), max_digits=5, decimal_places=1, min_value=Decimal("0.5")
    )
    content = forms.CharField(label=_("Content"), max_length=200, required=False)


class ClassChangeForm(VersionedForm):
    to_class = forms.ChoiceField(label=_("New class"), choices=SupervisionClass.choices)
    changed_on = _date(_("Changed on"), initial=_today)
    reason = _text(_("Reason"))


class RequestForm(StyledForm):
    kind = forms.ChoiceField(label=_("Application"), choices=RequestKind.choices)
    destination = forms.CharField(
        label=_("Destination, new residence, place or person"), max_length=200
    )
    reason = _text(_("Reason"))
    applied_on = _date(_("Applied on"), initial=_today)
    start_on = _date(_("From"), required=False)
    end_on = _date(_("Until"), required=False)


class MonitoringForm(StyledForm):
    start_on = _date(_("From"), initial=_today)
    end_on = _date(_("Until"))
    reason = _text(_("Reason and approval"))


class MeasureForm(StyledForm):
    kind = forms.ChoiceField(label=_("Measure"), choices=MeasureKind.choices)
    facts = _text(_("Facts"))
    proposed_on = _date(_("Date"), initial=_today)
    rule = forms.CharField(widget=forms.HiddenInput, required=False)


class EndForm(VersionedForm):
    reason = forms.ChoiceField(label=_("How it ends"), choices=EndReason.choices)
    ended_on = _date(_("Ended on"), initial=_today)
    note = _text(_("Note"), required=False)


DECISIONS = [("approve", _("Approve")), ("refuse", _("Refuse"))]


class DecideForm(VersionedForm):
    """A decision on an application or a proposed measure."""

    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS)
    note = _text(_("Opinion or reason"), required=False, rows=2)
    decided_on = _date(_("Decided on"), initial=_today)


class ReturnForm(VersionedForm):
    returned_on = _date(_("Reported back on"), initial=_today)


class DocumentSearchForm(StyledForm):
    """Exact search of subjects by document number (a POST; never in a URL)."""

    id_type = forms.ChoiceField(label=_("Document type"), choices=IdType.choices)
    id_number = forms.CharField(label=_("Document number"), max_length=40)


class RevealForm(StyledForm):
    field = forms.ChoiceField(choices=[(f, f) for f in CRIMINAL_FIELDS])
    reason = forms.CharField(label=_("Reason"), max_length=200)


class RevealedExportForm(StyledForm):
    """Export with unmasked numbers and crimes: for roles that may reveal, with a reason."""

    reason = forms.CharField(label=_("Reason for the unmasked export"), max_length=200)
    query = forms.CharField(widget=forms.HiddenInput, required=False)
