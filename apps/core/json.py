"""JSON typed by people, read as strictly as the remote services take it."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any

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
