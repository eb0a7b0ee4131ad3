"""The mapping form: an event's action and parameter, and the catalog's keys copied into the event."""

from __future__ import annotations

from typing import Any

from django import forms


class MappingForm(forms.Form):
    action = forms.CharField(
        max_length=255, help_text="The event's action, such as transaction.charge or product.buy."
    )
    param_key = forms.CharField(
        label="Event parameter",
        max_length=255,
        help_text="The event parameter that holds the item key, such as sku.",
    )

    def __init__(self, keys: list[str], *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Added here, last as before: declared on the class, a field named `fields` hides the form's own
        # `fields` from the type checker.
        self.fields["fields"] = forms.MultipleChoiceField(
            label="Enrichment fields",
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text="Columns of the catalog copied into each matching event.",
            choices=[(key, key) for key in keys],
        )
        if editing:
            del self.fields["action"], self.fields["param_key"]
