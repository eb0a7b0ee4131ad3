from __future__ import annotations

from django import forms

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
