"""Forms of a catalog's items: the key search, the columns shown, an item's properties, filterable keys."""

from __future__ import annotations

import hashlib
import json
from typing import Any, cast

from django import forms

from apps.core.json import ExactJSONDecoder, exact_dumps

NEW_ROWS = 3


class ItemSearchForm(forms.Form):
    q = forms.CharField(label="Item key contains", required=False, max_length=255)


class KeysForm(forms.Form):
    """A choice among the catalog's keys (the columns to show, the keys made filterable)."""

    keys = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, keys: list[str], *args: Any, label: str = "Keys", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["keys"]).choices = [(key, key) for key in keys]
        self.fields["keys"].label = label


def field_name(prop: str) -> str:
    return "p_" + hashlib.sha1(prop.encode()).hexdigest()[:12]


class ItemForm(forms.Form):
    """Every property of an item as a field: the catalog's keys and the item's own, then new ones.

    Text stays text; a value that was not text (a number, true/false, a list) is edited as JSON.
    Saving sends the whole item (C18): a property ticked Remove, or left blank when the item never had
    it, is not sent and so is gone.
    """

    item_key = forms.CharField(
        label="Item key", max_length=255, help_text="Unique in the catalog, like a SKU."
    )

    def __init__(
        self, *args: Any, keys: list[str], properties: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        self.editing = properties is not None
        self.current = properties or {}
        kwargs["initial"] = self._initial()
        super().__init__(*args, **kwargs)
        if self.editing:
            del self.fields["item_key"]
        self.names = list(dict.fromkeys([*keys, *self.current]))
        for name in self.names:
            has = name in self.current
            as_json = has and not isinstance(self.current[name], str)
            self.fields[field_name(name)] = forms.CharField(
                label=name,
                required=False,
                strip=False,
                widget=forms.TextInput(attrs={"class": "mono"} if as_json else {}),
                help_text="Not text: a number, true or false, or a list in [brackets]." if as_json else "",
            )
            if has:
                self.fields[field_name(name) + "_remove"] = forms.BooleanField(label="Remove", required=False)
        for n in range(NEW_ROWS):
            self.fields[f"new_name_{n}"] = forms.CharField(label="New property", required=False)
            self.fields[f"new_value_{n}"] = forms.CharField(label="Value", required=False, strip=False)

    def _initial(self) -> dict[str, Any]:
        return {
            field_name(name): value if isinstance(value, str) else exact_dumps(value, spaced=True)
            for name, value in self.current.items()
        }

    def rows(self) -> list[dict[str, Any]]:
        """The property fields, each with its Remove box, for the template."""
        return [
            {
                "name": name,
                "value": self[field_name(name)],
                "remove": self[field_name(name) + "_remove"] if name in self.current else None,
                "kept": name in self.current,
            }
            for name in self.names
        ]

    def new_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"new_name_{n}"], self[f"new_value_{n}"]) for n in range(NEW_ROWS)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        properties: dict[str, Any] = {}
        for name in self.names:
            key = field_name(name)
            if data.get(key + "_remove"):
                continue
            if self.editing and key not in self.data and name in self.current:
                properties[name] = self.current[name]  # appeared after the form was shown: kept
                continue
            text = data.get(key, "")
            if name not in self.current:
                if text != "":
                    properties[name] = text
            elif isinstance(self.current[name], str):
                properties[name] = text
            else:
                try:
                    properties[name] = json.loads(text, cls=ExactJSONDecoder)
                except ValueError:
                    self.add_error(key, 'Enter a JSON value, such as 12.5, true or "text", or tick Remove.')
        for n in range(NEW_ROWS):
            name, value = data.get(f"new_name_{n}", ""), data.get(f"new_value_{n}", "")
            if not name and value:
                self.add_error(f"new_name_{n}", "Name the property.")
            elif name and (name in properties or name in self.names):
                self.add_error(f"new_name_{n}", "The item already has this property; edit it above.")
            elif name:
                properties[name] = value
        data["properties"] = properties
        return data

    def place(self, path: str) -> str | None:
        """The field of a remote error about property `path`."""
        if path in self.names:
            return field_name(path)
        for n in range(NEW_ROWS):
            if self.data.get(f"new_name_{n}", "").strip() == path:
                return f"new_name_{n}"
        return None
