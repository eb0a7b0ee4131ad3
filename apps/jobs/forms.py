from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from django import forms
from django.utils import timezone

from apps.jobs import kinds as job_kinds
from apps.jobs.models import Job


class JobFilterForm(forms.Form):
    state = forms.ChoiceField(choices=[("", "Any state"), *Job.State.choices], required=False)
    kind = forms.ChoiceField(required=False)

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = [
            ("", "Any kind"),
            *sorted(((kind, job_kinds.named(kind)) for kind in kinds), key=lambda choice: choice[1]),
        ]


# How far ahead a scheduled action may be planned: beyond it a typo (year 9999) is likelier than a plan.
SCHEDULE_HORIZON = timedelta(days=5 * 365 + 1)


class WhenForm(forms.Form):
    """A moment in the person's own time zone (Django reads naive input in the active zone)."""

    at = forms.DateTimeField(
        label="When",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def clean_at(self) -> datetime:
        at: datetime = self.cleaned_data["at"]
        if at <= timezone.now():
            raise forms.ValidationError("Pick a time in the future.")
        if at > timezone.now() + SCHEDULE_HORIZON:
            raise forms.ValidationError("Pick a time within the next 5 years.")
        return at
