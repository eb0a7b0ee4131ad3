"""Importing a CSV file into a catalog: upload, choose how to read it, dry run, then import what it showed.

The upload is streamed to disk (Django writes large uploads to a temporary file; we move it). The
dry run is one job; the import is another, run by the shared batch runner with a JobItem per batch
of up to BATCH_SIZE rows (C11), so it shows progress, rate and time left, can be cancelled, resumes
after a worker dies from the batches not yet confirmed, and retries only the failed batches.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone

from apps.catalogs.client import Catalog, CatalogsClient
from apps.catalogs.models import CatalogImport
from apps.catalogs.services import csvfile, dryrun
from apps.catalogs.services.plan import Plan
from apps.catalogs.services.workspace import workspace_for
from apps.connections.workspace import Workspace
from apps.core import audit
from apps.core.http import ApiNotFound
from apps.jobs import kinds, runner
from apps.jobs import services as jobs
from apps.jobs.models import Job, JobItem

PERMISSION = "catalogs.edit_items"
BATCH_SIZE = 1000  # C11's limit (docs/api-decisions.md)
DELETE_BATCH = 100  # C16 deletes one key per call
KEEP = timedelta(days=7)  # an upload, its plan and its bad rows
ABANDONED = timedelta(days=1)  # an upload never dry-run
STRAY = timedelta(hours=1)  # a folder without an import (an upload cut short); no upload takes this long


class Refused(Exception):
    """The upload is not taken; the message says why and what to do."""


class TooLarge(Refused):
    """The upload is larger than settings.CATALOG_IMPORT_MAX_BYTES."""


CHECK = kinds.name("catalogs.import_check", "Catalog import check")
IMPORT = kinds.name("catalogs.import", "Catalog import")


def folder_of(imp: CatalogImport) -> Path:
    return Path(settings.CATALOG_IMPORT_DIR) / imp.folder


def upload(workspace: Workspace[CatalogsClient], *, catalog: Catalog, file: UploadedFile) -> CatalogImport:
    """Keep the file (moved from Django's temporary file, never read into memory; UTF-16 and UTF-32 turned
    into UTF-8 a chunk at a time) and detect its format. Raises Refused for a file too large, one that
    does not fit in the import folder, or one that is not text; a refused or failed upload leaves nothing."""
    most = limit()
    size = file.size or 0
    if size > most:
        raise TooLarge(f"The file is {filesizeformat(size)}; an import takes up to {filesizeformat(most)}.")
    if reason := room_for(size):
        raise Refused(reason)
    file.seek(0)
    head = file.read(csvfile.SAMPLE)
    try:
        transcode_from = csvfile.inspect(head)
    except csvfile.NotText as exc:
        raise Refused(str(exc)) from exc
    token = secrets.token_hex(12)
    folder = Path(settings.CATALOG_IMPORT_DIR) / token
    folder.mkdir(parents=True)
    try:
        return _keep(workspace, catalog, file, folder, transcode_from)
    except csvfile.NotText as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise Refused(str(exc)) from exc
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _keep(
    workspace: Workspace[CatalogsClient], catalog: Catalog, file: UploadedFile, folder: Path, source: str
) -> CatalogImport:
    """Store the file in `folder` (as UTF-8 from `source`, its encoding, when that is given) and record it."""
    target = folder / "upload.csv"
    if source:
        csvfile.transcode(file.chunks(), target, source)
    elif hasattr(file, "temporary_file_path"):
        shutil.move(file.temporary_file_path(), target)
    else:
        with target.open("wb") as out:
            for chunk in file.chunks():
                out.write(chunk)
    sniffed = csvfile.sniff(target)
    user = workspace.person
    imp = CatalogImport.objects.create(
        connection=workspace.connection,
        catalog_id=catalog.id,
        catalog_name=catalog.name,
        folder=folder.name,
        filename=(file.name or "upload.csv").replace("\x00", "")[:255] or "upload.csv",
        size=target.stat().st_size,
        detected_encoding=source or sniffed.encoding,
        detected_delimiter=sniffed.delimiter,
        encoding=sniffed.encoding,
        delimiter=sniffed.delimiter,
        has_header=None if sniffed.first_row and csvfile.looks_like_data(sniffed.first_row) else True,
        key_column=sniffed.key_guess,
        json_columns=sniffed.json_guess,
        created_by=user if user and user.is_authenticated else None,
    )
    audit.record(user, "catalog.import_upload", imp, size=imp.size, catalog=catalog.id)
    return imp


def room_for(size: int) -> str:
    """Why an upload of `size` bytes does not fit in the import folder ('' when it does)."""
    most = int(settings.CATALOG_IMPORT_DIR_MAX_BYTES)
    used = folder_size(Path(settings.CATALOG_IMPORT_DIR))
    if used + size <= most:
        return ""
    return (
        f"The space for uploaded files is full: {filesizeformat(used)} of {filesizeformat(most)} is taken "
        f"by earlier imports, and this file is {filesizeformat(size)}. Uploads never checked with a dry run "
        f"are removed after a day and every upload after {KEEP.days} days; try again later, or ask an "
        "administrator to make room."
    )


def folder_size(root: Path) -> int:
    total = 0
    if not root.is_dir():
        return 0
    for folder in os.scandir(root):
        if folder.is_dir(follow_symlinks=False):
            total += sum(entry.stat().st_size for entry in os.scandir(folder.path) if entry.is_file())
        elif folder.is_file(follow_symlinks=False):
            total += folder.stat().st_size
    return total


def sniff(
    imp: CatalogImport, *, encoding: str = "", delimiter: str = "", header: bool | None = None
) -> csvfile.Sniffed:
    """The file read as chosen for `imp`, or as the choices given say (`header`: with a header row or not)."""
    header = imp.has_header is not False if header is None else header
    path = folder_of(imp) / "upload.csv"
    return csvfile.sniff(
        path, encoding=encoding or imp.encoding, delimiter=delimiter or imp.delimiter, header=header
    )


def limit() -> int:
    return int(settings.CATALOG_IMPORT_MAX_BYTES)


CHOICES = ("encoding", "delimiter", "has_header", "key_column", "json_columns", "reconcile")


def _set_choices(imp: CatalogImport, choices: dict[str, Any]) -> None:
    for name in CHOICES:
        setattr(imp, name, choices.get(name, getattr(imp, name)))


def save_choices(imp: CatalogImport, choices: dict[str, Any]) -> None:
    _set_choices(imp, choices)
    imp.save(update_fields=list(CHOICES))


def problems(imp: CatalogImport, choices: dict[str, Any], sniffed: csvfile.Sniffed) -> dict[str, str]:
    """What stops the dry run of the file read as `choices` (which `sniffed` is), by the choice to change
    ('' for the file itself). A row the encoding cannot read is not one: the dry run marks it invalid."""
    found: dict[str, str] = {}
    if sniffed.error:
        found[sniffed.fault] = sniffed.error
    if choices["has_header"] is None:
        found["has_header"] = "Say whether the first row names the columns or is the first row of data."
    elif choices["has_header"] and (problem := csvfile.header_problem(sniffed.header)):
        found["has_header"] = problem
    # A key or JSON column chosen on another reading is kept, and named here until it is chosen again.
    columns = {name.strip() for name in sniffed.header}
    key = choices.get("key_column", "")
    if not key:
        found["key_column"] = "Choose the key column: the column whose value becomes each item's key."
    elif sniffed.header and key not in columns:
        found["key_column"] = f"The file read this way has no column “{key}”; choose one of its columns."
    if sniffed.header and (gone := [name for name in choices.get("json_columns", []) if name not in columns]):
        found["json_columns"] = (
            f"The file read this way has no column “{gone[0]}”: untick it, or read the file another way."
        )
    return found


def reopen(imp: CatalogImport) -> None:
    """Forget a finished dry run that was not imported, so its settings can change."""
    if imp.run_id is None and imp.dry_run is not None and imp.dry_run.is_finished:
        imp.dry_run, imp.counts = None, {}
        imp.save(update_fields=["dry_run", "counts"])


def stage(imp: CatalogImport) -> str:
    """Where the import stands: settings, checking, checked, check_failed, importing, imported."""
    if imp.run is not None:
        return "imported" if imp.run.state == Job.State.SUCCEEDED else "importing"
    if imp.dry_run is None:
        return "settings"
    if imp.dry_run.state == Job.State.SUCCEEDED:
        return "checked"
    return "checking" if not imp.dry_run.is_finished else "check_failed"


@transaction.atomic
def start_dry_run(
    workspace: Workspace[CatalogsClient], *, imp: CatalogImport, choices: dict[str, Any], task_name: str
) -> Job:
    """Save how to read the file and queue the dry run; the caller sends `task_name` after commit."""
    if imp.run_id is not None:
        raise jobs.JobFailed("This file is already being imported; upload it again to start over.")
    if stage(imp) == "checking":
        raise jobs.JobFailed("Its dry run is under way; wait for it, or cancel it, to change the settings.")
    _set_choices(imp, choices)
    imp.counts = {}
    job = jobs.create_job(
        kind=CHECK,
        label=f"Dry run of {imp.filename} into {imp.catalog_name}",
        task_name=task_name,
        target=imp,
        user=workspace.person,
        permission=PERMISSION,
    )
    job.result_url = reverse("catalogs:import_detail", args=[imp.pk])
    job.save(update_fields=["result_url"])
    imp.dry_run = job
    imp.save()
    return job


def check(job_id: int) -> None:
    """The dry run job: every row's fate, against the catalog read now."""
    imp = CatalogImport.objects.select_related("connection").filter(dry_run_id=job_id).first()
    if imp is None:
        job = Job.objects.filter(pk=job_id).first()
        if job is not None:
            jobs.fail(job, "A newer dry run of the same file replaced this one.")
        return
    with jobs.running(job_id) as job:
        if job is None:
            return
        with workspace_for(job.run_by, connection=imp.connection).client() as api:
            counts = dryrun.run(imp, api, job, folder_of(imp))
        jobs.log(job, _summary(counts))


def _summary(counts: dict[str, int]) -> str:
    parts = [f"{counts.get(fate, 0):,} {fate}" for fate in ("new", "changed", "unchanged", "invalid")]
    if counts.get("delete"):
        parts.append(f"{counts['delete']:,} to delete")
    return f"{counts.get('rows', 0):,} rows: " + ", ".join(parts)


def what_changed(api: CatalogsClient, imp: CatalogImport) -> str:
    """Why the dry run no longer shows what an import would do ('' when it still does)."""
    upload = folder_of(imp) / "upload.csv"
    if not upload.exists() or upload.stat().st_size != imp.size:
        return "The uploaded file is no longer the one the dry run read."
    try:
        catalog = api.get_catalog(imp.catalog_id).data
    except ApiNotFound:
        return "The catalog no longer exists."
    total = api.list_items(imp.catalog_id, limit=1).meta_data.total_count
    if catalog.last_modified != imp.seen_modified or total != imp.seen_total:
        return (
            f"The catalog changed since the dry run (it was modified at {catalog.last_modified} "
            f"and holds {total:,} items, not {imp.seen_total:,})."
        )
    return ""


class Stale(Exception):
    """The dry run no longer shows what the import would do; the message says why."""


@transaction.atomic
def start_import(workspace: Workspace[CatalogsClient], *, imp: CatalogImport, task_name: str) -> Job:
    """Queue the import of what the dry run showed, a JobItem per batch; the caller sends the task."""
    if stage(imp) != "checked":
        raise Stale("Run the dry run first; an import does only what its dry run showed.")
    with workspace.client() as api:
        reason = what_changed(api, imp)
    if reason:
        raise Stale(f"{reason} Run the dry run again to see what the import would do now.")
    counts = imp.counts
    label = f"Import {imp.filename} into {imp.catalog_name}"
    job = jobs.create_job(
        kind=IMPORT,
        label=label,
        task_name=task_name,
        target=imp,
        user=workspace.person,
        permission=PERMISSION,
    )
    job.result_url = reverse("catalogs:import_detail", args=[imp.pk])
    job.save(update_fields=["result_url"])
    items = []
    with Plan(folder_of(imp) / "plan.sqlite") as plan:
        for number, first, last, row_from, row_to in plan.batches(BATCH_SIZE, "rows"):
            name = f"Rows {row_from:,} to {row_to:,}" if row_from != row_to else f"Row {row_from:,}"
            items.append(JobItem(job=job, key=f"upsert:{number}:{first}:{last}", name=name))
        if imp.reconcile:
            for number, first, last, _, _ in plan.batches(DELETE_BATCH, "deletes"):
                name = f"Delete items {first + 1:,} to {last + 1:,} of {counts.get('delete', 0):,}"
                items.append(JobItem(job=job, key=f"delete:{number}:{first}:{last}", name=name))
    JobItem.objects.bulk_create(items)
    imp.run = job
    imp.save(update_fields=["run"])
    return job


def run_import(job_id: int) -> None:
    """The import job: the batches not yet done (a retry takes the failed and the waiting ones)."""
    imp = CatalogImport.objects.select_related("connection").filter(run_id=job_id).first()
    if imp is None:
        return
    with jobs.running(job_id) as job:
        if job is None:
            return
        with (
            workspace_for(job.run_by, connection=imp.connection).client() as api,
            Plan(folder_of(imp) / "plan.sqlite") as plan,
        ):
            work = ImportWork(imp, api, plan)
            try:
                runner.run(job, work)
            except jobs.JobCancelled:
                _audit(job, imp, "cancelled", "Cancelled on request")
                raise
            except jobs.JobFailed as exc:
                _audit(job, imp, "failed", str(exc))
                raise
            _audit(job, imp, "ok", "")


def _audit(job: Job, imp: CatalogImport, outcome: str, error: str) -> None:
    done = done_counts(job)
    audit.record(
        job.run_by,
        "catalog.import",
        audit.Ref("synerise.catalog", str(imp.catalog_id), imp.catalog_name),
        outcome=outcome,
        error=error,
        file=imp.filename,
        job=job.pk,
        added=imp.counts.get("new", 0),
        changed=imp.counts.get("changed", 0),
        deleted=imp.counts.get("delete", 0),
        rows_written=done["rows"],
        items_deleted=done["deleted"],
        failed_batches=done["failed"],
    )


def _range(item: JobItem) -> tuple[str, int, int]:
    kind, _, first, last = item.key.split(":")
    return kind, int(first), int(last)


class ImportWork:
    """The steps of one import for the jobs runner: a batch is one C11 call, or up to 100 C16 deletes."""

    def __init__(self, imp: CatalogImport, api: CatalogsClient, plan: Plan) -> None:
        self.imp, self.api, self.plan = imp, api, plan

    def first(self, item: JobItem) -> runner.Step:
        kind, first, last = _range(item)
        if kind == "upsert":
            count, body = self.plan.upserts(first, last)  # read here: the job's thread owns the plan
            return lambda key: self.api.add_items_encoded(self.imp.catalog_id, body) and f"{count:,} written"
        keys = self.plan.deletes(first, last)
        return lambda key: self._delete(keys)

    def _delete(self, keys: list[str]) -> str:
        gone = 0
        for key in keys:
            # Already gone: a resumed batch, or someone else deleted it.
            with contextlib.suppress(ApiNotFound):
                self.api.delete_item_by_key(self.imp.catalog_id, key)
            gone += 1
        return f"{gone:,} deleted"

    def settle(self, item: JobItem, answer: Any) -> str:
        return str(answer)

    def ended(self, item: JobItem, *, ok: bool, message: str) -> None:
        pass


def done_counts(job: Job) -> dict[str, int]:
    """Rows written and items deleted by the batches done so far (`recent`: in this run), failed batches."""
    rows = deleted = failed = recent = 0
    for key, state, finished_at in job.items.values_list("key", "state", "finished_at"):
        kind, _, first, last = key.split(":")
        size = int(last) - int(first) + 1
        if state == JobItem.State.DONE:
            rows += size if kind == "upsert" else 0
            deleted += size if kind == "delete" else 0
            if job.started_at and finished_at and finished_at >= job.started_at:
                recent += size
        elif state == JobItem.State.FAILED:
            failed += 1
    return {"rows": rows, "deleted": deleted, "failed": failed, "recent": recent}


def progress(imp: CatalogImport) -> dict[str, Any]:
    """The import job's page: the runner's status in rows, not batches."""
    job = imp.run
    assert job is not None
    status = runner.status(job)
    done = done_counts(job)
    todo = (
        imp.counts.get("new", 0)
        + imp.counts.get("changed", 0)
        + (imp.counts.get("delete", 0) if imp.reconcile else 0)
    )
    finished = done["rows"] + done["deleted"]
    rows_rate = eta = None
    if done["recent"] and job.started_at:
        elapsed = ((job.finished_at or timezone.now()) - job.started_at).total_seconds()
        rows_rate = done["recent"] / elapsed if elapsed > 0 else None
        if rows_rate and not job.is_finished:
            eta = (todo - finished) / rows_rate
    return {
        **status,
        "done": done,
        "todo": todo,
        "finished_rows": finished,
        "row_percent": finished * 100 // max(1, todo),
        "rows_rate": rows_rate,
        "rows_eta": eta,
    }


def purge(now: datetime | None = None) -> int:
    """Forget the imports uploaded more than KEEP ago, and those never dry-run after ABANDONED, their
    files and plans with them; not one whose dry run or import is still queued or running. Folders
    without an import (an upload cut short) go after STRAY. Returns how many imports and folders went."""
    now = now or timezone.now()
    active = [Job.State.QUEUED, Job.State.RUNNING]
    old = CatalogImport.objects.filter(
        Q(created_at__lt=now - KEEP) | Q(created_at__lt=now - ABANDONED, dry_run=None, run=None)
    )
    gone = 0
    for imp in old.exclude(dry_run__state__in=active).exclude(run__state__in=active):
        shutil.rmtree(folder_of(imp), ignore_errors=True)
        imp.delete()
        gone += 1
    root = Path(settings.CATALOG_IMPORT_DIR)
    if root.is_dir():
        known = set(CatalogImport.objects.values_list("folder", flat=True))
        before = (now - STRAY).timestamp()
        for entry in os.scandir(root):
            stray = entry.name not in known and entry.is_dir(follow_symlinks=False)
            if stray and entry.stat().st_mtime < before:
                shutil.rmtree(entry.path, ignore_errors=True)
                gone += 1
    return gone


def for_workspace(workspace: Workspace[CatalogsClient]) -> QuerySet[CatalogImport]:
    return CatalogImport.objects.filter(connection=workspace.connection).select_related("dry_run", "run")
