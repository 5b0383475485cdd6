"""Forms of the resettlement ledger: register, each step, reveal, remote visitation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sifasuo.core.filetypes import UnsafeArchiveError, sniff
from sifasuo.orgs.models import Unit
from sifasuo.people.choices import IdType
from sifasuo.people.forms import StyledForm
from sifasuo.resettlement.choices import (
    MAX_VISITORS,
    HandoverMethod,
    MeasureKind,
    MeasureResult,
    Relationship,
    ReleaseType,
    RiskLevel,
    TeamRole,
    VisitMethod,
)
from sifasuo.resettlement.models import AssistanceMeasure


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


class VersionedForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class DocumentSearchForm(StyledForm):
    """Exact search by the person's document number (a POST; never in a URL)."""

    id_type = forms.ChoiceField(label=_("Document type"), choices=IdType.choices)
    id_number = forms.CharField(label=_("Document number"), max_length=40)


class RegisterForm(StyledForm):
    """Open a file from the prison's notice (刑满释放人员通知书)."""

    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    office = forms.ModelChoiceField(label=_("Responsible office"), queryset=Unit.objects.none())
    name = forms.CharField(label=_("Name"), max_length=60)
    id_type = forms.ChoiceField(label=_("Document type"), choices=IdType.choices)
    id_number = forms.CharField(label=_("Document number"), max_length=40)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    release_type = forms.ChoiceField(label=_("Release type"), choices=ReleaseType.choices)
    released_on = _date(_("Release date"))
    prison = forms.CharField(label=_("Prison or detention centre"), max_length=100)
    crime = _text(_("Crime"), rows=2)
    sentence = forms.CharField(label=_("Sentence"), max_length=200)
    is_key_person = forms.BooleanField(
        label=_("Key person (must be met at the gate)"), required=False
    )
    notice_received_on = _date(_("Prison's notice received on"), required=False, initial=_today)

    def __init__(self, *args: Any, offices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["office"]
        field.queryset = offices
        if offices.count() == 1:
            field.initial = offices.first()
        self.fields["is_key_person"].widget.attrs["class"] = "form-check-input"


class EditForm(VersionedForm):
    """Correct the release details; criminal history is entered again, never shown."""

    release_type = forms.ChoiceField(label=_("Release type"), choices=ReleaseType.choices)
    released_on = _date(_("Release date"))
    prison = forms.CharField(label=_("Prison or detention centre"), max_length=100, required=False)
    crime = _text(
        _("Crime"), required=False, rows=2, help_text=_("Leave empty to keep the value on file.")
    )
    sentence = forms.CharField(
        label=_("Sentence"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to keep the value on file."),
    )
    is_key_person = forms.BooleanField(label=_("Key person"), required=False)
    notice_received_on = _date(_("Prison's notice received on"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["is_key_person"].widget.attrs["class"] = "form-check-input"

    def changes(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        for secret in ("crime", "sentence"):
            if not data.get(secret):
                data.pop(secret, None)
        return data


class RevealForm(forms.Form):
    field = forms.ChoiceField(
        choices=[("crime", "crime"), ("sentence", "sentence"), ("reoffence_note", "reoffence")]
    )
    reason = forms.CharField(max_length=200)


# Steps ------------------------------------------------------------------------------------


class FamilyNoticeForm(VersionedForm):
    notified_on = _date(_("Family notified on"), initial=_today)


class HandoverForm(VersionedForm):
    method = forms.ChoiceField(
        label=_("Hand-over"),
        choices=[
            (HandoverMethod.MET_AT_GATE, HandoverMethod.MET_AT_GATE.label),
            (HandoverMethod.REPORTED_IN, HandoverMethod.REPORTED_IN.label),
        ],
    )
    handed_over_on = _date(_("Handed over on"), initial=_today)
    handed_over_by = forms.CharField(
        label=_("Met or received by"),
        max_length=200,
        help_text=_("Names and organisations: office staff, village cadre, family."),
    )
    reported_on = _date(_("Reported in on"), required=False)


class ReportInForm(VersionedForm):
    reported_on = _date(_("Reported in on"), initial=_today)


class KnownForm(VersionedForm):
    known_on = _date(_("Situation known on"), initial=_today)


class TeamMemberForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=60)
    role = forms.ChoiceField(label=_("Role in the team"), choices=TeamRole.choices)
    organisation = forms.CharField(label=_("Organisation"), max_length=100, required=False)
    joined_on = _date(_("Joined on"), initial=_today)


class AgreementForm(VersionedForm):
    signed_on = _date(_("Agreement signed on"), initial=_today)


class MeasureForm(StyledForm):
    kind = forms.ChoiceField(label=_("Measure"), choices=MeasureKind.choices)
    started_on = _date(_("Started on"), initial=_today)
    result = forms.ChoiceField(label=_("Result"), choices=MeasureResult.choices)
    result_on = _date(_("Result on"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class MeasureResultForm(StyledForm):
    measure = forms.ModelChoiceField(label=_("Measure"), queryset=AssistanceMeasure.objects.none())
    result = forms.ChoiceField(
        label=_("Result"),
        choices=[(v, label) for v, label in MeasureResult.choices if v != MeasureResult.PENDING],
    )
    result_on = _date(_("Result on"), initial=_today)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, measures: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if measures is not None:
            self.fields["measure"].queryset = measures  # type: ignore[attr-defined]


class VisitForm(StyledForm):
    visited_on = _date(_("Visited on"), initial=_today)
    method = forms.ChoiceField(label=_("Method"), choices=VisitMethod.choices)
    visitors = forms.CharField(label=_("Visited by"), max_length=200)
    notes = _text(_("Notes"), required=False)


class RiskForm(StyledForm):
    assessed_on = _date(_("Assessed on"), initial=_today)
    level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices)
    notes = _text(_("Notes"), required=False)


class LostContactForm(VersionedForm):
    lost_contact_on = _date(_("Lost contact on"), initial=_today)
    police_reported_on = _date(_("Reported to the police on"), initial=_today)
    police_station = forms.CharField(label=_("Police station"), max_length=100)


class RestoreForm(VersionedForm):
    restored_on = _date(_("Contact restored on"), initial=_today)


class ReoffenceForm(VersionedForm):
    reoffended_on = _date(_("Re-offended on"))
    note = _text(_("Offence and measures taken"), rows=2)


class DeathForm(VersionedForm):
    died_on = _date(_("Died on"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class CloseForm(VersionedForm):
    closed_on = _date(_("File closed on"), initial=_today)
    note = forms.CharField(label=_("Closing note"), max_length=300, required=False)


# Remote visitation ------------------------------------------------------------------------


def check_upload(upload: Any) -> Any:
    """Refuse a proof file by its real content and size (the service checks again)."""
    if upload is None:
        return upload
    if (upload.size or 0) > settings.ATTACHMENT_MAX_BYTES:
        limit = settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
        raise forms.ValidationError(
            _("The file is larger than %(limit)d MB."), params={"limit": limit}
        )
    try:
        kind = sniff(upload.file)
    except UnsafeArchiveError as exc:
        raise forms.ValidationError(_("The file expands to more than the allowed size.")) from exc
    if kind not in ("pdf", "jpeg", "png"):
        raise forms.ValidationError(_("Upload a photo (JPEG, PNG) or a PDF of the proof."))
    return upload


class VisitationApplyForm(StyledForm):
    """A family's request for a remote visit (the portal's VISITATION kind, and the counter)."""

    applicant_name = forms.CharField(label=_("Your name"), max_length=60)
    applicant_phone = forms.CharField(label=_("Your phone"), max_length=20, required=False)
    prisoner_name = forms.CharField(label=_("Prisoner's name"), max_length=60)
    prison = forms.CharField(label=_("Prison"), max_length=100)
    relationship = forms.ChoiceField(
        label=_("Your relationship to the prisoner"), choices=Relationship.choices
    )
    proof = forms.FileField(
        label=_("Proof of the relationship"),
        help_text=_("Household register, certificate or police statement: photo or PDF."),
    )

    def __init__(self, *args: Any, office: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.office = office
        for n in range(1, MAX_VISITORS + 1):
            self.fields[f"visitor_{n}_name"] = forms.CharField(
                label=_("Visitor %(n)d: name") % {"n": n}, max_length=60, required=n == 1
            )
            self.fields[f"visitor_{n}_relationship"] = forms.ChoiceField(
                label=_("Visitor %(n)d: relationship") % {"n": n},
                choices=[("", "—"), *Relationship.choices],
                required=n == 1,
            )
            for suffix in ("name", "relationship"):
                field = self.fields[f"visitor_{n}_{suffix}"]
                css = "form-select" if suffix == "relationship" else "form-control"
                field.widget.attrs.setdefault("class", css)
        self.fields["proof"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png"

    def clean_proof(self) -> Any:
        return check_upload(self.cleaned_data.get("proof"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        visitors = []
        for n in range(1, MAX_VISITORS + 1):
            name = (data.get(f"visitor_{n}_name") or "").strip()
            relationship = data.get(f"visitor_{n}_relationship") or ""
            if name and not relationship:
                self.add_error(f"visitor_{n}_relationship", _("Choose the relationship."))
            if name:
                visitors.append({"name": name, "relationship": relationship})
        data["visitors"] = visitors
        return data


class CounterVisitationForm(VisitationApplyForm):
    """The same request taken at the office's counter (the proof may be seen on paper)."""

    form_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["applicant_name"].label = _("Applicant")
        self.fields["applicant_phone"].label = _("Applicant's phone")
        self.fields["relationship"].label = _("Applicant's relationship to the prisoner")
        self.fields["proof"].required = False
        self.fields["proof"].help_text = _("Scan of the proof seen at the counter (optional).")


class ForwardForm(VersionedForm):
    forwarded_on = _date(_("Forwarded to the prison on"), initial=_today)


class BookForm(VersionedForm):
    slot_at = forms.DateTimeField(
        label=_("Booked slot"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"}),
    )


class HeldForm(VersionedForm):
    held_on = _date(_("Held on"), initial=_today)


class ReasonForm(VersionedForm):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class VisitationSystemForm(VersionedForm):
    installed = forms.BooleanField(label=_("Remote visitation system installed"), required=False)
    installed_on = _date(_("Installed on"), required=False)
    terminal_location = forms.CharField(
        label=_("Terminal location"), max_length=200, required=False
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["installed"].widget.attrs["class"] = "form-check-input"
