"""The forms of the Users screen (people, their roles, how they get in), the Audit log filter and sign-in."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.contrib.auth.models import User
from django.core.validators import MaxLengthValidator
from django.utils.html import format_html

from apps.accounts.roles import ROLES, describe
from apps.core.models import AuditEntry


def _role_choices() -> list[tuple[str, str]]:
    return [
        (name, format_html('<strong>{}</strong> <span class="muted">{}</span>', name.capitalize(), text))
        for name, text in ((name, describe(name)) for name in ROLES)
    ]


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label="Roles", required=False, widget=forms.CheckboxSelectMultiple, choices=_role_choices
    )

    def offer_roles(self, names: list[str]) -> None:
        """Show only these roles. Any role is still accepted, so that the service refuses one out of
        reach with its reason (a 403) rather than the form calling it an unknown choice."""
        widget = self.fields["roles"].widget
        widget.choices = [(name, label) for name, label in _role_choices() if name in names]


class PersonForm(RolesForm):
    username = forms.CharField(max_length=150, help_text="What they type to sign in.")
    first_name = forms.CharField(max_length=150, required=False, label="First name")
    last_name = forms.CharField(max_length=150, required=False, label="Last name")
    email = forms.EmailField(required=False)
    access = forms.ChoiceField(
        label="How they get in",
        widget=forms.RadioSelect,
        initial="invite",
        choices=[
            ("invite", "An invite link: they choose their own password (the link works once, for 3 days)"),
            ("password", "A one-time password, shown to you once"),
        ],
    )
    field_order = ["username", "first_name", "last_name", "email", "roles", "access"]

    def clean_username(self) -> str:
        username: str = User.normalize_username(self.cleaned_data["username"].strip())
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(f"Someone already signs in as “{username}”.")
        User.username_validator(username)
        return username


class ChoosePasswordForm(SetPasswordForm):  # type: ignore[type-arg]  # generic in the stubs only
    """Django's form, with the validators' rules said in one line instead of a list."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "new_password1"
        ].help_text = "At least 8 characters, not a common password, and not like your name or email."


class AuditFilterForm(forms.Form):
    q = forms.CharField(label="User, action or target", required=False)
    outcome = forms.ChoiceField(choices=[("", "Any outcome"), *AuditEntry.Outcome.choices], required=False)
    since = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "The end date is before the start date.")
        return data


class LoginForm(AuthenticationForm):
    """Django's sign-in form, refusing a username longer than any account's before anyone sees it.

    Django sets the field's `max_length` for the browser only; without the check a 10,000-character
    username reached django-axes, whose failure record holds 255 (a 500 on PostgreSQL).
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Django's arguments, passed on
        field = cast(forms.CharField, self.fields["username"])
        if field.max_length:
            field.validators.append(MaxLengthValidator(field.max_length))
