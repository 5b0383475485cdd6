"""Account forms: login with one generic error, two-factor code."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
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


class StaffPasswordChangeForm(PasswordChangeForm):
    """Django's change form; the password rules run once, in ``services.password_change``.

    (Each history comparison costs a full hash: checking twice would double the wait.)
    """

    def validate_password_for_user(self, user: Any, *args: Any, **kwargs: Any) -> None:
        return None


class OTPTokenForm(forms.Form):
    """A six-digit code from the authenticator app, or a recovery code."""

    otp_token = forms.CharField(
        label=_("One-time code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"class": "form-control", "autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )


class DateWidget(forms.DateInput):
    """An HTML date input; its value is ISO whatever the language (browsers need that)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class AuditFilterForm(forms.Form):
    """Filters of the audit trail list."""

    action = forms.CharField(label=_("Action"), required=False)
    username = forms.CharField(label=_("Username"), required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False)
    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
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


class UserFilterForm(forms.Form):
    """Filter the account list."""

    q = forms.CharField(label=_("Username or name"), required=False, max_length=60)
    unit_code = forms.CharField(label=_("Unit code"), required=False, max_length=20)
    role = forms.ChoiceField(label=_("Role"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from sifasuo.accounts.roles import Role

        super().__init__(*args, **kwargs)
        role_field = cast(forms.ChoiceField, self.fields["role"])
        role_field.choices = [("", _("All roles")), *Role.choices]


class UserCreateForm(forms.Form):
    """A new staff account (the system administrator's form)."""

    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[A-Za-z0-9_.-]+$",
        error_messages={"invalid": _("Letters, digits and _ . - only.")},
    )
    display_name = forms.CharField(label=_("Display name"), max_length=60)
    unit_code = forms.CharField(label=_("Unit code"), max_length=20)
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(render_value=False),
        strip=False,
        help_text=_("At least 12 characters, three of: upper-case, lower-case, digits, symbols."),
    )

    def clean_unit_code(self) -> Any:
        from sifasuo.orgs.models import Unit

        code = self.cleaned_data["unit_code"].strip()
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            raise forms.ValidationError(_("No unit has this code."))
        return unit


class UserRolesForm(forms.Form):
    """The roles of one account (the security administrator's form)."""

    roles = forms.MultipleChoiceField(
        label=_("Roles"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from sifasuo.accounts.roles import Role

        super().__init__(*args, **kwargs)
        roles_field = cast(forms.MultipleChoiceField, self.fields["roles"])
        roles_field.choices = [(r.value, r.label) for r in Role if r != Role.CITIZEN]
