"""Records: create, save, publish, duplicate, restore a version. Every write here is audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied

from apps.connections.workspace import Workspace
from apps.content.client import BrickworksClient, Record, RecordVersion, Schema, Status
from apps.content.services import richtext
from apps.core import audit, values
from apps.core.http import ApiNotFound
from apps.core.models import AuditEntry
from apps.core.threads import at_once

EDITABLE = ["DRAFT", "SCHEDULED", "UNPUBLISHED"]


def record_ref(schema: Schema, record: Record | None, record_id: str = "") -> audit.Ref:
    name = record.name if record else ""
    return audit.Ref(
        "brickworks.record", record.id if record else record_id, f"{schema.app_id}/{name or record_id}"
    )


def working_version(api: BrickworksClient, schema: Schema, record_id: str) -> Record:
    """The version an editor works on: the draft (or scheduled, unpublished) one, else the live one."""
    if not schema.is_simple:
        try:
            return api.get_record(schema.id, record_id, statuses=EDITABLE)
        except ApiNotFound:
            pass
    return api.get_record(schema.id, record_id)


class Opened(NamedTuple):
    schema: Schema
    record: Record  # the version an editor works on
    live: Record | None  # the version customers see, None when nothing is live


def opened(api: BrickworksClient, app_id: str, record_id: str) -> Opened:
    """A record's schema, its working version and its live one, the three asked for at once: Brickworks
    finds a record by its schema's appId, so no call waits for another (`working_version` in one go)."""
    schema, editable, published = at_once(
        lambda: api.get_schema(app_id),
        lambda: _found(lambda: api.get_record(app_id, record_id, statuses=EDITABLE)),
        lambda: _found(lambda: api.get_record(app_id, record_id, statuses=["PUBLISHED"])),
    )
    record = editable or published or api.get_record(schema.id, record_id)  # the last answers its 404
    if record.status == "PUBLISHED":
        return Opened(schema, record, record)
    return Opened(schema, record, None if schema.is_simple else published)


def _found(call: Callable[[], Record]) -> Record | None:
    try:
        return call()
    except ApiNotFound:
        return None


IDS_PER_CALL = 100


def newer_drafts(api: BrickworksClient, schema: Schema, records: list[Record]) -> dict[str, Record]:
    """The newer drafts of the live records among these, by record id (one call per 100 records)."""
    live = [r.id for r in records if r.status == "PUBLISHED"]
    if schema.is_simple:
        return {}
    drafts: dict[str, Record] = {}
    for start in range(0, len(live), IDS_PER_CALL):
        chunk = live[start : start + IDS_PER_CALL]
        page = api.list_records(schema.id, ids=chunk, statuses=["DRAFT", "SCHEDULED"], limit=len(chunk))
        drafts.update((record.id, record) for record in page.data)
    return drafts


def create_record(
    workspace: Workspace[BrickworksClient],
    *,
    schema: Schema,
    values: dict[str, Any],
    status: Status,
    **fields: Any,
) -> Record:
    created: list[Record] = []

    def target() -> audit.Target:
        if created:
            return record_ref(schema, created[0])
        return audit.Ref("brickworks.schema", schema.id, schema.app_id)

    with (
        audit.action(workspace.person, "record.create", target, status=status) as detail,
        workspace.client() as api,
    ):
        created.append(api.create_record(schema.id, values=values, status=status, **fields))
        detail["record"] = created[0].id
        detail["version"] = created[0].record_version
    return created[0]


def changes_live(schema: Schema, version: Record, *, publish: bool) -> bool:
    """Whether writing to this version changes what customers see: publishing does, and so does any
    save into the live version of a simple schema, which has no drafts (see `write`)."""
    return publish or (schema.is_simple and version.status == "PUBLISHED")


def save_record(
    workspace: Workspace[BrickworksClient],
    *,
    schema: Schema,
    record: Record,
    publish: bool,
    last_updated_at: str | None,
    **content: Any,
) -> Record:
    """Save an editor's content, and publish it when asked; `last_updated_at` guards against
    overwriting someone else's save (ApiConflict BKW-029).

    Raises PermissionDenied when the save changes live content and the person may not publish, and
    AlreadyLive when asked to publish the live version with nothing changed (no new version is made).
    """
    if publish and record.status == "PUBLISHED" and _unchanged(schema, record, content):
        raise AlreadyLive(f"{record.name} is already live; nothing changed.")
    user = workspace.person
    live = changes_live(schema, record, publish=publish)
    if live and not (user is not None and user.has_perm("content.publish_content")):
        raise PermissionDenied("Changing live content is publishing.")
    action = "record.publish" if live else "record.update"
    with audit.action(user, action, record_ref(schema, record)) as detail, workspace.client() as api:
        saved = write(api, schema, record, publish=publish, last_updated_at=last_updated_at, **content)
        detail["version"] = saved.record_version
        detail["changed"] = not _unchanged(schema, record, content)  # a publish as is authors nothing
    return saved


class AlreadyLive(Exception):
    """Publishing was asked for a live version whose content is what the editor sent back."""


def _unchanged(schema: Schema, record: Record, content: dict[str, Any]) -> bool:
    def filled(values: dict[str, Any]) -> dict[str, Any]:
        return {name: value for name, value in values.items() if value not in (None, "", [])}

    return (
        filled(content.get("values") or {}) == filled(record.values)
        and (content.get("name") or None) == (name_initial(schema, record.name, record.values) or None)
        and (content.get("slug") or None) == (record.slug or None)
    )


def unpublish_record(workspace: Workspace[BrickworksClient], *, schema: Schema, record: Record) -> Record:
    ref = record_ref(schema, record)
    with audit.action(workspace.person, "record.unpublish", ref) as detail, workspace.client() as api:
        done = api.update_record(schema.id, record.id, status="UNPUBLISHED", from_state="PUBLISHED")
        detail["version"] = done.record_version
    return done


def write(
    api: BrickworksClient,
    schema: Schema,
    version: Record,
    *,
    publish: bool,
    last_updated_at: datetime | str | None = None,
    **content: Any,
) -> Record:
    """Write content to a version, publishing it if asked.

    The one place of the rule that a versioned schema's live or unpublished version is never edited
    in place: the change starts a new draft, which is then published if asked. A simple schema has no
    drafts, so content written to its live version is live at once: callers treat that as publishing
    (`changes_live`).
    """
    last = last_updated_at
    if not schema.is_simple and version.status in ("PUBLISHED", "UNPUBLISHED"):
        version = api.update_record(schema.id, version.id, status="DRAFT", last_updated_at=last, **content)
        if not publish:
            return version
        content, last = {}, version.updated_at
    status: Status | None = "PUBLISHED" if publish else None
    return api.update_record(schema.id, version.id, status=status, last_updated_at=last, **content)


def bring_to(api: BrickworksClient, schema: Schema, record_id: str, action: str) -> str:
    """Publish or unpublish, reading the record first so that repeating it changes nothing.

    Returns what was done, for traces and per-item results. Used by the schedule and bulk jobs,
    where a retry after a lost answer must not publish twice.
    """
    if action == "unpublish":
        try:
            live = api.get_record(schema.id, record_id, statuses=["PUBLISHED"])
        except ApiNotFound:
            return "Nothing to do: the record was not live"
        done = api.update_record(schema.id, live.id, status="UNPUBLISHED", from_state="PUBLISHED")
        return f"Unpublished: version {done.record_version} is no longer live"
    try:
        latest = api.get_record(schema.id, record_id, statuses=["DRAFT", "SCHEDULED"])
    except ApiNotFound:
        latest = api.get_record(schema.id, record_id)  # the live version if any, else the unpublished one
    if latest.status == "PUBLISHED":
        return f"Nothing to do: version {latest.record_version} was already live"
    done = write(api, schema, latest, publish=True, last_updated_at=latest.updated_at)
    return f"Published: version {done.record_version} is live"


def duplicate_record(workspace: Workspace[BrickworksClient], *, schema: Schema, record: Record) -> Record:
    with (
        audit.action(workspace.person, "record.duplicate", record_ref(schema, record)) as detail,
        workspace.client() as api,
    ):
        copy = api.duplicate_record(schema.id, record.id)
        detail["copy"] = copy.id
    return copy


def name_initial(schema: Schema, name: str | None, values: dict[str, Any]) -> str:
    """The explicit name, or "" when the record takes its name from a field (or is Unnamed)."""
    for field, definition in schema.fields.items():
        if definition.get("useAsRecordName") and values.get(field) == name:
            return ""
    return "" if name in (None, "Unnamed") else str(name)


def missing_required(schema: Schema, values: dict[str, Any]) -> list[str]:
    """Labels of the required fields without a value: what stops a draft from being published."""
    return [
        definition.get("label") or name
        for name, definition in schema.fields.items()
        if definition.get("required") and values.get(name) in (None, "", [])
    ]


class DraftInTheWay(Exception):
    """Restoring would overwrite a draft that someone is working on."""


def restore_refused(latest: RecordVersion) -> str | None:
    """Why no other version can be restored while `latest` is the newest, if it cannot: shown before the
    click, and the reason a restore is refused."""
    if latest.status in ("DRAFT", "SCHEDULED"):
        return (
            f"Version {latest.record_version} is a {latest.status.lower()} in progress; publish or unpublish "
            "it before restoring another version, so that its changes are not lost."
        )
    return None


def restore_version(
    workspace: Workspace[BrickworksClient], *, schema: Schema, version: RecordVersion, latest: RecordVersion
) -> Record:
    """Make a past version's content the new draft; never publishes, never overwrites a draft."""
    refused = restore_refused(latest)
    if refused and latest.record_version != version.record_version:
        raise DraftInTheWay(refused)
    ref = record_ref(schema, latest)
    restoring = audit.action(workspace.person, "record.restore", ref, restored=version.record_version)
    with restoring as detail, workspace.client() as api:
        draft = api.update_record(
            schema.id,
            latest.id,
            status="DRAFT",
            values=version.values,
            slug=version.slug,
            last_updated_at=latest.updated_at,
        )
        detail["version"] = draft.record_version
    return draft


def version_authors(record_id: str) -> dict[int, str]:
    """The person in this dashboard whose write made each version of a record, where we know it.

    Our audit entries of record writes name the version they left (`detail.version`); Brickworks
    itself knows only the workspace key the dashboard signs in with. The latest write that changed the
    version's content wins: publishing a draft as it is, or unpublishing, leaves its author as they were.
    """
    entries = (
        AuditEntry.objects.filter(
            target_type="brickworks.record",
            target_id=record_id,
            outcome=AuditEntry.Outcome.OK,
            detail__has_key="version",
        )
        .select_related("user")
        .order_by("created_at", "pk")
    )
    authors: dict[int, str] = {}
    for entry in entries:
        if entry.action == "record.unpublish" or entry.detail.get("changed") is False:
            continue
        person = entry.person
        version = entry.detail.get("version")
        if person and isinstance(version, int):
            authors[version] = person
    return authors


def saved_by(record: Record) -> str:
    """Who made the record's current version: the person, when it was saved through this dashboard;
    else, plainly, someone outside it, with what Brickworks knows (a Synerise user or the workspace key)."""
    person = version_authors(record.id).get(record.record_version)
    if person:
        return person
    name = record.updated_by.get("name") or ""
    if not name:
        return "someone outside this dashboard"
    who = "as the Synerise user" if record.updated_by.get("type") == "USER" else "with the workspace key"
    return f"someone outside this dashboard ({who} {name})"


def diff_versions(schema: Schema, a: RecordVersion, b: RecordVersion) -> list[dict[str, Any]]:
    """One row per field (the schema's, then any left from older schemas): both values as a reader sees
    them (rich text as its words, lists as lists), changed or not, and a changed one word by word."""
    names = list(schema.fields) + [n for n in {**a.values, **b.values} if n not in schema.fields]
    rows = []
    for name in names:
        definition = schema.fields.get(name, {})
        left, right = a.values.get(name), b.values.get(name)
        row = _compared(
            definition.get("label") or name, _as_read(definition, left), _as_read(definition, right)
        )
        # Markup or a link's address can change while the words stay: still a change.
        row["changed"] = left != right
        row["only_markup"] = left != right and row["a"] == row["b"]
        rows.append(row)
    rows.append(_compared("Slug", a.slug, b.slug))
    rows.append(_compared("Status", a.status.capitalize(), b.status.capitalize()))  # PUBLISHED: Published
    return rows


def _as_read(definition: dict[str, Any], value: Any) -> str | None:
    if value is None:
        return None
    if definition.get("type") == "richtext":
        return richtext.plain_text(value)
    return values.readable(value)


def _compared(label: str, left: str | None, right: str | None) -> dict[str, Any]:
    changed = left != right
    words = values.word_diff(left, right) if changed and left and right else []
    return {"label": label, "a": left, "b": right, "changed": changed, "words": words, "only_markup": False}
