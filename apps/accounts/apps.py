from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from apps.accounts import roles, signals

        signals.connect()

        post_migrate.connect(roles.sync_roles, dispatch_uid="accounts.sync_roles")
