"""One check for every sandbox API: input the database can't store answers 400, never 500.

PostgreSQL refuses a NUL character in text and JSON, and JSON has no NaN or infinity (Python's json
reads `NaN` and `1e309` anyway). Each API adds `refuse_unstorable` to all its operations; it runs after
authentication and ninja's own validation, over the validated path, query and body values, and raises
ninja's ValidationError, so each API answers in its own error body. Numbers too large for a column are
bounded where they are declared (wire.Page, the ints of the bodies).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterator
from typing import Any

from ninja.errors import ValidationError
from pydantic import BaseModel

Path = tuple[str | int, ...]


def refuse_unstorable(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def checked(request: Any, *args: Any, **values: Any) -> Any:
        problems = [
            {"loc": ("request", name, *path), "msg": message, "type": "value_error"}
            for name, value in values.items()
            for path, message in unstorable(value)
        ]
        if problems:
            raise ValidationError(problems)
        return view(request, *args, **values)

    return checked


def unstorable(value: Any, path: Path = ()) -> Iterator[tuple[Path, str]]:
    """Where in `value` (a validated parameter, a model, JSON) something can't be stored, and why."""
    if isinstance(value, BaseModel):
        yield from unstorable(value.model_dump(), path)
    elif isinstance(value, str):
        if "\x00" in value:
            yield path, "must not contain a NUL character"
    elif isinstance(value, float):
        if not math.isfinite(value):
            yield path, "must be a finite number"
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and "\x00" in key:
                yield (*path, key), "names must not contain a NUL character"
            yield from unstorable(item, (*path, key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from unstorable(item, (*path, index))
