from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import path

from apps.sandbox import synerise
from apps.sandbox.brickworks import api as brickworks
from apps.sandbox.canvas import api as canvas
from apps.sandbox.faults import urls_with_faults, with_faults
from apps.sandbox.flows import api as flows


@with_faults
def index(request: HttpRequest) -> JsonResponse:
    """What the sandbox serves, with each API's OpenAPI document."""
    apis = {
        "synerise": "synerise/",
        "brickworks": "synerise/brickworks/v1/",
        "canvas": "canvas/api/",
        "flows": "flows/api/v1/",
    }
    return JsonResponse(
        {
            name: {
                "base": request.build_absolute_uri(base),
                "openapi": request.build_absolute_uri(f"{base}openapi.json"),
            }
            for name, base in apis.items()
        }
    )


# Faults are injected here, view by view, and not by a middleware: a dashboard page is never faulted.
urlpatterns = [
    path("", index, name="sandbox-index"),
    path("synerise/brickworks/v1/", urls_with_faults(brickworks.api.urls)),
    path("synerise/", urls_with_faults(synerise.api.urls)),
    path("canvas/api/", urls_with_faults(canvas.api.urls)),
    path("flows/api/v1/", urls_with_faults(flows.api.urls)),
]
