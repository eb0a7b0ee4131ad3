"""Items of a catalog: added, replaced whole (C18) and deleted by editors; the columns a person sees."""

from __future__ import annotations

from typing import Any

from apps.catalogs.client import Catalog, CatalogsClient, Item
from apps.catalogs.models import ColumnChoice
from apps.connections.workspace import Workspace
from apps.core import audit
from apps.core.values import readable

DEFAULT_COLUMNS = 6


def table_rows(page: list[Item], columns: list[str]) -> list[dict[str, Any]]:
    rows = []
    for item in page:
        properties = item.properties
        rows.append({"item": item, "cells": [readable(properties.get(column)) for column in columns]})
    return rows


def ref(catalog: Catalog, key: str, item_id: int | None = None) -> audit.Ref:
    return audit.Ref("synerise.catalog_item", str(item_id or ""), f"{catalog.name} / {key}")


def add_item(
    workspace: Workspace[CatalogsClient], *, catalog: Catalog, key: str, properties: dict[str, Any]
) -> Item:
    """Add an item (C10; a key the catalog has is replaced) and read it back for its id."""
    with (
        audit.action(
            workspace.person, "catalog_item.add", ref(catalog, key), properties=sorted(properties)
        ) as detail,
        workspace.client() as api,
    ):
        api.add_item(catalog.id, item_key=key, value=properties)
        item = api.get_item_by_key(catalog.id, key).data
        detail["id"] = item.id
    return item


def update_item(
    workspace: Workspace[CatalogsClient], *, catalog: Catalog, item: Item, properties: dict[str, Any]
) -> Item:
    """Replace the item's properties (C18): what `properties` leaves out is removed."""
    removed = sorted(name for name in item.properties if name not in properties)
    changed = sorted(n for n, v in properties.items() if item.properties.get(n, object()) != v)
    target = ref(catalog, item.item_key, item.id)
    with (
        audit.action(workspace.person, "catalog_item.update", target, changed=changed, removed=removed),
        workspace.client() as api,
    ):
        return api.update_item(catalog.id, item.id, properties).data


def delete_item(workspace: Workspace[CatalogsClient], *, catalog: Catalog, item: Item) -> None:
    with (
        audit.action(workspace.person, "catalog_item.delete", ref(catalog, item.item_key, item.id)),
        workspace.client() as api,
    ):
        api.delete_item(catalog.id, item.id)


def columns_for(workspace: Workspace[CatalogsClient], *, catalog_id: int, keys: list[str]) -> list[str]:
    """The columns this person chose for the catalog, still among its keys; else the first few keys."""
    choice = ColumnChoice.objects.filter(
        user=workspace.user, connection=workspace.connection, catalog_id=catalog_id
    ).first()
    if choice is None:
        return keys[:DEFAULT_COLUMNS]
    return [key for key in choice.columns if key in keys]


def choose_columns(workspace: Workspace[CatalogsClient], *, catalog_id: int, columns: list[str]) -> None:
    ColumnChoice.objects.update_or_create(
        user=workspace.user,
        connection=workspace.connection,
        catalog_id=catalog_id,
        defaults={"columns": columns},
    )
