"""Account forms: login with one generic error, two-factor code."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

GENERIC_LOGIN_ERROR = _("Incorrect username or password.")


class LoginForm(AuthenticationForm):
    """Django's login form with one message for every failure (wrong, inactive or locked)."""

    error_messages = {
        "invalid_login": GENERIC_LOGIN_ERROR,
        "inactive": GENERIC_LOGIN_ERROR,
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"class": "form-control", "autofocus": True})
        self.fields["password"].widget.attrs.update({"class": "form-control"})


class OTPTokenForm(forms.Form):
    """A six-digit code from the authenticator app, or a recovery code."""

    otp_token = forms.CharField(
        label=_("One-time code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"class": "form-control", "autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )


class AuditFilterForm(forms.Form):
    """Filters of the audit trail list."""

    action = forms.CharField(label=_("Action"), required=False)
    username = forms.CharField(label=_("Username"), required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False)
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from sifasuo.core.choices import AuditOutcome

        super().__init__(*args, **kwargs)
        outcome_field = cast(forms.ChoiceField, self.fields["outcome"])
        outcome_field.choices = [
            ("", _("All")),
            *AuditOutcome.choices,
        ]
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")
