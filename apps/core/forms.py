from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator

from apps.core.http import ApiError
from apps.core.models import AuditEntry


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
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["username"]
        if field.max_length:
            field.validators.append(MaxLengthValidator(field.max_length))


class Place(NamedTuple):
    """Where a remote field error is shown: a form, its field (None: the top of it), a label before it."""

    form: forms.Form
    field: str | None = None
    label: str = ""


def place_remote_errors(error: ApiError, fallback: forms.Form, place: Callable[[str], Place | None]) -> None:
    """Put a remote service's field errors next to the fields they name, the rest above the form.

    `place` maps a remote field path (`values.title`, `fields.price.max`) to where it is shown, or
    to None when nothing of ours matches.
    """
    placed = False
    for path, messages in error.field_errors.items():
        where = place(path)
        if where is None:
            continue
        for message in messages:
            where.form.add_error(where.field, f"{where.label}: {message}" if where.label else message)
        placed = True
    if not placed:
        fallback.add_error(None, error.message)
