"""The scheduler's forms: a Quartz expression, and the presets that write one."""

from __future__ import annotations

from datetime import time
from typing import Any

from django import forms

from apps.canvas.quartz.presets import EVERY_MINUTES, KINDS, Preset

WEEKDAY_NAMES = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
DAYS = [(str(number), name) for number, name in enumerate(WEEKDAY_NAMES, start=1)]  # Quartz: SUN=1


class CronForm(forms.Form):
    cron = forms.CharField(
        label="Quartz expression",
        max_length=200,
        help_text="Six or seven fields: seconds minutes hours day-of-month month day-of-week [year], in UTC. "
        "Example: 0 0 5 ? * MON-FRI (05:00 UTC on weekdays)",
        widget=forms.TextInput(attrs={"class": "mono", "autocomplete": "off", "spellcheck": "false"}),
    )


class PresetForm(forms.Form):
    """Fills the expression; nothing is saved until the expression form is."""

    kind = forms.ChoiceField(label="Preset", choices=list(KINDS.items()), initial="weekdays")
    every = forms.TypedChoiceField(
        label="Minutes", coerce=int, initial=5, choices=[(n, str(n)) for n in EVERY_MINUTES], required=False
    )
    at = forms.TimeField(
        label="At",
        initial=time(6, 0),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    day = forms.TypedChoiceField(label="Day", coerce=int, initial=2, choices=DAYS, required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean returned (typed as possibly None)
        if data.get("kind") in ("daily", "weekdays", "weekly", "hourly") and data.get("at") is None:
            self.add_error("at", "Give the time.")
        return data

    def preset(self) -> Preset:
        data = self.cleaned_data
        return Preset(
            kind=data["kind"],
            every=data.get("every") or 5,
            at=data.get("at") or time(6, 0),
            day=data.get("day") or 2,
        )
