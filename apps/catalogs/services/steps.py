"""A catalog's launch step (apps.jobs.steps): import a CSV file whose dry run is done, exactly what the
dry run showed. Taking it back puts back what the import changed (`restore`)."""

from __future__ import annotations

from apps.catalogs.client import CatalogsClient
from apps.catalogs.models import CatalogImport
from apps.catalogs.services import imports, restore
from apps.catalogs.services.workspace import workspace_for
from apps.connections.models import Connection
from apps.connections.workspace import User, Workspace
from apps.core import audit
from apps.core.http import ApiNotFound
from apps.jobs.models import Job
from apps.jobs.steps import Done, Refused, State, StepKind, Target, Undone, Verdict

IMPORT = "catalogs.import"
RUN_TASK = "apps.catalogs.tasks.run_import"  # what a retry from Operations sends


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
    if imp.run is not None:
        if imp.run.state == Job.State.SUCCEEDED:
            return Done("Nothing to do: it was imported already.", {"job": imp.run_id})
        raise Refused("Its import started earlier and has not finished: see it under Operations, then retry.")
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


def undo(workspace: Workspace[CatalogsClient], target: Target, was: State, left: State) -> Undone:
    imp = _find(workspace, target["import"])
    if imp is None:
        return Undone(
            "Left alone: the import's files are gone, and with them what the catalog held before.",
            left_alone=True,
        )
    ref = audit.Ref("synerise.catalog", str(imp.catalog_id), imp.catalog_name)
    with (
        audit.action(workspace.person, "catalog.import_undo", ref, file=imp.filename) as detail,
        workspace.client() as api,
    ):
        restored = restore.restore(api, imp)
        detail.update(
            put_back=restored.put_back, removed=restored.removed, left_alone=len(restored.left_alone)
        )
    return Undone(restored.said)


def _find(workspace: Workspace[CatalogsClient], pk: object) -> CatalogImport | None:
    try:
        return imports.for_workspace(workspace).filter(pk=int(str(pk))).first()
    except ValueError:
        return None


def _workspace(user: User, connection: Connection, target: Target) -> Workspace[CatalogsClient]:
    return workspace_for(user, connection=connection)


def kinds() -> list[StepKind]:
    return [
        StepKind(
            key=IMPORT,
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
        )
    ]
