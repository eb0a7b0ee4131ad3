"""A remote service's refusal shown on our form: each field error next to the field it names."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from django import forms

from apps.core.http import ApiError


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
