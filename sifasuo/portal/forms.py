"""Forms of the portal: login, the application's own fields, rating, follow-up, guides."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sifasuo.orgs.selectors import districts
from sifasuo.portal.choices import GuideCategory, RatingLevel, ReachedParty


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile phone number"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "tel-national"}
        ),
        help_text=_("We send a 6-digit login code to this number. No password is needed."),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Login code"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": "10"}
        ),
    )


class OfficeSearchForm(forms.Form):
    district = forms.ChoiceField(label=_("District or county"), required=False)
    q = forms.CharField(label=_("Office name or address"), max_length=50, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        district = cast(forms.ChoiceField, self.fields["district"])
        district.choices = [("", _("All districts"))] + [(d.code, d.name) for d in districts()]


class ApplyMetaForm(forms.Form):
    """What the portal adds to the kind's form: the consent box and the one-time token."""

    portal_form_token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    pipl_consent = forms.BooleanField(
        label=_(
            "I have read the personal-information notice and consent to the processing of my "
            "personal information as it describes."
        ),
        required=False,
    )


class RatingForm(forms.Form):
    level = forms.ChoiceField(
        label=_("How satisfied are you with the service?"),
        choices=RatingLevel.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FollowUpCallForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    called_on = forms.DateField(
        label=_("Return call on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reached = forms.ChoiceField(label=_("Who was reached"), choices=ReachedParty.choices)
    outcome = forms.CharField(
        label=_("What the citizen said"), widget=forms.Textarea(attrs={"rows": 3})
    )
    rectification = forms.CharField(
        label=_("Rectification (what the office changed)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    close = forms.BooleanField(label=_("Close the follow-up"), required=False)


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class GuideForm(forms.Form):
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Title"), max_length=100)
    category = forms.ChoiceField(label=_("Category"), choices=GuideCategory.choices)
    summary = forms.CharField(label=_("Summary"), max_length=200, required=False)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 14}))
