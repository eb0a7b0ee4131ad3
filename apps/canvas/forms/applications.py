"""The Connect form: an application's credential fields (canvas.md §9) as form fields."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from apps.canvas.client import Application, CredentialField

SECRET = re.compile(r"secret|password|passw|key|token|pin", re.IGNORECASE)
MISSING = re.compile(r"You must enter a value for (?P<name>.+?)\.$")
NOT_AN_OPTION = re.compile(r"(?P<name>.+?) must be one of: .+$")


def is_secret(field: CredentialField) -> bool:
    return field.type == "password" or bool(SECRET.search(field.short_name) or SECRET.search(field.name))


class CredentialsForm(forms.Form):
    """One form field per visible credential field; secrets are password inputs and never shown back."""

    tag_text = forms.CharField(
        label="Name in Canvas", max_length=500, required=False, help_text="How this connection is listed."
    )

    def __init__(self, application: Application, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.application = application
        self.credential_fields = [f for f in application.credential_fields if not f.hidden]
        self.fields["tag_text"].initial = application.name
        for credential in self.credential_fields:
            self.fields[self.name_of(credential)] = self._field(credential)

    @staticmethod
    def name_of(credential: CredentialField) -> str:
        return f"cred_{credential.short_name}"

    def _field(self, credential: CredentialField) -> forms.Field:
        common: dict[str, Any] = {
            "label": credential.name,
            "required": not credential.optional,
            "help_text": credential.desc,
        }
        if credential.type == "select":
            choices = [("", "Choose…"), *credential.choices]
            return forms.ChoiceField(choices=choices, initial=credential.value or "", **common)
        if is_secret(credential):
            return forms.CharField(widget=forms.PasswordInput(render_value=False), strip=False, **common)
        if credential.type == "textarea":
            return forms.CharField(
                widget=forms.Textarea(attrs={"rows": 3}), initial=credential.value, **common
            )
        return forms.CharField(initial=credential.value, **common)

    def credentials(self) -> dict[str, str]:
        return {c.short_name: self.cleaned_data.get(self.name_of(c), "") for c in self.credential_fields}

    def place_authentication_error(self, message: str) -> None:
        """Canvas says "Authentication Error: " and a line per field: put each line on its field."""
        body = message.removeprefix("Authentication Error:").strip()
        by_name = {c.name: self.name_of(c) for c in self.credential_fields}
        for line in filter(None, (part.strip() for part in body.splitlines())):
            match = MISSING.match(line) or NOT_AN_OPTION.match(line)
            field = by_name.get(match.group("name")) if match else None
            if field is not None:
                self.add_error(field, line)
            else:
                self.add_error(None, f"Canvas refused the credentials: {line}")
