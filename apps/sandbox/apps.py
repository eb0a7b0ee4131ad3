from __future__ import annotations

from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "apps.sandbox"
    label = "sandbox"
    verbose_name = "Sandbox (local server of the remote APIs)"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from apps.sandbox.models import FaultSettings, SyneriseUser, Workspace, forget

        # The rows every request reads are kept in the cache (models.kept); a change forgets them.
        for model in (FaultSettings, Workspace, SyneriseUser):
            post_save.connect(forget, sender=model, dispatch_uid=f"sandbox-{model.__name__}-saved")
            post_delete.connect(forget, sender=model, dispatch_uid=f"sandbox-{model.__name__}-deleted")
