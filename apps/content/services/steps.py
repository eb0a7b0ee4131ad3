"""A record's launch steps (apps.jobs.steps): publish the draft version chosen when the step was added,
unpublish the live version. Each reads the record first, so a step run twice acts once, and takes back
only what is still as the step left it."""

from __future__ import annotations

from dataclasses import replace

from django.http import QueryDict

from apps.connections.models import Connection
from apps.connections.workspace import User, Workspace
from apps.content.client import BrickworksClient, Schema
from apps.content.client import Record as Version
from apps.content.services import moment, records
from apps.content.services.filters import saved_filters
from apps.content.services.workspace import workspace_for
from apps.core import audit
from apps.core.http import ApiNotFound
from apps.core.threads import at_once
from apps.jobs.steps import Done, Group, Refused, State, StepKind, Target, Undone, Verdict

PUBLISH, UNPUBLISH = "content.publish", "content.unpublish"
FILTER_MOST = 200  # records one saved filter may add to a launch
AT_ONCE = 8  # records read at a time


def publish_target(schema: Schema, version: Version) -> Target:
    """Publishing `version` (the record's working version) as it is now: a draft is saved in place, so
    the version's number and the time of its last save pin what goes live."""
    saved = version.updated_at.isoformat() if version.updated_at else ""
    return {**unpublish_target(schema, version), "version": version.record_version, "saved": saved}


def unpublish_target(schema: Schema, version: Version) -> Target:
    return {"app_id": schema.app_id, "record": version.id, "name": version.name or version.id}


def pick_publish(workspace: Workspace[BrickworksClient], params: dict[str, str]) -> Target:
    with workspace.client() as api:
        schema, working, _live = records.opened(api, params["app_id"], params["record"])
    return publish_target(schema, working)


def pick_unpublish(workspace: Workspace[BrickworksClient], params: dict[str, str]) -> Target:
    with workspace.client() as api:
        schema, working, live = records.opened(api, params["app_id"], params["record"])
    return unpublish_target(schema, live or working)


def pick_filter(workspace: Workspace[BrickworksClient], params: dict[str, str]) -> Group:
    """Publishing every record the person's saved filter finds now, each its working version: one step
    a record, so each is checked, approved and taken back on its own."""
    saved = saved_filters(workspace, app_id=params["app_id"]).filter(pk=params["filter"]).first()
    if saved is None:
        raise ApiNotFound("You have no saved filter with this number.", status=404)
    query = QueryDict(saved.query)  # as the records list read it when the filter was saved
    search, status, sort = (query.get(name, "").strip() for name in ("q", "status", "sort"))
    ids: list[str] = []
    with workspace.client() as api:
        while True:
            page = api.list_records(
                params["app_id"],
                page=len(ids) // 100 + 1,
                limit=100,
                search=search[:200] or None,
                statuses=[status] if status else None,
                sort_by=sort or None,
            )
            ids += [record.id for record in page.data]
            if len(ids) > FILTER_MOST:
                raise Refused(
                    f"{saved.name} finds {page.meta.total:,} records: a launch takes {FILTER_MOST} at most "
                    "from one filter. Narrow it first."
                )
            if len(page.data) < 100 or len(ids) >= page.meta.total:
                break
        targets: list[Target] = []
        for start in range(0, len(ids), AT_ONCE):
            chunk = ids[start : start + AT_ONCE]
            for schema, working, _live in at_once(
                *(lambda record=record: records.opened(api, params["app_id"], record) for record in chunk)
            ):
                targets.append(publish_target(schema, working))
    count = f"the {len(targets)} records" if len(targets) != 1 else "the one record"
    return Group(f"Publish {count} of the filter {saved.name}", targets)


def describe_publish(target: Target) -> str:
    return f"Publish {target['name']} (version {target['version']})"


def describe_unpublish(target: Target) -> str:
    return f"Unpublish {target['name']}"


def check_publish(workspace: Workspace[BrickworksClient], target: Target) -> Verdict:
    try:
        schema, working, live = _read(workspace, target)
    except ApiNotFound:
        return Verdict(False, f"{target['name']} no longer exists.")
    chosen = target["version"]
    if live and live.record_version == chosen:
        return Verdict(True, f"Version {chosen} is live already: nothing to do.")
    if _moved(target, working):
        return Verdict(False, _changed(target))
    missing = records.missing_required(schema, working.values)
    if missing:
        return Verdict(False, f"Version {chosen} cannot be published: {_listed(missing)} empty.")
    replacing = f", in place of version {live.record_version}" if live else ""
    return Verdict(True, f"Version {chosen} will go live{replacing}.")


def check_unpublish(workspace: Workspace[BrickworksClient], target: Target) -> Verdict:
    try:
        _schema, _working, live = _read(workspace, target)
    except ApiNotFound:
        return Verdict(False, f"{target['name']} no longer exists.")
    if live is None:
        return Verdict(True, "It is not live now: nothing to do.")
    return Verdict(True, f"Version {live.record_version} will no longer be live.")


def before(workspace: Workspace[BrickworksClient], target: Target) -> State:
    _schema, working, live = _read(workspace, target)
    return _state(working, live)


def publish(workspace: Workspace[BrickworksClient], target: Target) -> Done:
    chosen = target["version"]
    with workspace.client(retries=0) as api:
        schema, working, live = records.opened(api, target["app_id"], target["record"])
        if live and live.record_version == chosen:
            return Done(f"Nothing to do: version {chosen} was live already.", _state(working, live))
        if _moved(target, working):
            raise Refused(_changed(target))
        with audit.action(workspace.person, "record.publish", records.record_ref(schema, working)) as detail:
            done = records.write(api, schema, working, publish=True, last_updated_at=working.updated_at)
            detail.update(version=done.record_version, changed=False)  # a draft published as it is
    return Done(f"Published: version {done.record_version} is live.", _state(done, done))


def unpublish(workspace: Workspace[BrickworksClient], target: Target) -> Done:
    with workspace.client(retries=0) as api:
        schema, working, live = records.opened(api, target["app_id"], target["record"])
        if live is None:
            return Done("Nothing to do: it was not live.", _state(working, None))
        with audit.action(workspace.person, "record.unpublish", records.record_ref(schema, live)) as detail:
            done = api.update_record(schema.id, live.id, status="UNPUBLISHED", from_state="PUBLISHED")
            detail["version"] = done.record_version
        schema, working, live = records.opened(api, target["app_id"], target["record"])
    return Done(f"Unpublished: version {done.record_version} is no longer live.", _state(working, live))


def undo(workspace: Workspace[BrickworksClient], target: Target, was: State, left: State) -> Undone:
    """Bring back what was live before the step (that version's content, or nothing live), if the record
    is still as the step left it."""
    with workspace.client(retries=0) as api:
        try:
            schema, working, live = records.opened(api, target["app_id"], target["record"])
        except ApiNotFound:
            return Undone(f"Left alone: {target['name']} was deleted after the launch.", left_alone=True)
        now = _state(working, live)
        if now == was:
            return Undone("Nothing to do: it is as it was before the launch.")
        if now != left:
            return Undone(_changed_since(left, now), left_alone=True)
        ref = records.record_ref(schema, working)
        if was["live"] is None:
            assert live is not None  # left live by the step, as `now == left` says
            with audit.action(workspace.person, "record.unpublish", ref) as detail:
                done = api.update_record(schema.id, live.id, status="UNPUBLISHED", from_state="PUBLISHED")
                detail["version"] = done.record_version
            return Undone(f"Unpublished again: version {done.record_version} is no longer live.")
        old = api.get_version(schema.id, working.id, was["live"])
        with audit.action(workspace.person, "record.publish", ref, restored=was["live"]) as detail:
            done = records.write(
                api,
                schema,
                working,
                publish=True,
                last_updated_at=working.updated_at,
                values=old.values,
                slug=old.slug,
            )
            detail["version"] = done.record_version
    return Undone(f"Version {was['live']}'s content is live again, as version {done.record_version}.")


def _read(workspace: Workspace[BrickworksClient], target: Target) -> records.Opened:
    with workspace.client() as api:
        return records.opened(api, target["app_id"], target["record"])


def _touches(target: Target) -> str:
    return f"brickworks.record:{target['record']}"


def _workspace(user: User, connection: Connection, target: Target) -> Workspace[BrickworksClient]:
    return workspace_for(user, connection=connection)


def _state(working: Version, live: Version | None) -> State:
    return {"newest": working.record_version, "live": live.record_version if live else None}


def _moved(target: Target, working: Version) -> bool:
    saved = working.updated_at.isoformat() if working.updated_at else ""
    return bool(working.record_version != target["version"] or saved != target["saved"])


def _changed(target: Target) -> str:
    return (
        f"{target['name']} has changed since version {target['version']} was chosen: add it again to "
        "publish what it holds now."
    )


def _changed_since(left: State, now: State) -> str:
    if now["newest"] != left["newest"]:
        return f"Left alone: version {now['newest']} was saved after the launch."
    if now["live"] is None:
        return "Left alone: someone unpublished it after the launch."
    return f"Left alone: version {now['live']} went live after the launch."


def _listed(labels: list[str]) -> str:
    names = ", ".join(labels[:-1]) + f" and {labels[-1]}" if len(labels) > 1 else labels[0]
    return f"{names} {'is' if len(labels) == 1 else 'are'}"


def kinds() -> list[StepKind]:
    publishing = StepKind(
        key=PUBLISH,
        found_at="content:schemas",
        label="Publish a record's draft",
        system="Content",
        permission="content.edit_content",
        performs="content.publish_content",
        connection_kind=Connection.Kind.SYNERISE,
        workspace=_workspace,
        pick=pick_publish,
        describe=describe_publish,
        touches=_touches,
        check=check_publish,
        before=before,
        perform=publish,
        undo=undo,
        pick_filter=pick_filter,
        preview=moment.after_publish,
    )
    unpublishing = replace(
        publishing,
        pick_filter=None,
        preview=moment.after_unpublish,
        key=UNPUBLISH,
        label="Unpublish a record",
        pick=pick_unpublish,
        describe=describe_unpublish,
        check=check_unpublish,
        perform=unpublish,
    )
    return [publishing, unpublishing]
