"""What a launch's content steps change for the people who read it: each record as the workspace's test
profiles get it now and as they will after the launch, inserts resolved by Brickworks' preview."""

from __future__ import annotations

from typing import Any

from django.utils.html import strip_tags
from django.utils.text import Truncator

from apps.connections.workspace import Workspace
from apps.content.client import BrickworksClient, Record, Schema
from apps.content.services import records
from apps.content.services.preview import KINDS, profiles_of
from apps.core.threads import at_once
from apps.core.values import readable
from apps.jobs.steps import Seen, Target

PROFILES = 2  # besides any visitor: the page makes two calls a profile and a record
NOT_LIVE = "Nothing: it is not live"


def after_publish(workspace: Workspace[BrickworksClient], target: Target) -> list[Seen]:
    with workspace.client() as api:
        schema, _working, live = records.opened(api, target["app_id"], target["record"])
        chosen = api.get_version(schema.id, target["record"], target["version"])
        return _compare(api, workspace, schema, live, chosen)


def after_unpublish(workspace: Workspace[BrickworksClient], target: Target) -> list[Seen]:
    with workspace.client() as api:
        schema, _working, live = records.opened(api, target["app_id"], target["record"])
        return _compare(api, workspace, schema, live, None)


def _compare(
    api: BrickworksClient,
    workspace: Workspace[BrickworksClient],
    schema: Schema,
    live: Record | None,
    after: Record | None,
) -> list[Seen]:
    """The fields that read differently, profile by profile (any visitor first)."""
    people: list[tuple[str, Any, str | None]] = [("Any visitor", None, None)]
    for profile in profiles_of(workspace)[:PROFILES]:
        kind = KINDS.get(profile.identifier_type, profile.identifier_type)
        who = f"{profile.name} ({kind} {profile.identifier_value})"
        people.append((who, profile.identifier_type, profile.identifier_value))

    def generated(record: Record | None, kind: Any, value: str | None) -> dict[str, Any] | None:
        if record is None:
            return None
        return api.preview(
            schema.app_id, record.id, values=record.values, identifier_type=kind, identifier_value=value
        )

    calls = [
        call
        for _who, kind, value in people
        for call in (
            lambda k=kind, v=value: generated(live, k, v),
            lambda k=kind, v=value: generated(after, k, v),
        )
    ]
    answers = at_once(*calls)
    # A field everyone reads alike is one line; one that inserts make differ, a line a person.
    readers: dict[tuple[str, str, str], list[str]] = {}
    for number, (who, _kind, _value) in enumerate(people):
        now, then = answers[2 * number], answers[2 * number + 1]
        for line in _differences(schema, who, now, then):
            readers.setdefault((line.what, line.now, line.after), []).append(who)
    everyone = "Everyone" if len(people) == 1 else f"Everyone (any visitor and {_profiles(len(people) - 1)})"
    return [
        Seen(everyone if len(whos) == len(people) else ", ".join(whos), what, now, after)
        for (what, now, after), whos in readers.items()
    ]


def _profiles(count: int) -> str:
    return "the test profile" if count == 1 else f"the {count} test profiles"


def _differences(
    schema: Schema, who: str, now: dict[str, Any] | None, then: dict[str, Any] | None
) -> list[Seen]:
    if now is None or then is None:
        shown = now if then is None else then
        lines = [
            (_label(schema, name), _text(value))
            for name, value in (shown or {}).items()
            if not name.startswith("__")
        ]
        if now is None:
            return [Seen(who, label, NOT_LIVE, text) for label, text in lines]
        return [Seen(who, label, text, NOT_LIVE) for label, text in lines]
    names = [name for name in dict.fromkeys([*now, *then]) if not name.startswith("__")]
    return [
        Seen(who, _label(schema, name), _text(now.get(name)), _text(then.get(name)))
        for name in names
        if _text(now.get(name)) != _text(then.get(name))
    ]


def _label(schema: Schema, name: str) -> str:
    return str(schema.fields.get(name, {}).get("label") or name)


def _text(value: Any) -> str:
    """What a person reads: rich text without its tags, lists as lists, at most 200 characters."""
    text = strip_tags(value) if isinstance(value, str) else readable(value)
    return Truncator(" ".join(text.split())).chars(200)
