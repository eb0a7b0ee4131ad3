from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator

from apps.core.http import ApiError
from apps.core.models import AuditEntry

HALF_CHARACTER = (
    "it holds half of a character (an escape from \\ud800 to \\udfff without its other half); "
    "type the whole character instead"
)
# Deeper than this, JSON typed into a form is a mistake or an attack; Python's parser gives up near 1,000.
MAX_JSON_DEPTH = 32


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text} is too large for a JSON number")
    return number


class StrictJSONDecoder(json.JSONDecoder):
    """JSON as the remote services take it: no NaN or Infinity, finite numbers, at most MAX_JSON_DEPTH deep,
    text that UTF-8 can carry (no lone surrogate, which `"\\ud800"` decodes to).

    Every refusal is a `json.JSONDecodeError`, the one error Django's JSONField turns into a form error
    (a RecursionError, an integer of 5,000 digits or a NaN used to be a 500 or a broken request body).
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(parse_constant=_refuse_constant, parse_float=_finite, **kwargs)

    def decode(self, s: str, *args: Any, **kwargs: Any) -> Any:
        try:
            value = super().decode(s, *args, **kwargs)
        except json.JSONDecodeError:
            raise
        except (ValueError, RecursionError) as exc:
            raise json.JSONDecodeError(str(exc) or "too deeply nested", s, 0) from None
        # Nesting needs an opening bracket a level, so a text with few of them is not walked.
        if s.count("[") + s.count("{") > MAX_JSON_DEPTH and _depth(value) > MAX_JSON_DEPTH:
            raise json.JSONDecodeError(f"nested deeper than {MAX_JSON_DEPTH} levels", s, 0)
        # A surrogate comes only from a \\u escape or the text itself, so most text needs no walk.
        if ("\\u" in s or not _encodable(s)) and not all(map(_encodable, _strings(value))):
            raise LoneSurrogate(HALF_CHARACTER, s, 0)
        return value


class LoneSurrogate(json.JSONDecodeError):
    """JSON text whose strings hold half of a UTF-16 pair: valid JSON that no UTF-8 body can carry."""


def _encodable(text: str) -> bool:
    """Whether UTF-8 can carry `text`: a lone surrogate reaching a request body or the database is a 500."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def _strings(value: Any) -> Iterator[str]:
    """Every string in `value`, object keys included, without recursion."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            yield from item.keys()
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _depth(value: Any) -> int:
    """How deep lists and objects nest in `value` (0 for a scalar), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is not None:
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in children)
    return deepest


def load_json(text: str) -> Any:
    """`text` read by StrictJSONDecoder; raises json.JSONDecodeError (a ValueError) when it is not."""
    return json.loads(text, cls=StrictJSONDecoder)


class JSONField(forms.JSONField):
    """Django's JSONField reading with StrictJSONDecoder: bad JSON is a form error, never a 500."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("decoder", StrictJSONDecoder)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except forms.ValidationError as exc:
            # Django's "Enter a valid JSON." would send a person looking for a missing bracket.
            if isinstance(exc.__context__, LoneSurrogate):
                raise forms.ValidationError(f"This is JSON, but {HALF_CHARACTER}.", code="invalid") from None
            raise


class AuditFilterForm(forms.Form):
    q = forms.CharField(label="User, action or target", required=False)
    outcome = forms.ChoiceField(choices=[("", "Any outcome"), *AuditEntry.Outcome.choices], required=False)
    since = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "The end date is before the start date.")
        return data


class LoginForm(AuthenticationForm):
    """Django's sign-in form, refusing a username longer than any account's before anyone sees it.

    Django sets the field's `max_length` for the browser only; without the check a 10,000-character
    username reached django-axes, whose failure record holds 255 (a 500 on PostgreSQL).
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["username"]
        if field.max_length:
            field.validators.append(MaxLengthValidator(field.max_length))


class Place(NamedTuple):
    """Where a remote field error is shown: a form, its field (None: the top of it), a label before it."""

    form: forms.Form
    field: str | None = None
    label: str = ""


def place_remote_errors(error: ApiError, fallback: forms.Form, place: Callable[[str], Place | None]) -> None:
    """Put a remote service's field errors next to the fields they name, the rest above the form.

    `place` maps a remote field path (`values.title`, `fields.price.max`) to where it is shown, or
    to None when nothing of ours matches.
    """
    placed = False
    for path, messages in error.field_errors.items():
        where = place(path)
        if where is None:
            continue
        for message in messages:
            where.form.add_error(where.field, f"{where.label}: {message}" if where.label else message)
        placed = True
    if not placed:
        fallback.add_error(None, error.message)
