"""The suggestion form and the Apply form."""

from __future__ import annotations

from typing import Any

from django import forms

from apps.automations.client import Suggestion, SuggestionInput
from apps.automations.forms.flows import JSONBox


class SuggestionFilters(forms.Form):
    """The suggestions list's filter."""

    flow = forms.CharField(label="Proposed by flow", required=False, max_length=200, help_text="A flow's id.")


FIELDS = {  # form field -> SuggestionInput field, where the remote paths (`targetId`) come from
    "title": "title",
    "description": "description",
    "origin_id": "originId",
    "source_id": "sourceId",
    "target_id": "targetId",
    "target_id_override": "targetIdOverride",
    "data": "data",
    "source_context": "sourceContext",
    "target_context": "targetContext",
    "ignored": "ignored",
    "auto_apply": "autoApply",
}


class SuggestionForm(forms.Form):
    title = forms.CharField(max_length=500)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    origin_id = forms.CharField(label="Proposed by flow", max_length=200, help_text="The flow's id.")
    source_id = forms.CharField(
        label="Source entity", max_length=200, help_text="What the change comes from."
    )
    target_id = forms.CharField(
        label="Target entity", max_length=200, help_text="What the change is written to."
    )
    target_id_override = forms.CharField(
        label="Write to instead", required=False, max_length=200, help_text="Optional: another target entity."
    )
    # The remote field is `data`; the form metaclass moves declared fields off the class, so Form.data stays.
    data = JSONBox(  # type: ignore[assignment]  # see above
        label="Change", help_text="JSON: the values written to the target when it is applied."
    )
    source_context = JSONBox(label="Source context")
    target_context = JSONBox(label="Target context")
    ignored = forms.BooleanField(
        label="Ignored", required=False, help_text="Dismissed: applying it writes nothing."
    )
    auto_apply = forms.BooleanField(label="Apply automatically", required=False)

    def __init__(self, *args: Any, suggestion: Suggestion | None = None, **kwargs: Any) -> None:
        if suggestion is not None:
            kwargs["initial"] = {name: getattr(suggestion, name) for name in FIELDS}
        super().__init__(*args, **kwargs)
        self.suggestion = suggestion

    def body(self) -> SuggestionInput:
        data = {name: self.cleaned_data[name] for name in FIELDS}
        for name in ("description", "target_id_override"):
            data[name] = data[name] or None
        kept = self.suggestion  # the one-value enums are not the person's to choose (flows.md §4.3)
        types = (
            {
                "origin_type": kept.origin_type,
                "source_type": kept.source_type,
                "target_type": kept.target_type,
            }
            if kept
            else {}
        )
        return SuggestionInput(**data, **types)

    def place(self, path: str) -> str | None:
        by_remote = {remote: name for name, remote in FIELDS.items()}
        return by_remote.get(path.split(".")[0])


class ApplyForm(forms.Form):
    target_override = forms.CharField(
        label="Apply to another target",
        required=False,
        max_length=200,
        help_text="Optional: an entity id. Empty: the suggestion's own target.",
    )
    dry_run = forms.BooleanField(label="Preview only: write nothing", required=False)
