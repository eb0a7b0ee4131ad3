"""Saved filters of the records list, per person, workspace and schema."""

from __future__ import annotations

from typing import Any

from apps.content.models import SavedFilter
from apps.content.services.workspace import User, workspace_for
from apps.core import audit


def saved_filters(user: User, app_id: str) -> Any:
    return SavedFilter.objects.filter(user=user, connection=workspace_for(user), app_id=app_id)


def save_filter(user: User, app_id: str, *, name: str, query: str) -> SavedFilter:
    saved, _ = SavedFilter.objects.update_or_create(
        user=user, connection=workspace_for(user), app_id=app_id, name=name, defaults={"query": query}
    )
    audit.record(user, "saved_filter.save", saved, query=saved.query)
    return saved


def delete_filter(user: User, pk: int) -> None:
    saved = SavedFilter.objects.filter(pk=pk, user=user).first()
    if saved is not None:
        audit.record(user, "saved_filter.delete", saved)
        saved.delete()
