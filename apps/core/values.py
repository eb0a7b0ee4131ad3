"""Values as a person reads them: lists as lists, yes and no, and what changed between two texts, word by
word."""

from __future__ import annotations

import difflib
import re
from typing import Any

_WORDS = re.compile(r"\s+|[^\s]+")


def readable(value: Any) -> str:
    """`winter, coats` for a list, `Yes` for True, `size: M; colour: red` for an object; '' for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list | tuple):
        parts = [readable(item) for item in value]
        return ("; " if any(isinstance(item, dict) for item in value) else ", ").join(parts)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {readable(item)}" for key, item in value.items())
    return str(value)


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """`new` as pieces marked `same`, `ins` (not in `old`) or `del` (only in `old`), word by word, spaces
    kept, in reading order."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    pieces: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(("same", "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            pieces.append(("del", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            pieces.append(("ins", "".join(b[j1:j2])))
    return pieces
