"""Forms of the mediation ledger: intake, each workflow step, committees, screening."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sifasuo.mediation.choices import (
    CaseSource,
    CommitteeType,
    ConfirmationResult,
    Employment,
    MediatorPosition,
    Outcome,
    PartyKind,
    PartyRole,
    Performance,
    RecordKind,
    ReferralOrgan,
    RefusalReason,
    RiskLevel,
    Satisfaction,
    TransferKind,
    VisitMethod,
)
from sifasuo.mediation.models import DisputeCategory, Mediator
from sifasuo.mediation.services import PartyInput, ScreeningItemInput
from sifasuo.orgs.models import Division, Unit
from sifasuo.people.choices import IdType, Sex
from sifasuo.people.forms import StyledForm


def _date(label: Any, required: bool = True, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        **kwargs,
    )


def _today() -> Any:
    return timezone.localdate()


def _text(label: Any, required: bool = True, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


def party_fields(prefix: str, label: Any, required: bool = True) -> dict[str, forms.Field]:
    """The fields of one party: natural person (registry) or organisation."""
    return {
        f"{prefix}_kind": forms.ChoiceField(
            label=_("%(party)s: kind") % {"party": label},
            choices=PartyKind.choices,
            initial=PartyKind.PERSON,
            required=required,
        ),
        f"{prefix}_name": forms.CharField(
            label=_("%(party)s: name") % {"party": label}, max_length=100, required=required
        ),
        f"{prefix}_sex": forms.ChoiceField(
            label=_("%(party)s: sex") % {"party": label},
            choices=Sex.choices,
            initial=Sex.UNKNOWN,
            required=False,
        ),
        f"{prefix}_id_type": forms.ChoiceField(
            label=_("%(party)s: document type") % {"party": label},
            choices=IdType.choices,
            required=False,
        ),
        f"{prefix}_id_number": forms.CharField(
            label=_("%(party)s: document number") % {"party": label},
            max_length=40,
            required=False,
            help_text=_("A number already registered links that person (enter once)."),
        ),
        f"{prefix}_phone": forms.CharField(
            label=_("%(party)s: phone") % {"party": label}, max_length=20, required=False
        ),
    }


def party_input(data: dict[str, Any], prefix: str, role: str) -> PartyInput | None:
    """Build a service input from a form's cleaned data (None when the party is empty)."""
    name = (data.get(f"{prefix}_name") or "").strip()
    if not name:
        return None
    return PartyInput(
        role=role,
        name=name,
        kind=data.get(f"{prefix}_kind") or PartyKind.PERSON,
        id_type=data.get(f"{prefix}_id_type") or IdType.RESIDENT_ID,
        id_number=(data.get(f"{prefix}_id_number") or "").strip(),
        phone=(data.get(f"{prefix}_phone") or "").strip(),
        sex=data.get(f"{prefix}_sex") or Sex.UNKNOWN,
    )


def style_fields(form: forms.Form) -> None:
    """Give fields added after ``StyledForm.__init__`` the same Bootstrap classes."""
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


class PartiesFormMixin(forms.Form):
    """An applicant and a respondent, each a person or an organisation."""

    def add_party_fields(self) -> None:
        """Add both parties' fields: only the names are required."""
        self.fields.update(party_fields("applicant", _("Applicant")))
        self.fields.update(party_fields("respondent", _("Respondent")))
        for name, field in self.fields.items():
            if name.startswith(("applicant_", "respondent_")) and not name.endswith("_name"):
                field.required = False
        style_fields(self)

    def parties(self) -> list[PartyInput]:
        found = [
            party_input(self.cleaned_data, "applicant", PartyRole.APPLICANT),
            party_input(self.cleaned_data, "respondent", PartyRole.RESPONDENT),
        ]
        return [p for p in found if p is not None]


class CaseIntakeForm(PartiesFormMixin, StyledForm):
    """受理登记: register a dispute at a committee."""

    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    committee = forms.ModelChoiceField(label=_("Committee"), queryset=Unit.objects.none())
    received_on = _date(_("Received on"), initial=_today)
    source = forms.ChoiceField(label=_("Source"), choices=CaseSource.choices)
    referral_organ = forms.ChoiceField(
        label=_("Referred by"),
        choices=[("", "—"), *ReferralOrgan.choices],
        required=False,
        help_text=_("Only for entrusted or referred cases."),
    )
    category = forms.ModelChoiceField(
        label=_("Dispute category"), queryset=DisputeCategory.objects.filter(is_active=True)
    )
    summary = _text(_("Summary of the dispute"), rows=4)
    amount_involved = forms.DecimalField(
        label=_("Amount involved (yuan)"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0"),
        initial=Decimal("0"),
    )
    people_involved = forms.IntegerField(label=_("People involved"), min_value=1, initial=2)

    def __init__(self, *args: Any, committees: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if committees is not None:
            self.fields["committee"].queryset = committees  # type: ignore[attr-defined]
        if committees is not None and committees.count() == 1:
            self.fields["committee"].initial = committees.first()
        self.add_party_fields()


class VersionedForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AcceptForm(VersionedForm):
    accepted_on = _date(_("Accepted on"), initial=_today)
    mediators = forms.ModelMultipleChoiceField(
        label=_("Mediators"),
        queryset=Mediator.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, mediators: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if mediators is not None:
            self.fields["mediators"].queryset = mediators  # type: ignore[attr-defined]


class RefuseForm(VersionedForm):
    reason = forms.ChoiceField(label=_("Reason"), choices=RefusalReason.choices)
    note = _text(_("Explanation"), required=False)


class RecordForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=RecordKind.choices)
    held_on = _date(_("Date"), initial=_today)
    place = forms.CharField(label=_("Place"), max_length=100, required=False)
    mediators = forms.ModelMultipleChoiceField(
        label=_("Mediators"),
        queryset=Mediator.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    content = _text(_("Record"), rows=6)
    attachment = forms.FileField(label=_("Attachment"), required=False)

    def __init__(self, *args: Any, mediators: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if mediators is not None:
            self.fields["mediators"].queryset = mediators  # type: ignore[attr-defined]


class ExtendForm(VersionedForm):
    extended_on = _date(_("Extended on"), initial=_today)
    consent = _text(_("Both parties' consent"))


class ConcludeForm(VersionedForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    concluded_on = _date(_("Date"), initial=_today)
    facts = _text(_("Facts, disputed matters and each party's liability"), required=False)
    agreement_terms = _text(_("Agreed terms"), required=False)
    performance_manner = forms.CharField(
        label=_("Manner of performance"), max_length=200, required=False
    )
    performance_deadline = _date(_("Perform by"), required=False)
    agreement_amount = forms.DecimalField(
        label=_("Amount agreed (yuan)"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0"),
        initial=Decimal("0"),
        required=False,
    )
    routes_informed = forms.BooleanField(
        label=_("The parties were told of the arbitration, administrative and judicial routes"),
        required=False,
    )
    termination_note = _text(_("Why mediation ended"), required=False)


class ConfirmationApplyForm(VersionedForm):
    applied_on = _date(_("Applied on"), initial=_today)
    court = forms.CharField(label=_("Court"), max_length=100)


class ConfirmationResultForm(VersionedForm):
    result = forms.ChoiceField(
        label=_("Court's decision"),
        choices=[(v, label) for v, label in ConfirmationResult.choices if v != "PENDING"],
    )


class VisitForm(StyledForm):
    visited_on = _date(_("Visited on"), initial=_today)
    method = forms.ChoiceField(label=_("Method"), choices=VisitMethod.choices)
    performance = forms.ChoiceField(
        label=_("Performance"),
        choices=[(v, label) for v, label in Performance.choices if v != Performance.PENDING],
    )
    satisfaction = forms.ChoiceField(label=_("Satisfaction"), choices=Satisfaction.choices)
    notes = _text(_("Notes"), required=False)


class CloseForm(VersionedForm):
    closed_on = _date(_("Closed on"), initial=_today)
    note = forms.CharField(label=_("File note"), max_length=300, required=False)


class TransferForm(StyledForm):
    to_unit = forms.ModelChoiceField(label=_("To committee"), queryset=Unit.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=TransferKind.choices)
    reason = _text(_("Reason"))

    def __init__(self, *args: Any, committees: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if committees is not None:
            self.fields["to_unit"].queryset = committees  # type: ignore[attr-defined]


class DecideTransferForm(StyledForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept the request")), ("reject", _("Decline the request"))],
    )
    note = _text(_("Note"), required=False)


class AddPartyForm(StyledForm):
    role = forms.ChoiceField(label=_("Role"), choices=PartyRole.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(party_fields("party", _("Party")))
        style_fields(self)

    def party(self) -> PartyInput | None:
        return party_input(self.cleaned_data, "party", self.cleaned_data["role"])


class DocumentSearchForm(StyledForm):
    """Exact search of cases by a party's document number (a POST; never in a URL)."""

    id_type = forms.ChoiceField(label=_("Document type"), choices=IdType.choices)
    id_number = forms.CharField(label=_("Party's document number"), max_length=40)


class CommitteeProfileForm(VersionedForm):
    committee_type = forms.ChoiceField(label=_("Committee type"), choices=CommitteeType.choices)
    served_place = forms.CharField(
        label=_("Place or sector served"), max_length=100, required=False
    )
    established_on = _date(_("Established on"), required=False)
    term_start = _date(_("Term of office from"), required=False)
    term_end = _date(
        _("Term of office until"),
        required=False,
        help_text=_("Empty: three years from the start (art. 9)."),
    )


class MediatorForm(StyledForm):
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name"), max_length=60)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    id_type = forms.ChoiceField(label=_("Document type"), choices=IdType.choices)
    id_number = forms.CharField(
        label=_("Document number"),
        max_length=40,
        required=False,
        help_text=_("A number already registered links that person (enter once)."),
    )
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    position = forms.ChoiceField(label=_("Position"), choices=MediatorPosition.choices)
    employment = forms.ChoiceField(label=_("Employment"), choices=Employment.choices)
    joined_on = _date(_("Joined on"), required=False)
    training_hours = forms.DecimalField(
        label=_("Training hours this year"),
        max_digits=6,
        decimal_places=1,
        min_value=Decimal("0"),
        initial=Decimal("0"),
    )
    training_note = forms.CharField(label=_("Training"), max_length=200, required=False)


class MediatorEditForm(VersionedForm):
    position = forms.ChoiceField(label=_("Position"), choices=MediatorPosition.choices)
    employment = forms.ChoiceField(label=_("Employment"), choices=Employment.choices)
    joined_on = _date(_("Joined on"), required=False)
    training_hours = forms.DecimalField(
        label=_("Training hours this year"), max_digits=6, decimal_places=1, min_value=Decimal("0")
    )
    training_note = forms.CharField(label=_("Training"), max_length=200, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False)


SCREENING_ROWS = 3


class ScreeningForm(StyledForm):
    """A month's screening report for a village or town; leave the rows empty for "none"."""

    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    unit = forms.ModelChoiceField(label=_("Reporting unit"), queryset=Unit.objects.none())
    division = forms.ModelChoiceField(label=_("Village or town"), queryset=Division.objects.none())
    period = forms.DateField(
        label=_("Month screened"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=forms.DateInput(format="%Y-%m", attrs={"type": "month"}),
    )
    reported_on = _date(_("Reported on"), initial=_today)
    note = _text(_("Note"), required=False, rows=2)

    def __init__(self, *args: Any, units: Any = None, divisions: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        if divisions is not None:
            self.fields["division"].queryset = divisions  # type: ignore[attr-defined]
        categories = DisputeCategory.objects.filter(is_active=True)
        for n in range(1, SCREENING_ROWS + 1):
            self.fields[f"item{n}_description"] = forms.CharField(
                label=_("Dispute %(n)d: description") % {"n": n}, max_length=500, required=False
            )
            self.fields[f"item{n}_category"] = forms.ModelChoiceField(
                label=_("Dispute %(n)d: category") % {"n": n}, queryset=categories, required=False
            )
            self.fields[f"item{n}_risk"] = forms.ChoiceField(
                label=_("Dispute %(n)d: risk") % {"n": n}, choices=RiskLevel.choices, required=False
            )
        style_fields(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for n in range(1, SCREENING_ROWS + 1):
            if data.get(f"item{n}_description") and not data.get(f"item{n}_category"):
                self.add_error(f"item{n}_category", _("Choose the category of this dispute."))
        return data

    def items(self) -> list[ScreeningItemInput]:
        rows = []
        for n in range(1, SCREENING_ROWS + 1):
            description = (self.cleaned_data.get(f"item{n}_description") or "").strip()
            if description:
                rows.append(
                    ScreeningItemInput(
                        category=self.cleaned_data[f"item{n}_category"],
                        description=description,
                        risk_level=self.cleaned_data.get(f"item{n}_risk") or RiskLevel.LOW,
                    )
                )
        return rows


class ScreeningToCaseForm(PartiesFormMixin, StyledForm):
    received_on = _date(_("Received on"), initial=_today)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_party_fields()


class ImportForm(StyledForm):
    committee = forms.ModelChoiceField(label=_("Committee"), queryset=Unit.objects.none())
    file = forms.FileField(label=_("Excel workbook (.xlsx)"))

    def __init__(self, *args: Any, committees: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if committees is not None:
            self.fields["committee"].queryset = committees  # type: ignore[attr-defined]
