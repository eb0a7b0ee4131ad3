"""The import's forms: the file, then how to read it (encoding, delimiter, key column, JSON columns)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.template.defaultfilters import filesizeformat
from django.utils.datastructures import MultiValueDict

from apps.catalogs.models import CatalogImport
from apps.catalogs.services import csvfile


class UploadForm(forms.Form):
    file = forms.FileField(label="CSV file")

    def __init__(self, *args: Any, limit: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            f"A CSV file of up to {filesizeformat(limit)}. The encoding, the delimiter and the header row "
            "are detected, and you can change them on the next page."
        )


def _absent(chosen: list[str], columns: set[str]) -> list[tuple[str, str]]:
    """Options for the names chosen that the file read this way lacks (imports.problems says so); a
    reading without columns (the file could not be read) marks none."""
    note = " (no such column)" if columns else ""
    return [(name, name + note) for name in chosen if csvfile.usable(name) and name not in columns]


class ReadForm(forms.Form):
    """How to read the file; the first render holds what was detected."""

    encoding = forms.ChoiceField(label="Encoding", choices=list(csvfile.ENCODINGS.items()))
    delimiter = forms.ChoiceField(label="Delimiter", choices=list(csvfile.DELIMITERS.items()))
    first_row = forms.ChoiceField(
        label="The first row",
        required=False,
        widget=forms.RadioSelect,
        choices=[
            ("header", "names the columns"),
            ("data", "is data: the columns are called column_1, column_2, …"),
        ],
    )
    key_column = forms.ChoiceField(
        label="Key column",
        required=False,
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
        names = [(name.strip(), name.strip()) for name in header if csvfile.usable(name)]
        # A choice made on another reading stays offered (and chosen), so the next post keeps it.
        columns = {name for name, _ in names}
        posted = cast(QueryDict, self.data)  # the view posts a QueryDict (its one caller)
        key = posted.get("key_column", "")
        ticked = posted.getlist("json_columns")
        key_field = cast(forms.ChoiceField, self.fields["key_column"])
        key_field.choices = [("", "Choose the key column")] + names + _absent([key], columns)
        cast(forms.ChoiceField, self.fields["json_columns"]).choices = names + _absent(ticked, columns)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean returned (typed as possibly None)
        # Unanswered (None) while the first row looked like data and the person has not said.
        data["has_header"] = {"header": True, "data": False}.get(data.get("first_row") or "")
        return data

    @classmethod
    def of(cls, imp: CatalogImport, *, header: list[str]) -> ReadForm:
        """The form bound to the import's stored choices, so the page shows what stops them beside them."""
        data = MultiValueDict(
            {
                "encoding": [imp.encoding],
                "delimiter": [imp.delimiter],
                "first_row": [cls.first_row_of(imp.has_header)],
                "key_column": [imp.key_column],
                "json_columns": imp.json_columns,
                "reconcile": ["on"] if imp.reconcile else [],
            }
        )
        return cls(data, header=header)

    @staticmethod
    def first_row_of(has_header: bool | None) -> str:
        if has_header is None:
            return ""
        return "header" if has_header else "data"
