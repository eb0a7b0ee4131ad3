from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.validators import URLValidator

from apps.connections import guard
from apps.connections.models import Connection


class ConnectionForm(forms.ModelForm[Connection]):
    """Secrets are write-only: never rendered back, and an empty field keeps the stored value."""

    secret_fields: tuple[str, ...] = ()
    base_url = forms.CharField(
        label="Base URL", validators=[URLValidator(schemes=["http", "https"])], max_length=300
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.secret_fields:
            field = self.fields[name]
            field.widget = forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"})
            field.required = False
            if getattr(self.instance, name):
                field.help_text = "Set. Leave empty to keep it, or type a new value to replace it."
            else:
                field.help_text = "Not set."

    def clean_base_url(self) -> str:
        url: str = self.cleaned_data["base_url"]
        refusal = guard.url_refusal(url)
        if refusal:
            raise forms.ValidationError(refusal)
        return url

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in self.secret_fields:
            if not data.get(name):
                data[name] = getattr(self.instance, name)
        return data

    def require(self, data: dict[str, Any], *names: str) -> None:
        for name in names:
            if not data.get(name):
                self.add_error(name, "This field is required.")


class SyneriseConnectionForm(ConnectionForm):
    secret_fields = ("api_key", "password")

    class Meta:
        model = Connection
        fields = ["name", "base_url", "auth_mode", "api_key", "username", "password"]
        help_texts = {"base_url": "https://api.synerise.com for the real service."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["auth_mode"].required = True
        cast(forms.ChoiceField, self.fields["auth_mode"]).choices = Connection.AuthMode.choices
        self.fields["auth_mode"].widget = forms.RadioSelect(choices=Connection.AuthMode.choices)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("auth_mode") == Connection.AuthMode.API_KEY:
            self.require(data, "api_key")
        elif data.get("auth_mode") == Connection.AuthMode.USER:
            self.require(data, "username", "password")
        return data


class CanvasConnectionForm(ConnectionForm):
    secret_fields = ("consumer", "secret_key")

    class Meta:
        model = Connection
        fields = ["name", "base_url", "consumer", "secret_key", "managed_account_id"]
        help_texts = {
            "base_url": "https://canvas.connectmyapps.com/api for the real service.",
            "managed_account_id": "Optional: the account to manage on behalf of.",
        }

    def clean_managed_account_id(self) -> str:
        value: str = self.cleaned_data.get("managed_account_id", "").strip()
        if value:
            try:
                forms.UUIDField().clean(value)
            except forms.ValidationError as exc:
                raise forms.ValidationError(
                    "Enter the account's id, a GUID such as a4ba9a9b-ce81-…."
                ) from exc
        return value.lower()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.require(data, "consumer", "secret_key")
        return data


class FlowsConnectionForm(ConnectionForm):
    secret_fields = ("token",)

    class Meta:
        model = Connection
        fields = ["name", "base_url", "token"]
        help_texts = {"base_url": "The flows API's base, ending in /api/v1."}


FORMS: dict[str, type[ConnectionForm]] = {
    Connection.Kind.SYNERISE: SyneriseConnectionForm,
    Connection.Kind.CANVAS: CanvasConnectionForm,
    Connection.Kind.FLOWS: FlowsConnectionForm,
}


class WorkspaceChoiceForm(forms.Form):
    workspace = forms.ChoiceField(widget=forms.RadioSelect)

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["workspace"]).choices = choices


class SwitchWorkspaceForm(forms.Form):
    workspace = forms.ModelChoiceField(queryset=Connection.objects.filter(kind=Connection.Kind.SYNERISE))
