from __future__ import annotations

from typing import Any, cast

from django import forms

from apps.canvas.services.workflows import Block

SCOPES = [("whole", "The whole workflow"), ("till", "From the start till block"), ("range", "Blocks")]


class RunForm(forms.Form):
    """Which blocks to run: plain radios and numbers, so it works without JavaScript."""

    scope = forms.ChoiceField(choices=SCOPES, initial="whole", widget=forms.RadioSelect)
    till = forms.IntegerField(required=False, min_value=1, label="Till block")
    first = forms.IntegerField(required=False, min_value=1, label="From block")
    last = forms.IntegerField(required=False, min_value=1, label="To block")
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, chain: list[Block] | None, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.chain = chain
        if chain is None:
            cast(forms.ChoiceField, self.fields["scope"]).choices = SCOPES[:1]
        else:
            for name in ("till", "first", "last"):
                cast(forms.IntegerField, self.fields[name]).max_value = len(chain)
                self.fields[name].widget.attrs["max"] = len(chain)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean returned (typed as possibly None)
        scope = data.get("scope")
        if scope == "till" and not data.get("till"):
            self.add_error("till", "Say which block the run ends with.")
        if scope == "range":
            for name in ("first", "last"):
                if not data.get(name):
                    self.add_error(
                        name, "Say which block." if name == "first" else "Say which block it ends with."
                    )
        return data

    def bounds(self) -> tuple[int | None, int | None]:
        scope = self.cleaned_data["scope"]
        if scope == "till":
            return None, self.cleaned_data["till"]
        if scope == "range":
            return self.cleaned_data["first"], self.cleaned_data["last"]
        return None, None
