"""Event mappings of a catalog: created with their enrichment fields, changed and deleted by admins."""

from __future__ import annotations

from apps.catalogs.client import Catalog, CatalogsClient, Mapping
from apps.connections.workspace import Workspace
from apps.core import audit


def ref(mapping: Mapping, catalog: Catalog) -> audit.Ref:
    name = f"{catalog.name}: {mapping.action} / {mapping.param_key}"
    return audit.Ref("synerise.catalog_mapping", mapping.bp_action_param_key, name)


def mappings_of(api: CatalogsClient, catalog_id: int) -> list[Mapping]:
    """The catalog's mappings (C22 lists the whole workspace's)."""
    return [m for m in api.list_mappings().data if m.bag_id == catalog_id]


def find_mapping(api: CatalogsClient, catalog_id: int, key: str) -> Mapping | None:
    return next((m for m in mappings_of(api, catalog_id) if m.bp_action_param_key == key), None)


def create_mapping(
    workspace: Workspace[CatalogsClient], *, catalog: Catalog, action: str, param_key: str, fields: list[str]
) -> Mapping:
    """Add the mapping (C21), then its enrichment fields (C12) when some are chosen."""
    target = audit.Ref("synerise.catalog_mapping", "", f"{catalog.name}: {action} / {param_key}")
    with (
        audit.action(workspace.person, "catalog_mapping.create", target, fields=fields) as detail,
        workspace.client() as api,
    ):
        mapping = api.add_mapping(catalog.id, action=action, param_key=param_key).data
        detail["id"] = mapping.bp_action_param_key
        if fields:
            api.change_enrichment(catalog.id, action=action, param_key=param_key, fields=fields)
            mapping.enrichment_fields = fields
    return mapping


def change_enrichment(
    workspace: Workspace[CatalogsClient], *, catalog: Catalog, mapping: Mapping, fields: list[str]
) -> None:
    before = mapping.enrichment_fields
    with (
        audit.action(
            workspace.person, "catalog_mapping.update", ref(mapping, catalog), before=before, after=fields
        ),
        workspace.client() as api,
    ):
        api.change_enrichment(catalog.id, action=mapping.action, param_key=mapping.param_key, fields=fields)


def delete_mapping(workspace: Workspace[CatalogsClient], *, catalog: Catalog, mapping: Mapping) -> None:
    with (
        audit.action(workspace.person, "catalog_mapping.delete", ref(mapping, catalog)),
        workspace.client() as api,
    ):
        api.delete_mapping(mapping.bp_action_param_key)
