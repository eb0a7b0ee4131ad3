from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from apps.connections import services


def workspaces(request: HttpRequest) -> dict[str, Any]:
    """The workspace picker in the header, for signed-in people."""
    if not request.user.is_authenticated:
        return {}
    return {
        "current_workspace": services.current_workspace(request.user),
        "workspaces": services.workspaces(request.user),
    }
