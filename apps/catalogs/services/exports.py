"""Exports of a catalog's items to CSV: a job writes the file page by page, kept for a few days."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.catalogs.client import Catalog, CatalogsClient, ItemPage
from apps.catalogs.models import Export
from apps.catalogs.services import csvfile
from apps.catalogs.services.workspace import workspace_for
from apps.connections.workspace import Workspace
from apps.core import audit
from apps.core.paging import REMOTE_PAGE_MAX
from apps.jobs import kinds
from apps.jobs import services as jobs

EXPORT = kinds.name("catalog_export", "Catalog export")


def folder() -> Path:
    return Path(settings.CATALOG_EXPORT_DIR)


def kept_for() -> timedelta:
    return timedelta(days=settings.CATALOG_EXPORT_DAYS)


@transaction.atomic
def start_export(
    workspace: Workspace[CatalogsClient], *, catalog: Catalog, search: str, task_name: str
) -> Export:
    """A queued export job; the view sends the task after commit."""
    what = f"items whose key contains “{search}”" if search else "all items"
    job = jobs.create_job(
        kind=EXPORT,
        label=f"Export {catalog.name} ({what})",
        task_name=task_name,
        user=workspace.person,
        permission="catalogs.view_catalogs",
    )
    export = Export.objects.create(
        job=job,
        connection=workspace.connection,
        catalog_id=catalog.id,
        catalog_name=catalog.name,
        search=search,
    )
    job.result_url = reverse("catalogs:export", args=[export.pk])
    job.save(update_fields=["result_url"])
    return export


def run_export(job_id: int) -> None:
    """Write the CSV to a part file, one page (C9) at a time, then give it its name. Cells a spreadsheet
    would run as formulas are neutralised (csvfile.neutralised); an import reads them back as they were.

    Run again after a lost worker, it starts the file over: nothing remote changes.
    """
    with jobs.running(job_id) as job:
        if job is None:
            return
        export = Export.objects.select_related("connection").get(job=job)
        folder().mkdir(parents=True, exist_ok=True)
        name = f"catalog-{export.catalog_id}-export-{export.pk}.csv"
        part = folder() / f"{name}.part"
        with (
            workspace_for(job.run_by, connection=export.connection).client() as api,
            part.open("w", newline="", encoding="utf-8-sig") as out,  # a BOM: Excel reads it as UTF-8
            ThreadPoolExecutor(1) as ahead,
        ):
            # The key is the first column; an `itemKey` property (C2 and our import keep the key in the
            # value) is not written a second time under the same name, which no import could read.
            keys = [key for key in api.catalog_keys(export.catalog_id).data if key != "itemKey"]
            writer = csvfile.SheetWriter(out, lineterminator="\n")
            writer.writerow(["itemKey", *keys])

            def fetch(offset: int) -> ItemPage:
                return api.list_items(
                    export.catalog_id, search=export.search, offset=offset, limit=REMOTE_PAGE_MAX
                )

            rows, coming = 0, ahead.submit(fetch, 0)
            while True:
                page = coming.result()
                if len(page.data) == REMOTE_PAGE_MAX:  # the next page is read while this one is written
                    coming = ahead.submit(fetch, rows + len(page.data))
                for item in page.data:
                    properties = item.properties
                    writer.writerow(
                        [item.item_key, *(csvfile.cell_text(properties.get(key)) for key in keys)]
                    )
                rows += len(page.data)
                total = page.meta_data.total_count
                jobs.report(
                    job, progress=rows * 100 // max(total, 1), step=f"{rows:,} of {total:,} rows written"
                )
                if len(page.data) < REMOTE_PAGE_MAX or rows >= total:
                    break
        part.replace(folder() / name)
        Export.objects.filter(pk=export.pk).update(file_name=name, rows=rows)
        audit.record(
            job.run_by,
            "catalog.export",
            audit.Ref("synerise.catalog", str(export.catalog_id), export.catalog_name),
            rows=rows,
            search=export.search,
        )


def expires_at(export: Export) -> Any:
    return export.created_at + kept_for()


def file_of(export: Export) -> Path | None:
    """The export's file while it is kept, else None (not written yet, failed, or past its days)."""
    if not export.file_name or export.purged_at or timezone.now() >= expires_at(export):
        return None
    path = folder() / export.file_name
    return path if path.is_file() else None


def purge_exports(now: Any = None) -> int:
    """Remove the files of exports older than their days; the rows stay so their links can say so."""
    cutoff = (now or timezone.now()) - kept_for()
    old = Export.objects.filter(created_at__lt=cutoff, purged_at=None)
    purged = 0
    for export in old:
        if export.file_name:
            (folder() / export.file_name).unlink(missing_ok=True)
        (folder() / f"catalog-{export.catalog_id}-export-{export.pk}.csv.part").unlink(missing_ok=True)
        Export.objects.filter(pk=export.pk).update(purged_at=timezone.now())
        purged += 1
    return purged
