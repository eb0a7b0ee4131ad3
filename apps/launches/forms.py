"""The launch form and the form that adds a step to a launch."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django import forms
from django.utils import timezone

from apps.jobs.forms import SCHEDULE_HORIZON
from apps.launches.models import Launch


class LaunchForm(forms.ModelForm):  # type: ignore[type-arg]  # django-stubs: ModelForm[Launch] at run time fails
    go_at = forms.DateTimeField(
        label="Go time",
        required=False,
        help_text="In your time zone. Leave it empty for a launch that goes once it is approved.",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    class Meta:
        model = Launch
        fields = ["name", "description", "go_at"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def clean_go_at(self) -> datetime | None:
        at: datetime | None = self.cleaned_data["go_at"]
        if at is None or (self.instance.pk and at == self.instance.go_at):
            return at
        if at <= timezone.now():
            raise forms.ValidationError("Pick a time in the future.")
        if at > timezone.now() + SCHEDULE_HORIZON:
            raise forms.ValidationError("Pick a time within the next 5 years.")
        return at


class AddStepForm(forms.Form):
    launch = forms.ModelChoiceField(queryset=Launch.objects.none(), label="Launch", empty_label=None)
    stage = forms.TypedChoiceField(label="Stage", coerce=int)

    def __init__(self, *args: Any, launches: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["launch"]).queryset = launches  # type: ignore[type-arg]
        most = max((launch.last_stage for launch in launches), default=0)
        stage = cast(forms.TypedChoiceField, self.fields["stage"])
        stage.choices = [(n, f"Stage {n}") for n in range(1, most + 2)]
        stage.help_text = "A stage starts when the one before it has finished."
