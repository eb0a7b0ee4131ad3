from __future__ import annotations

from typing import Any

from django import forms

from apps.jobs.models import Job


class JobFilterForm(forms.Form):
    state = forms.ChoiceField(choices=[("", "Any state"), *Job.State.choices], required=False)
    kind = forms.ChoiceField(required=False)

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Any kind"), *((kind, kind) for kind in kinds)]
