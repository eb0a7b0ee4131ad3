"""A catalog's launch steps (apps.jobs.steps): import a CSV file whose dry run is done, exactly what the
dry run showed, taken back by putting back what the import changed (`restore`); set one item's values, or
delete one item, each read first so that a step run twice writes once, and taken back only while the item
is still as the step left it.

An item's values live in a step's target and states as JSON text (`exact_dumps`), not as JSON: a launch
keeps them in JSONFields, which cannot hold the Decimal that keeps 3299.00 from turning into 3299.0.
"""

from __future__ import annotations

import json
import time
from dataclasses import replace
from typing import Any

from django.core.exceptions import PermissionDenied

from apps.catalogs.client import Catalog, CatalogsClient, Item
from apps.catalogs.models import CatalogImport
from apps.catalogs.services import imports, items, moment, restore
from apps.catalogs.services.csvfile import NAME_MAX
from apps.catalogs.services.dryrun import KEY_MAX
from apps.catalogs.services.workspace import workspace_for
from apps.connections.models import Connection
from apps.connections.workspace import User, Workspace
from apps.core import audit
from apps.core.http import ApiNotFound
from apps.core.json import ExactJSONDecoder, exact_dumps, exact_loads
from apps.core.values import readable
from apps.jobs import services as jobs
from apps.jobs.models import Job
from apps.jobs.steps import Done, Refused, State, StepKind, Target, Undone, Verdict

IMPORT = "catalogs.import"
UPSERT_ITEM, DELETE_ITEM = "catalogs.upsert_item", "catalogs.delete_item"
RUN_TASK = "apps.catalogs.tasks.run_import"  # what a retry from Operations sends
WAIT_FOR_IMPORT = 30 * 60  # seconds a step waits for the import it started before a worker died


def import_target(imp: CatalogImport) -> Target:
    return {
        "import": imp.pk,
        "catalog": imp.catalog_id,
        "name": f"{imp.filename} into {imp.catalog_name}",
        "dry_run": imp.dry_run_id,
        "size": imp.size,
        "summary": imports._summary(imp.counts),
    }


def pick(workspace: Workspace[CatalogsClient], params: dict[str, str]) -> Target:
    imp = _find(workspace, params["import"])
    if imp is None or imports.stage(imp) != "checked":
        raise ApiNotFound("No import with a finished dry run has this number.", status=404)
    return import_target(imp)


def check(workspace: Workspace[CatalogsClient], target: Target) -> Verdict:
    imp = _find(workspace, target["import"])
    if imp is None:
        return Verdict(False, "The uploaded file is gone (files are kept 7 days).")
    if imp.dry_run_id != target["dry_run"] or imp.size != target["size"]:
        return Verdict(False, "The dry run was run again since the step was added: add it again.")
    stage = imports.stage(imp)
    if stage == "imported":
        return Verdict(True, "It was imported already: nothing to do.")
    if stage == "importing":
        return Verdict(False, "It is being imported outside this launch.")
    with workspace.client() as api:
        changed = imports.what_changed(api, imp)
    if changed:
        return Verdict(False, f"{changed} Run the dry run again and add the step again.")
    return Verdict(True, f"{target['summary']}, as the dry run showed.")


def before(workspace: Workspace[CatalogsClient], target: Target) -> State:
    return {"dry_run": target["dry_run"]}  # the dry run's plan keeps the catalog as it was


def perform(workspace: Workspace[CatalogsClient], target: Target) -> Done:
    imp = _find(workspace, target["import"])
    if imp is None:
        raise Refused("The uploaded file is gone (files are kept 7 days).")
    if imp.run is not None and imp.run.state == Job.State.SUCCEEDED:
        return Done("Nothing to do: it was imported already.", {"job": imp.run_id})
    if imp.run is not None and imp.run.is_finished:
        # Some batches failed (or it was cancelled): retrying the step retries them, the done ones stay.
        job = imp.run
        try:
            jobs.retry_job(job, user=workspace.user)
        except PermissionDenied as exc:
            raise Refused(f"Its import ended without finishing, and {exc}") from exc
        imports.run_import(job.pk)
        job.refresh_from_db()
    elif imp.run is not None:
        # Started by this step in a worker that died: the jobs' sweep hands the import to another worker.
        job = _finished(imp.run)
    else:
        try:
            job = imports.start_import(workspace, imp=imp, task_name=RUN_TASK)
        except imports.Stale as exc:
            raise Refused(str(exc)) from exc
        imports.run_import(job.pk)  # here, in the launch's worker: the next stage waits for it
        job.refresh_from_db()
    if job.state != Job.State.SUCCEEDED:
        raise Refused(f"The import did not finish: {job.error or job.get_state_display()}.")
    done = imports.done_counts(job)
    written, deleted = done["rows"], done["deleted"]
    said = f"Imported: {written:,} row{'' if written == 1 else 's'} written"
    said += f", {deleted:,} item{'' if deleted == 1 else 's'} deleted." if deleted else "."
    return Done(said, {"job": job.pk})


def _finished(job: Job) -> Job:
    """The job once it has ended, or as it is after WAIT_FOR_IMPORT."""
    deadline = time.monotonic() + WAIT_FOR_IMPORT
    while not job.is_finished and time.monotonic() < deadline:
        time.sleep(1)
        job.refresh_from_db()
    return job


def undo(workspace: Workspace[CatalogsClient], target: Target, was: State, left: State) -> Undone:
    imp = _find(workspace, target["import"])
    if imp is None:
        return Undone(
            "Left alone: the import's files are gone, and with them what the catalog held before.",
            left_alone=True,
        )
    ref = audit.Ref("synerise.catalog", str(imp.catalog_id), imp.catalog_name)
    with audit.action(workspace.person, "catalog.import_undo", ref, file=imp.filename) as detail:
        restored = restore.restore(workspace, imp)
        detail.update(
            put_back=restored.put_back, removed=restored.removed, left_alone=len(restored.left_alone)
        )
    return Undone(restored.said)


# One item: its values set, or it deleted

ITEM_PERMISSION = "catalogs.edit_items"  # what the item form's save and the delete page require
NAMES_SHOWN = 5  # property names listed in words; the rest are counted
SHOWN_MAX = 40  # characters of a value quoted in a verdict


def upsert_target(catalog: Catalog, key: str, value: dict[str, Any]) -> Target:
    return {
        "catalog": catalog.id,
        "name": catalog.name,
        "item": key,
        "value": exact_dumps(value),
        "summary": _names(list(value)),
    }


def delete_target(catalog: Catalog, item: Item) -> Target:
    # The values it holds now: an approval seals what is deleted, and a later edit stops the step.
    value = exact_dumps(item.properties)
    return {"catalog": catalog.id, "name": catalog.name, "item": item.item_key, "value": value}


def pick_upsert(workspace: Workspace[CatalogsClient], params: dict[str, Any]) -> Target:
    value = _link_value(params["value"])
    with workspace.client() as api:
        catalog = api.get_catalog(_catalog_id(params)).data
    return upsert_target(catalog, str(params["item"]), value)


def pick_delete(workspace: Workspace[CatalogsClient], params: dict[str, Any]) -> Target:
    with workspace.client() as api:
        catalog = api.get_catalog(_catalog_id(params)).data
        item = api.get_item_by_key(catalog.id, str(params["item"])).data
    return delete_target(catalog, item)


def describe_upsert(target: Target) -> str:
    return f"Set {target['item']} in {target['name']}: {target['summary']}"


def describe_delete(target: Target) -> str:
    return f"Delete {target['item']} from {target['name']}"


def touches_item(target: Target) -> str:
    # The audit log's type for items; the key stands for the id, which an item not added yet lacks.
    return f"synerise.catalog_item:{target['catalog']}:{target['item']}"


def check_upsert(workspace: Workspace[CatalogsClient], target: Target) -> Verdict:
    wrong = _invalid(target)
    if wrong:
        return Verdict(False, wrong)
    try:
        with workspace.client() as api:
            _catalog, item = _read(api, target)
    except ApiNotFound:
        return Verdict(False, _gone(target))
    now = _state(item)
    if _same(now, _wanted(target)):
        return Verdict(True, "It has these values already: nothing to do.")
    return Verdict(True, _changes(now, _values(target)))


def check_delete(workspace: Workspace[CatalogsClient], target: Target) -> Verdict:
    try:
        with workspace.client() as api:
            _catalog, item = _read(api, target)
    except ApiNotFound:
        return Verdict(False, _gone(target))
    if item is None:
        return Verdict(True, "It is not in the catalog: nothing to do.")
    if not _same(_state(item), _wanted(target)):
        return Verdict(False, _moved(target))
    return Verdict(True, "It will be deleted.")


def before_item(workspace: Workspace[CatalogsClient], target: Target) -> State:
    with workspace.client() as api:
        return _state(_read(api, target)[1])


def perform_upsert(workspace: Workspace[CatalogsClient], target: Target) -> Done:
    wrong = _invalid(target)
    if wrong:
        raise Refused(wrong)
    with workspace.client(retries=0) as api:
        catalog, item = _found(api, target)
    if _same(_state(item), _wanted(target)):
        return Done("Nothing to do: it had these values already.", _state(item))
    wanted = _values(target)
    if item is None:
        added = items.add_item(workspace, catalog=catalog, key=target["item"], properties=wanted)
        return Done(f"Added it to {catalog.name}.", _state(added))
    saved = items.update_item(workspace, catalog=catalog, item=item, properties=wanted)
    return Done(f"Saved its new values in {catalog.name}.", _state(saved))


def perform_delete(workspace: Workspace[CatalogsClient], target: Target) -> Done:
    with workspace.client(retries=0) as api:
        catalog, item = _found(api, target)
    if item is None:
        return Done("Nothing to do: it was not in the catalog.", _state(None))
    if not _same(_state(item), _wanted(target)):
        raise Refused(_moved(target))
    items.delete_item(workspace, catalog=catalog, item=item)
    return Done(f"Deleted it from {catalog.name}.", _state(None))


def undo_upsert(workspace: Workspace[CatalogsClient], target: Target, was: State, left: State) -> Undone:
    with workspace.client(retries=0) as api:
        try:
            catalog, item = _read(api, target)
        except ApiNotFound:
            return Undone(f"Left alone: the catalog {target['name']} was deleted.", left_alone=True)
    now = _state(item)
    if item is None:  # even one the step added: its deletion is someone's later change
        return Undone("Left alone: someone deleted it after the launch.", left_alone=True)
    if _same(now, was):
        return Undone("Nothing to do: it is as it was before the launch.")
    if not _same(now, left or _wanted(target)):
        return Undone("Left alone: someone changed it after the launch.", left_alone=True)
    if was.get("absent"):
        items.delete_item(workspace, catalog=catalog, item=item)
        return Undone("Deleted it: it was not in the catalog before the launch.")
    items.update_item(workspace, catalog=catalog, item=item, properties=_values(was))
    return Undone("Put back its values from before the launch.")


def undo_delete(workspace: Workspace[CatalogsClient], target: Target, was: State, left: State) -> Undone:
    with workspace.client(retries=0) as api:
        try:
            catalog, item = _read(api, target)
        except ApiNotFound:
            return Undone(f"Left alone: the catalog {target['name']} was deleted.", left_alone=True)
    if _same(_state(item), was):
        return Undone("Nothing to do: it is as it was before the launch.")
    if item is not None:
        return Undone("Left alone: an item with its key was added after the launch.", left_alone=True)
    items.add_item(workspace, catalog=catalog, key=target["item"], properties=_values(was))
    return Undone("Added it back with its values from before the launch.")


def _catalog_id(params: dict[str, Any]) -> int:
    try:
        return int(str(params["catalog"]))
    except ValueError:
        raise ApiNotFound("No catalog has this number.", status=404) from None


def _link_value(text: object) -> dict[str, Any]:
    """The values a link carries, read as strictly as the item form reads a value typed into it."""
    try:
        value = json.loads(str(text), cls=ExactJSONDecoder)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise ApiNotFound("The values to set cannot be read.", status=404)
    return value


def _read(api: CatalogsClient, target: Target) -> tuple[Catalog, Item | None]:
    """The catalog (ApiNotFound when it is gone) and its item with the step's key, if it has one."""
    catalog = api.get_catalog(target["catalog"]).data
    try:
        return catalog, api.get_item_by_key(catalog.id, target["item"]).data
    except ApiNotFound:
        return catalog, None


def _found(api: CatalogsClient, target: Target) -> tuple[Catalog, Item | None]:
    try:
        return _read(api, target)
    except ApiNotFound as exc:
        raise Refused(_gone(target)) from exc


def _invalid(target: Target) -> str:
    """Why the catalog would refuse the item's key or its property names, in words; '' if it would not."""
    key = target["item"]
    if not key.strip() or len(key) > KEY_MAX:
        return f"An item key is 1 to {KEY_MAX} characters, not only spaces."
    if any(not name.strip() or len(name) > NAME_MAX for name in _values(target)):
        return f"A property name is 1 to {NAME_MAX} characters, not only spaces."
    return ""


def _state(item: Item | None) -> State:
    return {"absent": True} if item is None else {"value": exact_dumps(item.properties)}


def _wanted(target: Target) -> State:
    return {"value": target["value"]}


def _values(state: State) -> dict[str, Any]:
    values: dict[str, Any] = exact_loads(state["value"])
    return values


def _same(one: State, other: State) -> bool:
    """Whether two states are the same item: the same names and values, numbers written alike (3299.00
    is not 3299.0), in any order (the catalog may answer its properties in another)."""
    if one.get("absent") or other.get("absent"):
        return bool(one.get("absent")) == bool(other.get("absent"))
    return _equal(_values(one), _values(other))


def _equal(one: Any, other: Any) -> bool:
    return exact_dumps(_sorted(one)) == exact_dumps(_sorted(other))


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {name: _sorted(value[name]) for name in sorted(value)}
    if isinstance(value, list):
        return [_sorted(part) for part in value]
    return value


def _changes(now: State, wanted: dict[str, Any]) -> str:
    """What setting `wanted` changes in the item as it is `now`, in words."""
    if now.get("absent"):
        return f"Adds it to the catalog with {_names(list(wanted))}."
    old = _values(now)
    sets = [
        f"{name} to {_shown(value)}"
        for name, value in wanted.items()
        if name in old and not _equal(old[name], value)
    ]
    added = [name for name in wanted if name not in old]
    removed = [name for name in old if name not in wanted]
    parts = [
        f"{verb} {_joined(names)}"
        for verb, names in (("sets", sets), ("adds", added), ("removes", removed))
        if names
    ]
    said = "; ".join(parts)
    return f"{said[:1].upper()}{said[1:]}."


def _names(names: list[str]) -> str:
    """`price, stock`: the property names of a step's description."""
    if not names:
        return "no properties"
    more = len(names) - NAMES_SHOWN
    return ", ".join(names[:NAMES_SHOWN]) + (f" and {more} more" if more > 0 else "")


def _joined(words: list[str]) -> str:
    if len(words) > NAMES_SHOWN:
        return ", ".join(words[:NAMES_SHOWN]) + f" and {len(words) - NAMES_SHOWN} more"
    return " and ".join([", ".join(words[:-1]), words[-1]]) if len(words) > 1 else words[0]


def _shown(value: Any) -> str:
    text = readable(value) or "empty"
    return text if len(text) <= SHOWN_MAX else text[: SHOWN_MAX - 1] + "…"


def _gone(target: Target) -> str:
    return f"The catalog {target['name']} no longer exists."


def _moved(target: Target) -> str:
    return (
        f"{target['item']} has changed since the step was added: use it as it is now to delete what it "
        "holds now."
    )


def _find(workspace: Workspace[CatalogsClient], pk: object) -> CatalogImport | None:
    try:
        return imports.for_workspace(workspace).filter(pk=int(str(pk))).first()
    except ValueError:
        return None


def _workspace(user: User, connection: Connection, target: Target) -> Workspace[CatalogsClient]:
    return workspace_for(user, connection=connection)


def kinds() -> list[StepKind]:
    setting = StepKind(
        key=UPSERT_ITEM,
        found_at="catalogs:list",
        label="Set an item's values",
        system="Catalogs",
        permission=ITEM_PERMISSION,
        performs=ITEM_PERMISSION,
        connection_kind=Connection.Kind.SYNERISE,
        workspace=_workspace,
        pick=pick_upsert,
        describe=describe_upsert,
        touches=touches_item,
        check=check_upsert,
        before=before_item,
        perform=perform_upsert,
        undo=undo_upsert,
    )
    return [
        StepKind(
            key=IMPORT,
            found_at="catalogs:list",
            label="Import a checked CSV file",
            system="Catalogs",
            permission=imports.PERMISSION,
            performs=imports.PERMISSION,
            connection_kind=Connection.Kind.SYNERISE,
            workspace=_workspace,
            pick=pick,
            describe=lambda target: f"Import {target['name']} ({target['summary']})",
            touches=lambda target: f"synerise.catalog:{target['catalog']}",
            check=check,
            before=before,
            perform=perform,
            undo=undo,
            preview=moment.after_import,
        ),
        setting,
        replace(
            setting,
            key=DELETE_ITEM,
            label="Delete an item",
            pick=pick_delete,
            describe=describe_delete,
            check=check_delete,
            perform=perform_delete,
            undo=undo_delete,
        ),
    ]
