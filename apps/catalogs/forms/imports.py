"""The import's forms: the file, then how to read it (encoding, delimiter, key column, JSON columns)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat

from apps.catalogs.services import csvfile


class UploadForm(forms.Form):
    file = forms.FileField(label="CSV file")

    def __init__(self, *args: Any, limit: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            f"Up to {filesizeformat(limit)}. The first row names the columns; the encoding and the delimiter "
            "are detected, and you can change them on the next page."
        )


class ReadForm(forms.Form):
    """How to read the file; the first render holds what was detected."""

    encoding = forms.ChoiceField(label="Encoding", choices=list(csvfile.ENCODINGS.items()))
    delimiter = forms.ChoiceField(label="Delimiter", choices=list(csvfile.DELIMITERS.items()))
    key_column = forms.ChoiceField(
        label="Key column",
        help_text="Its value becomes each item's key: a row with the key of an item replaces it.",
    )
    json_columns = forms.MultipleChoiceField(
        label="Columns holding JSON",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "Their cells are stored as JSON objects and lists; "
            "a cell that is not valid JSON makes its row invalid."
        ),
    )
    reconcile = forms.BooleanField(
        label="Also delete the catalog's items that are not in the file",
        required=False,
        help_text="The dry run lists them first; nothing is deleted before you start the import.",
    )

    def __init__(self, *args: Any, header: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = [(name.strip(), name.strip()) for name in header]
        self.fields["key_column"].choices = names
        self.fields["json_columns"].choices = names
