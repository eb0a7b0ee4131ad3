"""JSON typed by people, read as strictly as the remote services take it; JSON that keeps its numbers."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import jiter
import simplejson

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


def _exact(text: str) -> Decimal:
    _finite(text)
    return Decimal(text)


class StrictJSONDecoder(json.JSONDecoder):
    """JSON as the remote services take it: no NaN or Infinity, finite numbers, at most MAX_JSON_DEPTH deep,
    text that UTF-8 can carry (no lone surrogate, which `"\\ud800"` decodes to).

    Every refusal is a `json.JSONDecodeError`, the one error Django's JSONField turns into a form error
    (a RecursionError, an integer of 5,000 digits or a NaN used to be a 500 or a broken request body).
    """

    # How a number with a fraction or an exponent is read.
    number: Callable[[str], float | Decimal] = staticmethod(_finite)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(parse_constant=_refuse_constant, parse_float=self.number, **kwargs)

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


class ExactJSONDecoder(StrictJSONDecoder):
    """StrictJSONDecoder whose numbers with a fraction or an exponent read as Decimal, as written."""

    number = staticmethod(_exact)


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


# A value read and written back unchanged stays byte-identical: 3299.00 is not 3299.0 (docs/api-decisions.md,
# "Numbers keep their form"). jiter (pydantic's parser) reads; simplejson writes a Decimal as a bare number.
_compact = simplejson.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), use_decimal=True, allow_nan=False
)
_spaced = simplejson.JSONEncoder(ensure_ascii=False, use_decimal=True, allow_nan=False)


def exact_loads(text: str | bytes) -> Any:
    """JSON whose numbers with a fraction keep their form (`Decimal("3299.00")`); ValueError if not JSON."""
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    try:
        return jiter.from_json(data, float_mode="decimal", allow_inf_nan=False)
    except ValueError:
        # jiter refuses half a character (a lone \ud800 escape), which Python's parser reads.
        return simplejson.loads(text, use_decimal=True, allow_nan=False)


def exact_dumps(value: Any, *, spaced: bool = False) -> str:
    """Compact JSON text of `value`, a Decimal written as the number it holds (`3299.00`); `spaced` as
    Python's json.dumps spaces it (`["a", "b"]`)."""
    return (_spaced if spaced else _compact).encode(value)
