from __future__ import annotations

from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "apps.content"
    verbose_name = "Content (Brickworks)"

    def ready(self) -> None:
        from apps.content.models import ScheduledAction
        from apps.content.services.schedule import in_workspace
        from apps.jobs import scheduling

        scheduling.register(
            scheduling.Source(
                key="records",
                model=ScheduledAction,
                task="apps.content.tasks.run_scheduled",
                view_permission="content.view_content",
                act_permission="content.publish_content",
                scope=in_workspace,
            )
        )
