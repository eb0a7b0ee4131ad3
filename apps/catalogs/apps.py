from __future__ import annotations

from django.apps import AppConfig


class CatalogsConfig(AppConfig):
    name = "apps.catalogs"
    verbose_name = "Catalogs (Synerise)"
