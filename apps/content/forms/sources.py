"""The external source form: where Brickworks fetches a field's data from at generation."""

from __future__ import annotations

from typing import Any

from django import forms

from apps.content.client import ExternalSource
from apps.core.forms import JSONField


class SourceForm(forms.Form):
    name = forms.CharField(max_length=255)
    description = forms.CharField(required=False, max_length=255)
    url = forms.URLField(label="URL", assume_scheme="https", max_length=2048)
    method = forms.ChoiceField(choices=[("get", "GET"), ("post", "POST")], initial="get")
    headers = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "mono"}),
        help_text="One per line, Name: value. Sent with every call.",
    )
    body = JSONField(
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

    def clean_headers(self) -> dict[str, str]:
        headers = {}
        for number, line in enumerate(self.cleaned_data["headers"].splitlines(), start=1):
            if not line.strip():
                continue
            name, colon, value = line.partition(":")
            if not colon or not name.strip():
                raise forms.ValidationError(f"Line {number}: write it as Name: value.")
            headers[name.strip()] = value.strip()
        return headers

    def clean(self) -> dict[str, Any]:
        data = super().clean()
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
            "headers": "\n".join(f"{k}: {v}" for k, v in (properties.get("headers") or {}).items()),
            "body": properties.get("body"),
            "ttl": source.ttl,
        }
