"""What each kind of operation is called where people read it (the Operations filter). Each domain names
the kinds of job it starts beside the code that starts them; the jobs app knows no domain's kinds."""

from __future__ import annotations

_names: dict[str, str] = {}


def name(kind: str, words: str) -> str:
    """Name `kind` (as `Job.kind` holds it) in words; returns the kind, for the module's constant."""
    _names[kind] = words
    return kind


def named(kind: str) -> str:
    """The kind in words; one nobody named reads as its code would (catalog_export: Catalog export)."""
    return _names.get(kind) or kind.replace(".", " ").replace("_", " ").capitalize()
