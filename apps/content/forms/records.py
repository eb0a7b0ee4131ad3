"""Forms of the content screens; the record form is built from the schema's field definitions."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, cast

from django import forms
from django.core import signing
from django.core.validators import BaseValidator, MaxValueValidator, MinValueValidator, RegexValidator
from django.utils.dateparse import parse_datetime

from apps.content.client import Schema
from apps.content.models import ScheduledAction
from apps.content.services.richtext import clean_html
from apps.core.fields import JSONField
from apps.jobs.forms import WhenForm

TEXT_TYPES = ("text", "longtext", "richtext")
STATUSES = [
    ("", "Any status"),
    ("PUBLISHED", "Published"),
    ("SCHEDULED", "Scheduled"),
    ("DRAFT", "Draft"),
    ("UNPUBLISHED", "Unpublished"),
]
RECORD_SORTS = [
    ("", "Status, then last change"),
    ("updatedAt:desc", "Last changed"),
    ("title:asc", "Name A–Z"),
    ("createdAt:desc", "Newest"),
]
SCHEMA_SORTS = [("", "Last changed"), ("name:asc", "Name A–Z"), ("createdAt:desc", "Newest")]


class SchemaFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search", max_length=200)
    type = forms.ChoiceField(
        required=False, choices=[("", "Any type"), ("VERSIONED", "Versioned"), ("SIMPLE", "Simple")]
    )
    sort = forms.ChoiceField(required=False, choices=SCHEMA_SORTS)


class RecordFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search", max_length=200)
    status = forms.ChoiceField(required=False, choices=STATUSES)
    sort = forms.ChoiceField(required=False, choices=RECORD_SORTS)


class RecordMetaForm(forms.Form):
    name = forms.CharField(required=False, max_length=255, help_text="Leave empty to use the name field.")
    slug = forms.RegexField(
        required=False,
        regex=r"^(?!__)[\w\-]{6,40}$",
        help_text="6 to 40 letters, digits, - and _; unique in this schema.",
        error_messages={"invalid": "Use 6 to 40 letters, digits, - and _, not starting with __."},
    )
    last_updated_at = forms.CharField(required=False, widget=forms.HiddenInput)
    # The content as it was when the editor opened (signed), the base of a three-way merge on 409.
    base = forms.CharField(required=False, widget=forms.HiddenInput)
    # Set after a conflict: the other person's content, for the fields where "keep theirs" is chosen.
    theirs = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_base(self) -> dict[str, Any]:
        return unsign_content(self.cleaned_data.get("base"))

    def clean_theirs(self) -> dict[str, Any]:
        return unsign_content(self.cleaned_data.get("theirs"))


MERGE_SALT = "content.merge"


def sign_content(content: dict[str, Any]) -> str:
    return signing.dumps(content, salt=MERGE_SALT, compress=True)


def unsign_content(value: str | None) -> dict[str, Any]:
    """The signed content, or {} when there is none or it was tampered with."""
    if not value:
        return {}
    try:
        content: dict[str, Any] = signing.loads(value, salt=MERGE_SALT)
    except signing.BadSignature:
        return {}
    return content


class RichTextarea(forms.Textarea):
    """A textarea that static/js/richtext.js turns into an editor; without JavaScript it stays one.
    It shows the HTML sanitized, whatever wrote it."""

    def __init__(self) -> None:
        super().__init__(attrs={"rows": 10, "data-richtext": ""})

    def format_value(self, value: Any) -> str | None:
        return clean_html(value) if isinstance(value, str) else super().format_value(value)


class RichTextField(forms.CharField):
    """HTML from the editor (or typed without it), sanitized before it is stored."""

    def to_python(self, value: Any) -> str:
        return clean_html(super().to_python(value))


def _field_for(definition: dict[str, Any]) -> forms.Field:
    kind = definition["type"]
    options: dict[str, Any] = {
        "required": False,
        "label": definition.get("label"),
        "help_text": definition.get("help", ""),
    }
    if kind in TEXT_TYPES:
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            "text": forms.TextInput,
            "longtext": forms.Textarea(attrs={"rows": 6}),
        }
        field = (RichTextField if kind == "richtext" else forms.CharField)(
            max_length=definition.get("maxLength", 1000 if kind == "text" else None),
            min_length=definition.get("minLength"),
            widget=widgets.get(kind) or RichTextarea(),
            strip=False,
            **options,
        )
        if "pattern" in definition:
            field.validators.append(RegexValidator(f"^(?:{definition['pattern']})$"))
        return field
    if kind == "number":
        validators: list[BaseValidator] = (
            [MinValueValidator(definition["min"])] if "min" in definition else []
        )
        validators += [MaxValueValidator(definition["max"])] if "max" in definition else []
        number = forms.IntegerField if definition.get("integer") else forms.FloatField
        return number(validators=validators, **options)
    if kind == "boolean":
        return forms.NullBooleanField(widget=forms.NullBooleanSelect, **options)
    if kind == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **options)
    if kind == "datetime":
        picker = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
        return forms.DateTimeField(
            widget=picker, help_text="UTC", **{k: v for k, v in options.items() if k != "help_text"}
        )
    if kind == "select":
        choices = [(o["value"], o.get("label") or o["value"]) for o in definition.get("options", [])]
        if definition.get("multiple"):
            return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **options)
        return forms.ChoiceField(choices=[("", "—"), *choices], **options)
    if kind in ("url", "image"):
        return forms.URLField(assume_scheme="https", max_length=2048, **options)
    if kind == "list" and definition.get("items", {}).get("type") in TEXT_TYPES:
        options["help_text"] = options["help_text"] or "One item per line."
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), **options)
    if kind == "relation":
        options["help_text"] = options["help_text"] or f"Record id in {definition.get('schema')}" + (
            ", one per line." if definition.get("multiple") else "."
        )
        widget = forms.Textarea(attrs={"rows": 3}) if definition.get("multiple") else forms.TextInput
        return forms.CharField(widget=widget, **options)
    return JSONField(widget=forms.Textarea(attrs={"rows": 4, "class": "mono"}), **options)


class ValuesForm(forms.Form):
    """One form field per schema field. Nothing is required here: drafts may be incomplete."""

    def __init__(
        self, schema: Schema, *args: Any, values: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        kwargs.setdefault("prefix", "values")
        kwargs["initial"] = _initial(schema, values or {})
        super().__init__(*args, **kwargs)
        self.schema = schema
        self.loaded = values or {}
        for name, definition in schema.fields.items():
            field = _field_for(definition)
            default = definition.get("default")
            # Defaults are not stored: an empty field shows what customers will get.
            if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.MultipleChoiceField):
                if default is not None:
                    shown = cast(list[tuple[Any, Any]], field.choices)  # _field_for gave it a list
                    field.choices = [("", f"— (default: {dict(shown).get(default, default)})"), *shown[1:]]
            elif default is not None and not isinstance(default, dict | list | bool):
                field.widget.attrs.setdefault("placeholder", f"Default: {default}")
            field.kind = definition["type"]  # type: ignore[attr-defined]  # for the editor's template
            # Drafts may leave it empty; publishing may not (the editor marks it).
            field.required_to_publish = bool(definition.get("required"))  # type: ignore[attr-defined]  # as kind
            self.fields[name] = field

    @property
    def has_richtext(self) -> bool:
        return any(getattr(field, "kind", "") == "richtext" for field in self.fields.values())

    def values(self) -> dict[str, Any]:
        """The cleaned data as Brickworks values; empty fields are left out (not set).

        A field sent back as it was shown keeps the value it was loaded with: the form shows a time to
        the minute, a number as a float, list items stripped, and saving must not change them.
        """
        out: dict[str, Any] = {}
        for name, definition in self.schema.fields.items():
            if self.loaded.get(name) is not None and self.untouched(name):
                out[name] = self.loaded[name]
                continue
            value: Any = self.cleaned_data.get(name)
            if value in (None, "", []):
                continue
            kind = definition["type"]
            if isinstance(value, datetime):
                value = (
                    (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat().replace("+00:00", "Z")
                )
            elif isinstance(value, date):
                value = value.isoformat()
            elif (
                kind in ("list", "relation")
                and isinstance(value, str)
                and (kind == "list" or definition.get("multiple"))
            ):
                value = [line.strip() for line in value.splitlines() if line.strip()]
            elif kind == "relation":
                value = value.strip()
            out[name] = value
        return out

    def untouched(self, name: str) -> bool:
        """Whether the field came back as the form showed it (read the same way, as a browser sends it)."""
        field = self.fields[name]
        shown = field.widget.format_value(field.prepare_value(self.get_initial_for_field(field, name)))
        sent = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
        return _read(field, shown) == _read(field, sent)


_UNREADABLE = object()


def _read(field: forms.Field, raw: Any) -> object:
    """`raw` as the field reads it, with the browser's CRLF line ends made LF; _UNREADABLE if it cannot."""
    if isinstance(raw, str):
        raw = raw.replace("\r\n", "\n")
    try:
        value = field.clean(raw)
    except forms.ValidationError:
        return _UNREADABLE
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


def _initial(schema: Schema, values: dict[str, Any]) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    for name, value in values.items():
        definition = schema.fields.get(name)
        if definition is None:
            continue
        kind = definition["type"]
        if isinstance(value, list) and (
            kind == "list" and definition["items"]["type"] in TEXT_TYPES or kind == "relation"
        ):
            value = "\n".join(str(v) for v in value)
        elif kind == "datetime" and isinstance(value, str):
            value = parse_datetime(value) or value
        initial[name] = value
    return initial


IDENTIFIER_TYPES = [
    ("email", "Email"),
    ("id", "Profile ID"),
    ("uuid", "UUID"),
    ("custom_identify", "Custom ID"),
]


class PreviewProfileForm(forms.Form):
    """One profile to preview as; an empty value previews as nobody in particular."""

    identifier_type = forms.ChoiceField(choices=IDENTIFIER_TYPES, required=False, label="Identifier")
    identifier_value = forms.CharField(required=False, max_length=200, label="Value")


class TestProfileForm(PreviewProfileForm):
    """A named profile the whole team can preview as."""

    name = forms.CharField(
        max_length=80, label="Name", widget=forms.TextInput(attrs={"placeholder": "Ann, loyal"})
    )
    identifier_value = forms.CharField(max_length=200, label="Value")

    field_order = ["name", "identifier_type", "identifier_value"]


PreviewProfiles = forms.formset_factory(PreviewProfileForm, extra=0, max_num=3, min_num=1, absolute_max=3)


class ScheduleForm(WhenForm):
    action = forms.ChoiceField(choices=ScheduledAction.Action.choices, initial="publish")

    field_order = ["action", "at"]
