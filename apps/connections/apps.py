from __future__ import annotations

from django.apps import AppConfig


class ConnectionsConfig(AppConfig):
    name = "apps.connections"
    label = "connections"
    verbose_name = "Connections"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from apps.connections.models import Connection, Preference
        from apps.core import memo

        # A request that changes a connection or a person's choice reads the current workspace afresh.
        for model in (Connection, Preference):
            post_save.connect(memo.forget, sender=model, dispatch_uid=f"memo-{model.__name__}-saved")
            post_delete.connect(memo.forget, sender=model, dispatch_uid=f"memo-{model.__name__}-deleted")
