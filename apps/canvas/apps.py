from __future__ import annotations

from django.apps import AppConfig


class CanvasConfig(AppConfig):
    name = "apps.canvas"
    label = "canvas"
    verbose_name = "Canvas integrations"
