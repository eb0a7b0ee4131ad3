from __future__ import annotations

from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "apps.content"
    verbose_name = "Content (Brickworks)"

    def ready(self) -> None:
        from apps.content.models import ScheduledAction
        from apps.content.services import steps
        from apps.content.services.schedule import in_workspace
        from apps.content.services.workspace import workspace_for
        from apps.jobs import scheduling
        from apps.jobs.steps import register

        scheduling.register(
            scheduling.Source(
                key="records",
                model=ScheduledAction,
                task="apps.content.tasks.run_scheduled",
                view_permission="content.view_content",
                act_permission="content.publish_content",
                # the rows of the workspace the person works in now
                scope=lambda user: in_workspace(workspace_for(user)),
                system="Content",
            )
        )
        for kind in steps.kinds():
            register(kind)
