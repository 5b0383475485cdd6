"""Forms of the tasks and notices: addressing, the task, the reply, the review, the notice.

The offices are chosen without JavaScript: a radio (all offices in the sender's scope, one
district's offices, or those ticked), and checkboxes grouped per district (each district a
``<details>`` with a ``<fieldset>``), which work on a phone and with a screen reader.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sifasuo.orgs.models import Unit
from sifasuo.workorders import selectors
from sifasuo.workorders.choices import AddressMode


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (``<input type=file multiple>``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def _date(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )


def _text(label: Any, rows: int = 6, required: bool = True, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}), **kwargs
    )


class AddressingForm(forms.Form):
    """Who gets it: all offices below the sender, one district's offices (city), or a list."""

    mode = forms.ChoiceField(
        label=_("Send to"), choices=AddressMode.choices, widget=forms.RadioSelect
    )
    district = forms.ChoiceField(label=_("District"), required=False)
    offices = forms.MultipleChoiceField(
        label=_("Offices"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, sender: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sender = sender
        self.groups = selectors.office_groups(sender)
        self.office_by_code = {o.code: o for _, offices in self.groups for o in offices}
        offices_field: Any = self.fields["offices"]
        offices_field.choices = [(code, code) for code in self.office_by_code]
        mode_field: Any = self.fields["mode"]
        self.is_city = sender.kind == "CITY"
        if self.is_city:
            district_field: Any = self.fields["district"]
            district_field.choices = [("", "—")] + [(b.code, b.name) for b, _ in self.groups]
        else:
            mode_field.choices = [c for c in AddressMode.choices if c[0] != AddressMode.DISTRICT]
            del self.fields["district"]
        self.fields["mode"].initial = AddressMode.ALL

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        mode = data.get("mode")
        if mode == AddressMode.ALL:
            data["chosen"] = [o for _, offices in self.groups for o in offices]
        elif mode == AddressMode.DISTRICT:
            code = data.get("district")
            found = [offices for b, offices in self.groups if b.code == code]
            if not found:
                self.add_error("district", _("Choose the district."))
            data["chosen"] = found[0] if found else []
        elif mode == AddressMode.CHOSEN:
            data["chosen"] = [self.office_by_code[c] for c in data.get("offices", [])]
            if not data["chosen"]:
                self.add_error("offices", _("Tick at least one office."))
        return data

    def grouped(self) -> list[dict[str, Any]]:
        """The checkboxes per district, with what is ticked (for the template)."""
        data: Any = self.data
        ticked = set(data.getlist("offices")) if self.is_bound else set()
        return [
            {
                "bureau": bureau,
                "offices": [(o, o.code in ticked) for o in offices],
                "ticked": sum(1 for o in offices if o.code in ticked),
            }
            for bureau, offices in self.groups
        ]


class TaskForm(forms.Form):
    """Send a task: title, instructions, due date, files (the offices: ``AddressingForm``)."""

    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Title"), max_length=200)
    instructions = _text(_("Instructions"), rows=8)
    due_on = _date(_("Due on"))
    attachments = MultipleFileField(label=_("Attachments"))


class TaskEditForm(forms.Form):
    """Correct a task (title, instructions, due date) or add files."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Title"), max_length=200)
    instructions = _text(_("Instructions"), rows=8)
    due_on = _date(_("Due on"))
    attachments = MultipleFileField(label=_("Add attachments"))


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReplyForm(forms.Form):
    """The office's reply: a report and files; "save" keeps a draft, "submit" sends it."""

    SAVE, SUBMIT = "save", "submit"

    version = forms.IntegerField(widget=forms.HiddenInput)
    report = _text(_("Report"), rows=8, required=False)
    attachments = MultipleFileField(label=_("Add files"))


class ReviewForm(forms.Form):
    """The sender's review of a submitted reply: accept it, or return it with a note."""

    ACCEPT, RETURN = "accept", "return"

    version = forms.IntegerField(widget=forms.HiddenInput)
    note = _text(
        _("Note to the office"),
        rows=3,
        required=False,
        help_text=_("Required when you return the reply: say what to rework."),
    )


class NoticeForm(forms.Form):
    """Publish a notice: title, text, files (the offices: ``AddressingForm``)."""

    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = _text(_("Text"), rows=10)
    attachments = MultipleFileField(label=_("Attachments"))


class NoticeEditForm(forms.Form):
    """Correct a published notice or add files."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = _text(_("Text"), rows=10)
    attachments = MultipleFileField(label=_("Add attachments"))


def initial_due(today: date) -> date:
    """The form's suggested due date: the default period of a task (a deadline rule)."""
    from sifasuo.core.calendar import due_date

    return due_date("workorders.task_reply", today)
