from __future__ import annotations

from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "apps.sandbox"
    label = "sandbox"
    verbose_name = "Sandbox (local server of the remote APIs)"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from apps.sandbox.models import FaultSettings

        post_save.connect(FaultSettings.forget, sender=FaultSettings, dispatch_uid="sandbox-faults-saved")
        post_delete.connect(FaultSettings.forget, sender=FaultSettings, dispatch_uid="sandbox-faults-deleted")
