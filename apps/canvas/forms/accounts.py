from __future__ import annotations

from django import forms

from apps.canvas.services.accounts import ROLES


class AccountForm(forms.Form):
    first_name = forms.CharField(max_length=200)
    last_name = forms.CharField(max_length=200)
    email = forms.EmailField(max_length=320)
    role_name = forms.ChoiceField(
        label="Role", choices=ROLES, help_text="Canvas gives Admin only to its own staff."
    )
    phone = forms.CharField(max_length=50, required=False)

    def remote_field(self, message: str) -> str | None:
        """The field a Canvas refusal is about, from its words."""
        lowered = message.lower()
        if "already been created" in lowered or "email" in lowered:
            return "email"
        if "role" in lowered:
            return "role_name"
        return None


class ActAsForm(forms.Form):
    account = forms.CharField(required=False, max_length=64)
