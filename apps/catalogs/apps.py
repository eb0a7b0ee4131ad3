from __future__ import annotations

from django.apps import AppConfig


class CatalogsConfig(AppConfig):
    name = "apps.catalogs"
    verbose_name = "Catalogs (Synerise)"

    def ready(self) -> None:
        from apps.catalogs.services import steps
        from apps.jobs.steps import register

        for kind in steps.kinds():
            register(kind)
