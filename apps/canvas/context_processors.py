from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from apps.canvas.models import ActingAccount


def acting_account(request: HttpRequest) -> dict[str, Any]:
    """The Canvas account a person acts as, for the header: shown on every page while it is chosen."""
    user = request.user
    if not user.is_authenticated or not user.has_perm("canvas.view_integrations"):
        return {}
    acting = ActingAccount.objects.filter(user_id=user.pk).only("label").first()
    return {"canvas_acting": acting.label} if acting else {}
