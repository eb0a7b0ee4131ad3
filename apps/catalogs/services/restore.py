"""Taking an import back: the catalog as its dry run read it, for what the import wrote.

The dry run's plan keeps every item of the catalog as it was (`remote`) and what the import wrote
(`rows`). Items the import changed get their old value again, items it created are deleted, items it
deleted (reconcile) come back. An item whose value is no longer what the import wrote (someone edited or
deleted it since, or created it again) is left alone and listed, never overwritten.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.catalogs.client import CatalogsClient
from apps.catalogs.models import CatalogImport
from apps.catalogs.services.imports import PERMISSION, folder_of
from apps.catalogs.services.plan import IN_CHUNK, Plan
from apps.catalogs.services.workspace import workspace_for
from apps.connections.workspace import Workspace
from apps.core import audit
from apps.core.http import RETRYABLE, ApiError, ApiNotFound, ApiUnavailable
from apps.core.json import exact_dumps, exact_loads
from apps.core.threads import ClosingThreadPool
from apps.jobs import kinds
from apps.jobs import services as jobs
from apps.jobs.models import Job

UNDO = kinds.name("catalogs.import_undo", "Catalog import taken back")
UNDO_DAYS = 7  # as long as the import's files (and so the catalog as it was) are kept
READ_PAGE = 1000
DELETERS = 8  # as many calls at once as an import's batches
ROUNDS = 4  # as many sends as the transport would make of one request
WRITE_BATCH = 1000  # C11 takes at most 1000 items (docs/api-decisions.md)
NAMED = 20  # left-alone keys named in words


@dataclass
class Restored:
    put_back: int = 0  # changed by the import: their old value again
    removed: int = 0  # created by the import: deleted
    brought_back: int = 0  # deleted by the import: added again
    left_alone: list[str] = field(default_factory=list)  # changed by someone since the import

    @property
    def said(self) -> str:
        done = [
            f"put back the old values of {_items(self.put_back)}" if self.put_back else "",
            f"deleted {_items(self.removed)} it created" if self.removed else "",
            f"brought back {_items(self.brought_back)} it deleted" if self.brought_back else "",
        ]
        said = "; ".join(part for part in done if part) or "nothing to take back"
        said = said[:1].upper() + said[1:]
        if self.left_alone:
            keys = ", ".join(self.left_alone[:NAMED]) + (" and more" if len(self.left_alone) > NAMED else "")
            said += f". Left alone, changed since the import: {len(self.left_alone):,} ({keys})"
        return said + "."


def undoable(imp: CatalogImport) -> bool:
    """An import that ran, within the days its dry run's plan is kept, and not taken back yet."""
    run = imp.run
    if run is None or run.state != Job.State.SUCCEEDED or run.finished_at is None:
        return False
    if run.finished_at < timezone.now() - timedelta(days=UNDO_DAYS):
        return False
    return not Job.objects.filter(kind=UNDO, target_type=imp._meta.label, target_id=str(imp.pk)).exists()


@transaction.atomic
def start_undo(workspace: Workspace[CatalogsClient], *, imp: CatalogImport, task_name: str) -> Job:
    """Queue the job that takes the import back; the caller sends its task after commit."""
    job = jobs.create_job(
        kind=UNDO,
        label=f"Take back the import of {imp.filename} into {imp.catalog_name}",
        task_name=task_name,
        target=imp,
        user=workspace.person,
        permission=PERMISSION,
    )
    Job.objects.filter(pk=job.pk).update(result_url=reverse("catalogs:import_detail", args=[imp.pk]))
    return job


def run_undo(job_id: int) -> None:
    with jobs.running(job_id) as job:
        if job is None:
            return
        imp = CatalogImport.objects.select_related("connection", "run").get(pk=int(job.target_id))
        ref = audit.Ref("synerise.catalog", str(imp.catalog_id), imp.catalog_name)
        workspace = workspace_for(job.run_by, connection=imp.connection)
        with audit.action(job.run_by, "catalog.import_undo", ref, file=imp.filename) as detail:
            restored = restore(workspace, imp)
            detail.update(
                put_back=restored.put_back, removed=restored.removed, left_alone=len(restored.left_alone)
            )
        jobs.log(job, restored.said, level="warning" if restored.left_alone else "info")


def restore(workspace: Workspace[CatalogsClient], imp: CatalogImport) -> Restored:
    """Put the catalog back as it was before `imp` ran, item by item, leaving alone what changed since."""
    restored = Restored()
    with (
        workspace.client() as api,
        workspace.client(retries=0) as deleter,  # its busy answers are asked again in rounds (_delete)
        Plan(folder_of(imp) / "plan.sqlite") as plan,
    ):
        plan.db.execute("CREATE TEMP TABLE IF NOT EXISTS present (key TEXT PRIMARY KEY) WITHOUT ROWID")
        plan.db.execute("DELETE FROM present")
        # Read every page first, write after: deleting while paging by offset would skip items.
        upserts: list[str] = []
        created: list[str] = []
        offset = 0
        while True:
            page = api.list_item_values(imp.catalog_id, offset=offset, limit=READ_PAGE)["data"]
            now = {item["itemKey"]: item.get("value") or "{}" for item in page}
            plan.db.executemany("INSERT OR IGNORE INTO present VALUES (?)", [(key,) for key in now])
            for key, (fate, wrote) in _written(plan, list(now)).items():
                if exact_loads(now[key]) != exact_loads(wrote)["value"]:
                    restored.left_alone.append(key)
                else:
                    (created if fate == "new" else upserts).append(key)
            if len(page) < READ_PAGE:
                break
            offset += READ_PAGE
        # Written by the import but gone now: someone deleted them since.
        restored.left_alone += [
            key
            for (key,) in plan.db.execute(
                "SELECT key FROM rows WHERE fate IN ('new', 'changed') "
                "AND key NOT IN (SELECT key FROM present)"
            )
        ]
        if imp.reconcile and imp.run is not None:
            for (key,) in plan.db.execute("SELECT key FROM deletes ORDER BY ord"):
                present = plan.db.execute("SELECT 1 FROM present WHERE key = ?", [key]).fetchone()
                if present:
                    restored.left_alone.append(key)  # created again since
                else:
                    upserts.append(key)
                    restored.brought_back += 1
        restored.removed = _delete(deleter, imp.catalog_id, created)
        restored.put_back = len(upserts) - restored.brought_back
        for start in range(0, len(upserts), WRITE_BATCH):
            old = plan.remote_values(upserts[start : start + WRITE_BATCH])
            body = ",".join(_item(key, value) for key, value in old.items())
            api.add_items_encoded(imp.catalog_id, f"[{body}]".encode())
    return restored


def _delete(api: CatalogsClient, catalog_id: int, keys: list[str]) -> int:
    """Delete these items, DELETERS calls at a time (C16 takes one key). `api` has no transport retries: a
    delete the service was too busy for is asked again in the next round, after one pause (its Retry-After,
    else a growing one), so that waiting does not hold one of the DELETERS slots; ROUNDS rounds at most,
    each delete sent at most that many times."""
    left, pause = keys, 0.0
    for round_ in range(ROUNDS):
        time.sleep(pause)
        with ClosingThreadPool(DELETERS, thread_name_prefix="restore") as pool:
            answers = list(pool.map(lambda key: _gone(api, catalog_id, key), left))
        busy = [(key, answer) for key, answer in zip(left, answers, strict=True) if answer is not None]
        if not busy:
            return len(keys)
        left = [key for key, _answer in busy]
        waits = [getattr(answer, "retry_after", None) or 0.0 for _key, answer in busy]
        pause = min(10.0, max(settings.REMOTE_BACKOFF * 2**round_, *waits))
    raise ApiUnavailable(
        f"{len(left):,} items it created could not be deleted: the catalog service was busy."
    )


def _gone(api: CatalogsClient, catalog_id: int, key: str) -> ApiError | None:
    """None when the item is gone now (deleted, or gone already: a rollback run again), else the busy
    answer."""
    try:
        api.delete_item_by_key(catalog_id, key)
    except ApiNotFound:
        pass
    except RETRYABLE as exc:
        return exc
    return None


def _items(count: int) -> str:
    return f"{count:,} item{'' if count == 1 else 's'}"


def _written(plan: Plan, keys: list[str]) -> dict[str, tuple[str, str]]:
    """What the import wrote for those of `keys` it created or changed: key -> (fate, item JSON)."""
    found: dict[str, tuple[str, str]] = {}
    for start in range(0, len(keys), IN_CHUNK):
        chunk = keys[start : start + IN_CHUNK]
        rows = plan.db.execute(
            "SELECT rows.key, rows.fate, rows.value FROM seen JOIN rows ON rows.row = seen.row "
            f"WHERE seen.key IN ({','.join('?' * len(chunk))}) AND rows.fate IN ('new', 'changed')",  # noqa: S608
            chunk,
        )
        found.update((key, (fate, value)) for key, fate, value in rows)
    return found


def _item(key: str, value: str) -> str:
    """A C11 item whose value is the JSON text kept, as it is (its numbers keep their digits)."""
    return '{"itemKey":' + exact_dumps(key) + ',"value":' + value + "}"
