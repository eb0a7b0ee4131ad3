"""The schema field builder: one row per field, turned into Brickworks field definitions and back."""

from __future__ import annotations

import json
import math
from typing import Any

from django import forms
from django.forms.formsets import DELETION_FIELD_NAME

from apps.core.json import load_json

TYPES = [
    ("text", "Text"),
    ("longtext", "Long text"),
    ("richtext", "Rich text (HTML)"),
    ("number", "Number"),
    ("boolean", "Yes / no"),
    ("date", "Date"),
    ("datetime", "Date and time"),
    ("select", "Choice"),
    ("url", "Link"),
    ("image", "Image URL"),
    ("list", "List"),
    ("relation", "Related record"),
    ("external", "External source"),
    ("json", "JSON"),
    ("object", "Object (nested fields)"),
]
# Keys each row edits; any others of a definition (a pattern, nested properties) are kept as they were.
MANAGED = {"type", "label", "help", "required", "searchable", "useAsRecordName", "default"}
MANAGED |= {"options", "multiple", "integer", "schema", "source"}
LIMITS = {
    "text": ("minLength", "maxLength"),
    "longtext": ("minLength", "maxLength"),
    "richtext": (None, "maxLength"),
    "number": ("min", "max"),
    "date": ("min", "max"),
    "list": ("minItems", "maxItems"),
}
for _pair in LIMITS.values():
    MANAGED |= {key for key in _pair if key}


class SchemaForm(forms.Form):
    app_id = forms.RegexField(
        label="API name",
        regex=r"^[A-Za-z][\w-]{0,99}$",
        help_text="Used in the API and URLs; letters, digits, - and _. It can't be changed later.",
    )
    display_name = forms.CharField(label="Name", max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    versioned = forms.TypedChoiceField(
        label="Type",
        choices=[("1", "Versioned: changes are drafts until published"), ("", "Simple: published or not")],
        coerce=bool,
        initial="1",
        required=False,
        help_text="It can't be changed later.",
    )


class FieldRowForm(forms.Form):
    name = forms.RegexField(
        regex=r"^[A-Za-z][A-Za-z0-9_]{0,63}$",
        max_length=64,
        error_messages={"invalid": "Start with a letter; then letters, digits and _."},
    )
    label = forms.CharField(required=False, max_length=200)
    type = forms.ChoiceField(choices=TYPES, initial="text")
    required = forms.BooleanField(required=False)
    searchable = forms.BooleanField(required=False)
    use_as_name = forms.BooleanField(required=False, label="Use as name")
    default = forms.CharField(required=False)
    help = forms.CharField(required=False, max_length=300, label="Help text")
    options = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3, "placeholder": "value | Label"})
    )
    minimum = forms.CharField(required=False, label="Min")
    maximum = forms.CharField(required=False, label="Max")
    integer = forms.BooleanField(required=False, label="Whole numbers")
    multiple = forms.BooleanField(required=False, label="Several")
    target = forms.CharField(required=False, label="Target")
    original = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean returned (typed as possibly None)
        if self.errors or not data.get("name"):
            return data
        try:
            data["definition"] = self.definition()
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data

    def definition(self) -> dict[str, Any]:
        data = self.cleaned_data
        kind = data["type"]
        original = _original(data.get("original") or "")
        kept = {k: v for k, v in original.items() if k not in MANAGED} if original.get("type") == kind else {}
        out: dict[str, Any] = {"type": kind, **kept}
        for key, value in (("label", data["label"]), ("help", data["help"])):
            if value:
                out[key] = value
        for key, flag in (
            ("required", "required"),
            ("searchable", "searchable"),
            ("useAsRecordName", "use_as_name"),
        ):
            if data[flag]:
                out[key] = True
        if kind == "number" and data["integer"]:
            out["integer"] = True
        if kind in ("select", "relation") and data["multiple"]:
            out["multiple"] = True
        if kind == "select":
            out["options"] = _options(data["options"])
        if kind == "relation":
            out["schema"] = _needed(data["target"], "the related schema's API name")
        if kind == "external":
            out["source"] = _needed(data["target"], "the external source id")
        if kind == "list":
            out.setdefault("items", {"type": data["target"] or "text"})
            if data["target"]:
                out["items"] = {**out["items"], "type": data["target"]}
        low, high = LIMITS.get(kind, (None, None))
        for bound, raw in ((low, data["minimum"]), (high, data["maximum"])):
            if bound and raw.strip():
                out[bound] = raw.strip() if kind == "date" else _number(raw, whole=kind != "number")
        if data["default"].strip():
            out["default"] = _default(kind, data["default"].strip(), multiple=bool(data["multiple"]))
        return out


def _original(text: str) -> dict[str, Any]:
    """The definition the row was loaded from (a hidden field): a JSON object, else nothing to keep."""
    try:
        original = load_json(text) if text else {}
    except ValueError:
        return {}
    return original if isinstance(original, dict) else {}


def _needed(value: str, what: str) -> str:
    if not value.strip():
        raise ValueError(f"Fill in Target with {what}.")
    return value.strip()


def _options(text: str) -> list[dict[str, str]]:
    options = []
    for line in text.splitlines():
        if line.strip():
            value, _, label = line.partition("|")
            options.append({"value": value.strip(), "label": label.strip() or value.strip()})
    if not options:
        raise ValueError("A choice needs options: one per line, value | Label.")
    return options


def _number(raw: str, *, whole: bool) -> int | float:
    try:
        number = float(raw)
    except ValueError:
        raise ValueError(f"{raw!r} is not a number.") from None
    if not math.isfinite(number):
        raise ValueError(f"{raw!r} is not a number we can store: use a finite one.")
    if whole or number.is_integer():
        return int(number)
    return number


def _default(kind: str, raw: str, *, multiple: bool) -> Any:
    if kind == "number":
        return _number(raw, whole=False)
    if kind == "boolean":
        if raw.lower() not in ("true", "false", "yes", "no"):
            raise ValueError("The default of a yes / no field is true or false.")
        return raw.lower() in ("true", "yes")
    if kind in ("json", "list", "object"):
        try:
            return load_json(raw)
        except json.JSONDecodeError as exc:
            raise ValueError(f"The default is not valid JSON: {exc.msg}.") from None
    if kind == "select" and multiple:
        return [part.strip() for part in raw.split(",") if part.strip()]
    return raw


def row_initial(name: str, definition: dict[str, Any], order: int) -> dict[str, Any]:
    """A builder row for an existing definition."""
    kind = definition.get("type", "text")
    low, high = LIMITS.get(kind, (None, None))
    default = definition.get("default")
    if isinstance(default, list) and kind == "select":
        default = ", ".join(default)
    elif isinstance(default, dict | list | bool):
        default = json.dumps(default) if not isinstance(default, bool) else str(default).lower()
    return {
        "name": name,
        "label": definition.get("label", ""),
        "type": kind,
        "required": definition.get("required", False),
        "searchable": definition.get("searchable", False),
        "use_as_name": definition.get("useAsRecordName", False),
        "default": "" if default is None else default,
        "help": definition.get("help", ""),
        "options": "\n".join(
            f"{o['value']} | {o.get('label', o['value'])}" for o in definition.get("options", [])
        ),
        "minimum": definition.get(low, "") if low else "",
        "maximum": definition.get(high, "") if high else "",
        "integer": definition.get("integer", False),
        "multiple": definition.get("multiple", False),
        "target": definition.get("schema")
        or definition.get("source")
        or definition.get("items", {}).get("type", ""),
        "original": json.dumps(definition),
        "ORDER": order,
    }


class BaseFieldRows(forms.BaseFormSet[FieldRowForm]):
    def clean(self) -> None:
        # Without its management form (an empty or forged POST) the formset is already refused.
        if any(self.errors) or not self.management_form.is_valid():
            return
        names = [f.cleaned_data["name"] for f in self.live_forms()]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise forms.ValidationError(f"Two fields have the same name: {', '.join(twice)}.")
        if sum(bool(f.cleaned_data.get("use_as_name")) for f in self.live_forms()) > 1:
            raise forms.ValidationError("Only one field can be used as the record name.")
        if not names:
            raise forms.ValidationError("A schema needs at least one field.")

    def live_forms(self) -> list[FieldRowForm]:
        return [
            form
            for form in self.ordered_forms
            if form.cleaned_data.get("name") and not form.cleaned_data.get(DELETION_FIELD_NAME)
        ]

    def definitions(self) -> dict[str, dict[str, Any]]:
        """In the chosen order; removed rows left out."""
        return {form.cleaned_data["name"]: form.cleaned_data["definition"] for form in self.live_forms()}


# absolute_max: a posted TOTAL_FORMS builds at most this many rows (Django's default allows 1000 more).
FieldRows = forms.formset_factory(
    FieldRowForm,
    formset=BaseFieldRows,
    extra=0,
    can_order=True,
    can_delete=True,
    max_num=200,
    absolute_max=200,
)
