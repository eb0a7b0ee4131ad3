"""What every Integrations page shows: its tab and the account the person acts as."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.canvas.services.workspace import Scope


def page(
    request: HttpRequest, template: str, scope: Scope, tab: str, context: dict[str, Any]
) -> HttpResponse:
    return render(request, template, {"scope": scope, "tab": tab, **context})
