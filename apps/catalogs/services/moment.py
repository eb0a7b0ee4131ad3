"""What an import step will change in its catalog, for a launch's "Preview of the moment": the items its
dry run found changed (each property before and after), added and deleted, from the dry run's plan."""

from __future__ import annotations

from apps.catalogs.client import CatalogsClient
from apps.catalogs.models import CatalogImport
from apps.catalogs.services import imports
from apps.catalogs.services.plan import Plan
from apps.connections.workspace import Workspace
from apps.jobs.steps import Seen, Target

SHOWN = 20  # items of each kind of change


def after_import(workspace: Workspace[CatalogsClient], target: Target) -> list[Seen]:
    imp = imports.for_workspace(workspace).filter(pk=target["import"]).first()
    if imp is None or imp.dry_run_id != target["dry_run"]:
        return []  # the launch page says why the step cannot run
    path = imports.folder_of(imp) / "plan.sqlite"
    if not path.exists():
        return []
    plan = Plan(path)
    try:
        return _changed(plan) + _whole(plan, "new", "Not in the catalog", "Added") + _deleted(plan, imp)
    finally:
        plan.close()


def _changed(plan: Plan) -> list[Seen]:
    seen = [
        Seen(f"Item {row['key']}", name, _cell(before, "Not set"), _cell(after, "Removed"))
        for row in plan.rows("changed", 0, SHOWN)
        for name, before, after in row["changes"]
    ]
    return seen + _more(plan, "changed")


def _whole(plan: Plan, fate: str, now: str, after: str) -> list[Seen]:
    seen = [Seen(f"Item {row['key']}", "The whole item", now, after) for row in plan.rows(fate, 0, SHOWN)]
    return seen + _more(plan, fate)


def _deleted(plan: Plan, imp: CatalogImport) -> list[Seen]:
    if not imp.reconcile:
        return []
    return _whole(plan, "delete", "In the catalog", "Deleted")


def _more(plan: Plan, fate: str) -> list[Seen]:
    more = plan.count(fate) - SHOWN
    words = {"changed": "changed", "new": "added", "delete": "deleted"}[fate]
    if more <= 0:
        return []
    items = "item" if more == 1 else "items"
    return [Seen(f"And {more:,} more {items} {words}", "", "", "Listed on the dry run's page")]


def _cell(value: str | None, missing: str) -> str:
    if value is None:
        return missing
    return value[:200] if value else "(empty)"
