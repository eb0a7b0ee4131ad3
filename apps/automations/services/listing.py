"""The workflows list: one W2 page with our last run of each row, and finding one workflow by id."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone

from apps.automations.client import Workflow, WorkflowsClient
from apps.automations.models import KnownWorkflow, WorkflowRun
from apps.automations.services import runs
from apps.connections.models import Connection
from apps.core.http import ApiNotFound
from apps.core.paging import RemotePage

PAGE = 100  # W2's largest page, for reading every workflow (a tag filter, a workflow not yet seen)
SCAN_MAX = 100  # pages: 10,000 workflows
CHOICES_KEPT = 60  # seconds


@dataclass
class Row:
    workflow: Workflow
    run: WorkflowRun | None


def list_page(
    connection: Connection, client: WorkflowsClient, *, number: int, limit: int, tag: str = "", **query: Any
) -> RemotePage:
    """A page of workflows as rows with their last stored run. W2 has no tag filter: with a tag, every
    workflow matching the rest is read and the page is cut here (docs/api-decisions.md)."""
    if tag:
        matching = [w for w in every(client, **query) if any(t.value == tag for t in w.tags)]
        items = matching[(number - 1) * limit : number * limit]
        total, pages = len(matching), None
    else:
        result = client.list_workflows(page=number, limit=limit, **query)
        items, total, pages = result.data, result.meta.total_count or 0, result.meta.total_pages
    remember(connection, items)
    last = runs.latest_of(connection, [w.diagram_id for w in items])
    rows = [Row(w, last.get(w.diagram_id)) for w in items]
    return RemotePage.of(rows, number=number, limit=limit, total=total, pages=pages)


def every(client: WorkflowsClient, **query: Any) -> list[Workflow]:
    """Every workflow matching W2's `query`, page by page (up to SCAN_MAX pages)."""
    found: list[Workflow] = []
    for page in range(1, SCAN_MAX + 1):
        result = client.list_workflows(page=page, limit=PAGE, **query)
        found += result.data
        if page >= (result.meta.total_pages or 1):
            break
    return found


def remember(connection: Connection, workflows: list[Workflow]) -> None:
    """Keep what the list showed; only rows new or changed since are written."""
    now = timezone.now()
    seen = {
        row[0]: row[1:]
        for row in known(connection)
        .filter(workflow_id__in=[w.diagram_id for w in workflows])
        .values_list("workflow_id", "name", "status", "directory_id", "tags")
    }
    rows = [
        KnownWorkflow(
            connection=connection,
            workflow_id=w.diagram_id,
            name=w.name,
            status=w.status,
            directory_id=w.directory_id or "",
            tags=sorted({t.value for t in w.tags if t.value}),
            seen_at=now,
        )
        for w in workflows
    ]
    changed = [r for r in rows if seen.get(r.workflow_id) != (r.name, r.status, r.directory_id, r.tags)]
    if changed:
        cache.delete(_choices_key(connection))
        KnownWorkflow.objects.bulk_create(
            changed,
            update_conflicts=True,
            unique_fields=["connection", "workflow_id"],
            update_fields=["name", "status", "directory_id", "tags", "seen_at"],
        )


def find(connection: Connection, client: WorkflowsClient, workflow_id: str) -> Workflow:
    """The workflow with this id, read fresh: by its known name when we have one (one request), else
    page by page. Raises ApiNotFound when no page holds it."""
    known = KnownWorkflow.objects.filter(connection=connection, workflow_id=workflow_id).first()
    name = (
        known.name
        if known
        else runs.history(connection, workflow_id).values_list("workflow_name", flat=True).first()
    )
    if name:
        for workflow in client.list_workflows(search=name, limit=PAGE).data:
            if workflow.diagram_id == workflow_id:
                remember(connection, [workflow])
                return workflow
    for page in range(1, SCAN_MAX + 1):
        result = client.list_workflows(page=page, limit=PAGE, sort="UpdatedTime", order="Desc")
        remember(connection, result.data)
        for workflow in result.data:
            if workflow.diagram_id == workflow_id:
                return workflow
        if page >= (result.meta.total_pages or 1):
            break
    raise ApiNotFound("No workflow of this workspace has this id.", status=404)


def known(connection: Connection) -> QuerySet[KnownWorkflow]:
    return KnownWorkflow.objects.filter(connection=connection)


def choices(connection: Connection) -> tuple[list[str], list[str]]:
    """The folders and tags the list has seen, for its filters; kept a minute in the cache, and
    dropped when the list sees a change."""
    key = _choices_key(connection)
    cached = cache.get(key)
    if cached is None:
        pairs = known(connection).values_list("directory_id", "tags").distinct()
        folders = {folder for folder, _ in pairs if folder}
        tags = {value for _, values in pairs for value in values}
        cached = (sorted(folders), sorted(tags))
        cache.set(key, cached, CHOICES_KEPT)
    return cached


def _choices_key(connection: Connection) -> str:
    return f"automations:filter-choices:{connection.pk}:{connection.base_url}"
