"""Forms of the catalogs list: filter, create, and delete with each name typed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import format_html

from apps.catalogs.client import Catalog

# C3 orders ascending only.
ORDER = [
    ("id", "Oldest first"),
    ("lastModified", "Least recently changed first"),
    ("author", "Author, A to Z"),
]


class CatalogFilterForm(forms.Form):
    q = forms.CharField(label="Name or author", required=False, max_length=255)
    order = forms.ChoiceField(label="Order by", choices=ORDER, required=False)


class CatalogForm(forms.Form):
    name = forms.CharField(max_length=255, help_text="Unique in the workspace. Items are looked up by it.")

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Enter a name.")
        return name


class DeleteCatalogsForm(forms.Form):
    """One box per catalog: its name typed exactly, so nothing goes by a slip of the mouse."""

    def __init__(
        self, catalogs: list[Catalog], *args: Any, counts: dict[int, int] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.catalogs = catalogs
        for catalog in catalogs:
            items = (counts or {}).get(catalog.id)
            label = format_html("Type <code>{}</code> to confirm", catalog.name)
            self.fields[f"confirm_{catalog.id}"] = forms.CharField(label=label, max_length=255, strip=False)
            if items is not None:
                self.fields[
                    f"confirm_{catalog.id}"
                ].help_text = f"Its {items:,} item{'s' * (items != 1)} go with it."
            self.fields[f"confirm_{catalog.id}"].widget.attrs["autocomplete"] = "off"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for catalog in self.catalogs:
            name = f"confirm_{catalog.id}"
            if name in data and data[name] != catalog.name:
                self.add_error(name, f"Type {catalog.name} exactly to delete.")
        return data
