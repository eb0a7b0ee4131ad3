from __future__ import annotations

from datetime import datetime
from typing import Any

from django.apps import AppConfig


class CanvasConfig(AppConfig):
    name = "apps.canvas"
    label = "canvas"
    verbose_name = "Canvas integrations"

    def ready(self) -> None:
        from apps.canvas.services import forecast, steps
        from apps.canvas.services.workspace import workspace_for
        from apps.connections.services import NoConnection
        from apps.jobs import upcoming
        from apps.jobs.steps import register

        def fires(user: Any, start: datetime, end: datetime) -> list[upcoming.Entry]:
            try:
                workspace = workspace_for(user)
            except NoConnection:  # no Canvas connection: no scheduler of theirs to show
                return []
            return forecast.scheduler_fires(workspace, start, end)

        for kind in steps.kinds():
            register(kind)
        upcoming.register(
            upcoming.Forecast(
                key="canvas.schedulers",
                system="Integrations",
                view_permission="canvas.view_integrations",
                entries=fires,
            )
        )
