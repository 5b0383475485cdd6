"""Forms of the rule-of-law ledgers: one per page or workflow step."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sifasuo.accounts.models import User
from sifasuo.governance.choices import (
    Adoption,
    CandidateResult,
    CheckResult,
    Conclusion,
    Consent,
    InterferenceCategory,
    MatterType,
    OpinionSource,
    RectificationStatus,
    SupervisionKind,
)
from sifasuo.governance.models import DraftClause, JurorExclusionGround, ReviewChecklistItem
from sifasuo.governance.services import ChangeInput, CheckInput
from sifasuo.orgs.models import Unit
from sifasuo.people.forms import StyledForm

CHANGE_ROWS = 5


def _date(label: Any, required: bool = True, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        **kwargs,
    )


def _today() -> Any:
    return timezone.localdate()


def _text(label: Any, required: bool = True, rows: int = 3, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}), **kwargs
    )


def _units(label: Any) -> forms.ModelChoiceField:  # type: ignore[type-arg]
    return forms.ModelChoiceField(label=label, queryset=Unit.objects.none(), to_field_name="code")


class VersionedForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CreateForm(StyledForm):
    """A create form: the hidden one-time token makes a double submit harmless."""

    form_token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "unit" in self.fields and units is not None:
            field: Any = self.fields["unit"]
            field.queryset = units
            if units.count() == 1:
                field.initial = units.first()

    def payload(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("form_token", "file")}
        unit = data.get("unit")
        if isinstance(unit, Unit):
            data["unit"] = unit.code
        return data


# Legality review -------------------------------------------------------------------------


class ReviewForm(CreateForm):
    unit = _units(_("Reviewing office"))
    matter_type = forms.ChoiceField(label=_("Type of matter"), choices=MatterType.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    submitting_body = forms.CharField(
        label=_("Submitted by"), max_length=100, initial="镇（街道）党政办公室"
    )
    received_on = _date(_("Received on"), initial=_today)
    file = forms.FileField(label=_("Draft submitted (first version)"), required=False)


class ReviewEditForm(VersionedForm):
    matter_type = forms.ChoiceField(label=_("Type of matter"), choices=MatterType.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    submitting_body = forms.CharField(label=_("Submitted by"), max_length=100)
    received_on = _date(_("Received on"))


class MaterialForm(VersionedForm):
    file = forms.FileField(label=_("File"))
    note = forms.CharField(label=_("What changed"), max_length=200, required=False)


class AssignForm(VersionedForm):
    reviewer: forms.ModelChoiceField = forms.ModelChoiceField(  # type: ignore[type-arg]
        label=_("Reviewer"), queryset=User.objects.none()
    )

    def __init__(self, *args: Any, reviewers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["reviewer"]
        field.queryset = reviewers


class OpinionForm(VersionedForm):
    """The review opinion: the checklist, the conclusion, the changes clause by clause."""

    conclusion = forms.ChoiceField(label=_("Conclusion"), choices=Conclusion.choices)
    issued_on = _date(_("Opinion issued on"), initial=_today)
    opinion_text = _text(_("Review opinion"), rows=5)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item in ReviewChecklistItem.objects.filter(is_active=True):
            self.fields[f"check_{item.code}"] = forms.ChoiceField(
                label=item.name,
                choices=CheckResult.choices,
                help_text=item.guidance,
                initial=CheckResult.PASS,
            )
            self.fields[f"check_{item.code}_note"] = forms.CharField(
                label=_("%(item)s: note") % {"item": item.name}, max_length=300, required=False
            )
        for n in range(1, CHANGE_ROWS + 1):
            self.fields[f"change_{n}_clause"] = forms.CharField(
                label=_("Change %(n)d: clause") % {"n": n}, max_length=60, required=False
            )
            self.fields[f"change_{n}_problem"] = _text(
                _("Change %(n)d: problem") % {"n": n}, required=False, rows=2
            )
            self.fields[f"change_{n}_suggestion"] = _text(
                _("Change %(n)d: suggested change") % {"n": n}, required=False, rows=2
            )
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


def opinion_checks(data: dict[str, Any]) -> list[CheckInput]:
    """The checklist answers of a valid ``OpinionForm``."""
    return [
        CheckInput(
            item=item,
            result=data[f"check_{item.code}"],
            note=data.get(f"check_{item.code}_note", ""),
        )
        for item in ReviewChecklistItem.objects.filter(is_active=True)
        if f"check_{item.code}" in data
    ]


def opinion_changes(data: dict[str, Any]) -> list[ChangeInput]:
    """The clause-by-clause changes entered on a valid ``OpinionForm``."""
    result = []
    for n in range(1, CHANGE_ROWS + 1):
        parts = [data.get(f"change_{n}_{p}", "") for p in ("clause", "problem", "suggestion")]
        if any(p.strip() for p in parts):
            result.append(ChangeInput(*parts))
    return result


class AdoptionForm(VersionedForm):
    adoption = forms.ChoiceField(label=_("Adopted by the town"), choices=Adoption.choices)
    adoption_note = _text(_("What was not adopted, and why"), required=False, rows=2)


class FilingForm(VersionedForm):
    filed_on = _date(_("Filed on"), initial=_today)


# Enforcement supervision -----------------------------------------------------------------


class SupervisionFields(forms.Form):
    enforcement_unit = forms.CharField(
        label=_("Enforcement unit supervised"), max_length=100, initial="镇（街道）综合执法办公室"
    )
    kind = forms.ChoiceField(label=_("Type"), choices=SupervisionKind.choices)
    held_on = _date(_("Date"), initial=_today)
    subject = forms.CharField(label=_("Topic of the supervision"), max_length=200)
    findings = _text(_("Findings"), required=False, rows=4)
    problems_found = forms.IntegerField(label=_("Problems found"), min_value=0, initial=0)


class SupervisionForm(CreateForm, SupervisionFields):
    unit = _units(_("Office"))

    field_order = ["unit", "enforcement_unit", "kind", "held_on", "subject"]


class SupervisionEditForm(VersionedForm, SupervisionFields):
    pass


class RectificationForm(VersionedForm):
    issue = _text(_("Problem to rectify"), rows=3)
    requested_on = _date(_("Requested on"), initial=_today)
    due_on = _date(
        _("To rectify by"),
        required=False,
        help_text=_("Empty: the default period of the rule (30 days)."),
    )


class RectificationCloseForm(VersionedForm):
    status = forms.ChoiceField(
        label=_("Result"),
        choices=[
            (RectificationStatus.DONE, RectificationStatus.DONE.label),
            (RectificationStatus.NOT_DONE, RectificationStatus.NOT_DONE.label),
        ],
    )
    result = _text(_("What the check found"), rows=2)
    completed_on = _date(_("Checked on"), initial=_today)


# Legislative opinions --------------------------------------------------------------------


class DraftFields(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    issuing_body = forms.CharField(label=_("Drafting body"), max_length=100)
    introduction = _text(_("Introduction"), required=False, rows=3)
    text = _text(
        _("Full text"),
        rows=12,
        help_text=_("Each clause starts on a new line with 第…条; the text is split there."),
    )
    opens_on = _date(_("Open for comment from"), initial=_today)
    closes_on = _date(_("Open for comment until"))


class DraftForm(CreateForm, DraftFields):
    unit = _units(_("Publishing bureau"))

    field_order = ["unit", "title", "issuing_body"]


class DraftEditForm(VersionedForm, DraftFields):
    pass


class ClauseForm(StyledForm):
    """Correct one clause: the clause's own version guards against a concurrent change."""

    clause = forms.ModelChoiceField(
        label=_("Clause"), queryset=DraftClause.objects.none(), to_field_name="public_id"
    )
    heading = forms.CharField(label=_("Clause number"), max_length=30)
    text = _text(_("Text"), rows=4)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, clauses: Any = None, **kwargs: Any) -> None:
        kwargs.get("initial", {}).pop("version", None)  # the draft's, not the clause's
        super().__init__(*args, **kwargs)
        if clauses is not None:
            field: Any = self.fields["clause"]
            field.queryset = clauses
            field.label_from_instance = lambda c: f"{c.heading} {c.text[:20]}"


class PublishForm(VersionedForm):
    pass


def _clause_field(label: Any) -> forms.ModelChoiceField:  # type: ignore[type-arg]
    return forms.ModelChoiceField(
        label=label,
        queryset=DraftClause.objects.none(),
        required=False,
        to_field_name="public_id",
        empty_label=str(_("The whole draft")),
    )


class OfficeOpinionForm(CreateForm):
    unit = _units(_("Collected by"))
    clause = _clause_field(_("Clause"))
    source = forms.ChoiceField(
        label=_("Source"), choices=[c for c in OpinionSource.choices if c[0] != "ONLINE"]
    )
    meeting = forms.CharField(
        label=_("Meeting or channel"),
        max_length=200,
        required=False,
        help_text=_("e.g. 援法议事协商会, 基层立法联系点座谈会"),
    )
    people_count = forms.IntegerField(label=_("Number of people"), min_value=1, initial=1)
    text = _text(_("Opinion"), rows=4)
    submitted_on = _date(_("Gathered on"), initial=_today)

    def __init__(self, *args: Any, clauses: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if clauses is not None:
            field: Any = self.fields["clause"]
            field.queryset = clauses
            field.label_from_instance = lambda c: c.heading

    def payload(self) -> dict[str, Any]:
        data = super().payload()
        clause = data.get("clause")
        data["clause"] = str(clause.public_id) if clause else ""
        return data


class AnswerForm(VersionedForm):
    adoption = forms.ChoiceField(label=_("Answer"), choices=Adoption.choices)
    reason = _text(_("Reason"), required=False, rows=2)


class CommentForm(CreateForm):
    """A citizen's comment on one clause, from a phone."""

    clause = _clause_field(_("Clause"))
    text = _text(_("Your opinion"), rows=5, max_length=2000)

    def __init__(self, *args: Any, clauses: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if clauses is not None:
            field: Any = self.fields["clause"]
            field.queryset = clauses
            field.label_from_instance = lambda c: c.heading

    def payload(self) -> dict[str, Any]:
        data = super().payload()
        clause = data.get("clause")
        data["clause"] = str(clause.public_id) if clause else ""
        return data


# Juror selection -------------------------------------------------------------------------


class RoundForm(CreateForm):
    unit = _units(_("District bureau"))
    title = forms.CharField(label=_("Title"), max_length=200)
    court_name = forms.CharField(label=_("Court"), max_length=100)
    quota = forms.IntegerField(label=_("Jurors to appoint"), min_value=1)
    pool_multiple = forms.IntegerField(
        label=_("Candidates per juror"),
        min_value=5,
        initial=5,
        help_text=_("At least five times the number to appoint (People's Jurors Law art. 9)."),
    )
    min_age = forms.IntegerField(
        label=_("Minimum age"),
        min_value=28,
        initial=28,
        help_text=_("At least 28 (People's Jurors Law art. 5)."),
    )


class DrawForm(VersionedForm):
    draw_date = _date(_("Draw date"), initial=_today)
    seed = forms.CharField(
        label=_("Random seed"),
        max_length=40,
        required=False,
        help_text=_("Empty: a new random seed. The seed is kept so anyone can repeat the draw."),
    )


class VerifyForm(VersionedForm):
    grounds = forms.ModelMultipleChoiceField(
        label=_("Exclusion grounds found"),
        queryset=JurorExclusionGround.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick every ground that applies; none ticked: eligible."),
    )
    consent = forms.ChoiceField(label=_("Agrees to serve"), choices=Consent.choices)
    verified_on = _date(_("Verified on"), initial=_today)
    note = _text(_("Verification note"), required=False, rows=2)


class DecideForm(VersionedForm):
    result = forms.ChoiceField(
        label=_("Result"),
        choices=[
            (CandidateResult.SELECTED, CandidateResult.SELECTED.label),
            (CandidateResult.EXCLUDED, CandidateResult.EXCLUDED.label),
        ],
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class CompleteForm(VersionedForm):
    pass


# The "three rules" register --------------------------------------------------------------


class EntryFields(forms.Form):
    occurred_on = _date(_("Date"), initial=_today)
    category = forms.ChoiceField(label=_("Who"), choices=InterferenceCategory.choices)
    who = forms.CharField(label=_("Description of the person"), max_length=200)
    case_reference = forms.CharField(label=_("Case concerned"), max_length=200)
    what_asked = _text(_("What was asked or done"), rows=3)
    handling = _text(_("How it was handled"), rows=3)
    reported_to = forms.CharField(label=_("Reported to"), max_length=200, required=False)


class InterferenceForm(CreateForm, EntryFields):
    unit = _units(_("Recording unit"))
    submit = forms.BooleanField(
        label=_("Submit now (the entry can then only be annotated)"), required=False
    )

    field_order = ["unit"]


class InterferenceEditForm(VersionedForm, EntryFields):
    pass


class SubmitForm(VersionedForm):
    pass


class AnnotationForm(StyledForm):
    text = _text(_("Annotation"), rows=3)
