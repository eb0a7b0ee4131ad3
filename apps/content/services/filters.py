"""Saved filters of the records list, per person, workspace and schema."""

from __future__ import annotations

from typing import Any

from apps.connections.workspace import Workspace
from apps.content.client import BrickworksClient
from apps.content.models import SavedFilter
from apps.core import audit


def saved_filters(workspace: Workspace[BrickworksClient], *, app_id: str) -> Any:
    return SavedFilter.objects.filter(user=workspace.user, connection=workspace.connection, app_id=app_id)


def save_filter(workspace: Workspace[BrickworksClient], *, app_id: str, name: str, query: str) -> SavedFilter:
    saved, _ = SavedFilter.objects.update_or_create(
        user=workspace.user,
        connection=workspace.connection,
        app_id=app_id,
        name=name,
        defaults={"query": query},
    )
    audit.record(workspace.person, "saved_filter.save", saved, query=saved.query)
    return saved


def delete_filter(workspace: Workspace[BrickworksClient], *, pk: int) -> None:
    saved = SavedFilter.objects.filter(pk=pk, user=workspace.user).first()
    if saved is not None:
        audit.record(workspace.person, "saved_filter.delete", saved)
        saved.delete()
