"""Catalogs: listed with their item counts, created and deleted by admins, filterable keys chosen."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from django.utils.dateparse import parse_datetime

from apps.catalogs.client import Catalog, CatalogsClient, DeleteResult
from apps.connections.workspace import Workspace
from apps.core import audit

# Counts are read one catalog at a time (C3 has none); a few at once keep a page of 25 quick.
COUNT_THREADS = 6


@dataclass
class CatalogRow:
    catalog: Catalog
    items: int

    @property
    def created(self) -> datetime | None:
        return parse_datetime(self.catalog.creation_date)

    @property
    def modified(self) -> datetime | None:
        return parse_datetime(self.catalog.last_modified)


def ref(catalog: Catalog) -> audit.Ref:
    return audit.Ref("synerise.catalog", str(catalog.id), catalog.name)


def with_counts(api: CatalogsClient, catalogs: list[Catalog]) -> list[CatalogRow]:
    """Each catalog with its number of items (C9's totalCount of a one-item page)."""

    def count(catalog: Catalog) -> int:
        return api.list_items(catalog.id, limit=1).meta_data.total_count

    with ThreadPoolExecutor(COUNT_THREADS) as pool:
        counts = list(pool.map(count, catalogs))
    return [CatalogRow(catalog, items) for catalog, items in zip(catalogs, counts, strict=True)]


def create_catalog(workspace: Workspace[CatalogsClient], *, name: str) -> Catalog:
    created: list[Catalog] = []

    def target() -> audit.Ref:
        return ref(created[0]) if created else audit.Ref("synerise.catalog", "", name)

    with audit.action(workspace.person, "catalog.create", target), workspace.client() as api:
        created.append(api.create_catalog(name).data)
    return created[0]


def delete_catalogs(
    workspace: Workspace[CatalogsClient], *, catalogs: list[Catalog]
) -> list[tuple[Catalog, bool]]:
    """Delete the catalogs in one call (C5); each with whether it was deleted, one audit entry each."""
    with workspace.client() as api:
        results: list[DeleteResult] = api.delete_catalogs([c.id for c in catalogs]).data
    done = {r.id: r.result for r in results}
    outcome = [(catalog, done.get(catalog.id, False)) for catalog in catalogs]
    for catalog, deleted in outcome:
        audit.record(
            workspace.person,
            "catalog.delete",
            ref(catalog),
            outcome="ok" if deleted else "failed",
            error="" if deleted else "Not deleted: the catalog no longer exists",
        )
    return outcome


def set_filterable(workspace: Workspace[CatalogsClient], *, catalog: Catalog, fields: list[str]) -> Catalog:
    """Make exactly `fields` filterable: C13 for those added, C14 for those taken away."""
    before = set(catalog.filtered_fields)
    added = [f for f in fields if f not in before]
    removed = [f for f in catalog.filtered_fields if f not in fields]
    with (
        audit.action(workspace.person, "catalog.filtering", ref(catalog), added=added, removed=removed),
        workspace.client() as api,
    ):
        if added:
            api.enable_filtering(catalog.id, added)
        if removed:
            api.disable_filtering(catalog.id, removed)
        return api.get_catalog(catalog.id).data
