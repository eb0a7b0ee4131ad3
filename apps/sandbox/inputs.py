"""One check for every sandbox API: input the database can't store answers 400, never 500.

PostgreSQL refuses a NUL character in text and JSON, UTF-8 (and so PostgreSQL) cannot hold half of a
surrogate pair (which JSON's `"\\ud800"` decodes to), and JSON has no NaN or infinity (Python's json
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
HALF_CHARACTER = "must not contain half of a character (a \\ud800-\\udfff escape without its pair)"


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
        if not _encodable(value):
            yield path, HALF_CHARACTER
    elif isinstance(value, float):
        if not math.isfinite(value):
            yield path, "must be a finite number"
    elif isinstance(value, dict):
        for key, item in value.items():
            name = _printable(key) if isinstance(key, str) else key
            if isinstance(key, str) and "\x00" in key:
                yield (*path, name), "names must not contain a NUL character"
            if name != key:
                yield (*path, name), f"names {HALF_CHARACTER}"
            yield from unstorable(item, (*path, name))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from unstorable(item, (*path, index))


def _encodable(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def _printable(text: str) -> str:
    """`text` with each lone surrogate as its escape, so the error body naming it can be sent."""
    return text.encode("utf-8", "backslashreplace").decode() if not _encodable(text) else text
