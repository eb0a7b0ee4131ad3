"""The external source form: where Brickworks fetches a field's data from at generation."""

from __future__ import annotations

from typing import Any

from django import forms

from apps.content.client import ExternalSource
from apps.core.fields import JSONField


class BodyField(JSONField):
    """An empty body shows as an empty box, not `null`."""

    def prepare_value(self, value: Any) -> Any:
        return "" if value is None else super().prepare_value(value)


class SourceForm(forms.Form):
    name = forms.CharField(max_length=255)
    description = forms.CharField(required=False, max_length=255)
    url = forms.URLField(label="URL", assume_scheme="https", max_length=2048)
    method = forms.ChoiceField(choices=[("get", "GET"), ("post", "POST")], initial="get")
    headers = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "mono", "autocomplete": "off"}),
        help_text=(
            "One per line, Name: value. Sent with every call. Values are secrets and never shown again: "
            "a name left without a value keeps its stored value, a value replaces it, "
            "a removed line removes the header."
        ),
    )
    body = BodyField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "mono"}),
        help_text="POST only: a JSON object; the field's parameters are merged into it.",
    )
    ttl = forms.IntegerField(
        label="Cache for (seconds)",
        required=False,
        min_value=0,
        max_value=2_147_483_647,
        help_text="Empty: not cached.",
    )

    def __init__(self, *args: Any, stored_headers: dict[str, str] | None = None, **kwargs: Any) -> None:
        """`stored_headers`: the source's headers as saved, kept for a name sent without a value."""
        super().__init__(*args, **kwargs)
        self.stored_headers = stored_headers or {}
        if self.stored_headers:
            names = ", ".join(self.stored_headers)
            self.fields["headers"].help_text = f"Set: {names}. {self.fields['headers'].help_text}"

    def clean_headers(self) -> dict[str, str]:
        headers = {}
        for number, line in enumerate(self.cleaned_data["headers"].splitlines(), start=1):
            if not line.strip():
                continue
            name, colon, value = line.partition(":")
            name, value = name.strip(), value.strip()
            if not colon or not name:
                raise forms.ValidationError(f"Line {number}: write it as Name: value.")
            if not value and name not in self.stored_headers:
                raise forms.ValidationError(f"Line {number}: give {name} a value.")
            headers[name] = value or self.stored_headers[name]
        return headers

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean returned (typed as possibly None)
        if data.get("body") not in (None, "") and not isinstance(data["body"], dict):
            self.add_error("body", 'The body is a JSON object, like {"key": "value"}.')
        return data

    def properties(self) -> dict[str, Any]:
        data = self.cleaned_data
        properties: dict[str, Any] = {"url": data["url"], "method": data["method"]}
        if data["headers"]:
            properties["headers"] = data["headers"]
        if data["method"] == "post" and data.get("body"):
            properties["body"] = data["body"]
        return properties

    @classmethod
    def initial_for(cls, source: ExternalSource) -> dict[str, Any]:
        properties = source.properties
        return {
            "name": source.name,
            "description": source.description,
            "url": properties.get("url", ""),
            "method": properties.get("method", "get"),
            # Names only: the values are secrets, kept when a name is sent back without one.
            "headers": "\n".join(f"{name}: " for name in properties.get("headers") or {}),
            "body": properties.get("body"),
            "ttl": source.ttl,
        }
