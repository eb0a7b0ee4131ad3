from __future__ import annotations

from django.apps import AppConfig


class CanvasConfig(AppConfig):
    name = "apps.canvas"
    label = "canvas"
    verbose_name = "Canvas integrations"

    def ready(self) -> None:
        from apps.canvas.services import forecast, steps
        from apps.jobs import upcoming
        from apps.jobs.steps import register

        for kind in steps.kinds():
            register(kind)
        upcoming.register(
            upcoming.Forecast(
                key="canvas.schedulers",
                system="Integrations",
                view_permission="canvas.view_integrations",
                entries=forecast.scheduler_fires,
            )
        )
