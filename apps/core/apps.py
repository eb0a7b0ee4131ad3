from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from apps.core import accounts, roles

        accounts.connect()

        post_migrate.connect(roles.sync_roles, dispatch_uid="core.sync_roles")
