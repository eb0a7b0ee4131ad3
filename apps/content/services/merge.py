"""Edit conflicts: a three-way comparison of what both editors started from, my save and theirs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from apps.content.client import Record, Schema
from apps.content.services.records import name_initial


@dataclass
class MergeRow:
    """One field that differs between the base, my save and theirs."""

    key: str  # a field name, or "name" / "slug" prefixed with "meta:"
    label: str
    base: Any
    mine: Any
    theirs: Any

    @property
    def outcome(self) -> str:
        """`conflict` when both changed it differently, else whose change stands: `mine` or `theirs`."""
        if self.mine == self.theirs or self.theirs == self.base:
            return "mine"
        return "theirs" if self.mine == self.base else "conflict"


def content_of(schema: Schema, record: Record) -> dict[str, Any]:
    """What an editor edits, for a three-way merge: values, explicit name, slug."""
    return {
        "values": record.values,
        "name": name_initial(schema, record.name, record.values) or None,
        "slug": record.slug or None,
    }


def three_way(
    schema: Schema, base: dict[str, Any], mine: dict[str, Any], theirs: dict[str, Any]
) -> list[MergeRow]:
    """The fields where my save and theirs differ, each with the value both started from."""
    rows = []
    sides = [side.get("values") or {} for side in (base, mine, theirs)]
    names = list(schema.fields) + [n for n in {**sides[1], **sides[2]} if n not in schema.fields]
    for name in names:
        row = MergeRow(
            name, schema.fields.get(name, {}).get("label") or name, *(side.get(name) for side in sides)
        )
        if row.mine != row.theirs:
            rows.append(row)
    for key, label in (("name", "Name"), ("slug", "Slug")):
        row = MergeRow(f"meta:{key}", label, base.get(key), mine.get(key), theirs.get(key))
        if row.mine != row.theirs:
            rows.append(row)
    return rows


def merge(mine: dict[str, Any], theirs: dict[str, Any], take_theirs: set[str]) -> dict[str, Any]:
    """My content with theirs in the fields named in `take_theirs`."""
    merged = {**mine, "values": dict(mine.get("values") or {})}
    for key in take_theirs:
        if key.startswith("meta:"):
            merged[key[5:]] = theirs.get(key[5:])
        elif key in (theirs.get("values") or {}):
            merged["values"][key] = theirs["values"][key]
        else:
            merged["values"].pop(key, None)
    return merged
