from __future__ import annotations

from django.apps import AppConfig


class LaunchesConfig(AppConfig):
    name = "apps.launches"
    label = "launches"
    verbose_name = "Launches"

    def ready(self) -> None:
        from apps.jobs import scheduling
        from apps.launches.models import LaunchAction
        from apps.launches.services.launches import in_workspace, start_moved

        scheduling.register(
            scheduling.Source(
                key="launches",
                model=LaunchAction,
                task="apps.launches.tasks.run_action",
                view_permission="launches.view_launches",
                act_permission="launches.plan_launches",
                scope=lambda user: LaunchAction.objects.filter(launch__in=in_workspace(user)),
                moved=start_moved,
                system="Launches",
            )
        )
