"""Suggestions of the flows API: save, delete and apply them; every write audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from apps.automations.client import ApplyResult, FlowsClient, Suggestion, SuggestionInput
from apps.connections.workspace import Workspace
from apps.core import audit


def suggestion_ref(suggestion_id: str, title: str = "") -> audit.Ref:
    return audit.Ref("flows.suggestion", suggestion_id, title or suggestion_id)


def save_suggestion(
    workspace: Workspace[FlowsClient], *, body: SuggestionInput, existing: str | None = None
) -> Suggestion:
    """Create a suggestion (the server gives it an id), or replace the one with id `existing` whole."""
    name = "suggestion.update" if existing else "suggestion.create"
    saved: list[Suggestion] = []

    def target() -> audit.Ref:
        made = saved[0].id if saved else existing
        return suggestion_ref(made or "", body.title)

    with audit.action(workspace.person, name, target), workspace.client() as api:
        if existing:
            saved.append(api.upsert_suggestion(existing, body))
        else:
            saved.append(api.create_suggestion(body))
    return saved[0]


def delete_suggestion(workspace: Workspace[FlowsClient], *, suggestion: Suggestion) -> None:
    ref = suggestion_ref(suggestion.id or "", suggestion.title)
    with audit.action(workspace.person, "suggestion.delete", ref), workspace.client() as api:
        api.delete_suggestion(suggestion.id or "")


def apply_suggestion(
    workspace: Workspace[FlowsClient],
    *,
    suggestion: Suggestion,
    target_override: str = "",
    dry_run: bool = False,
) -> ApplyResult:
    ref = suggestion_ref(suggestion.id or "", suggestion.title)
    target = target_override or suggestion.target
    applying = audit.action(workspace.person, "suggestion.apply", ref, applied_to=target, dry_run=dry_run)
    with applying as detail:
        with workspace.client() as api:
            result = api.apply_suggestion(
                suggestion.id or "", target_id_override=target_override or None, dry_run=dry_run
            )
        detail["ignored"] = bool(result.ignored)
    return result


@dataclass
class Change:
    """One field of the target as an apply left it: its value before and after."""

    name: str
    before: Any
    after: Any
    changed: bool


def changes(result: ApplyResult) -> list[Change]:
    """The target's fields before and after, changed ones first; empty when a state is not an object."""
    before, after = result.previous_state, result.new_state
    if not isinstance(before or {}, dict) or not isinstance(after or {}, dict):
        return []
    before, after = before or {}, after or {}
    rows = [
        Change(name, before.get(name), after.get(name), before.get(name) != after.get(name))
        for name in dict.fromkeys([*before, *after])
    ]
    return sorted(rows, key=lambda row: not row.changed)
