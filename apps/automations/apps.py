from __future__ import annotations

from django.apps import AppConfig


class AutomationsConfig(AppConfig):
    name = "apps.automations"
    label = "automations"
    verbose_name = "Workflows and flows"

    def ready(self) -> None:
        from apps.automations.models import ScheduledWorkflowAction
        from apps.automations.services import steps
        from apps.automations.services.schedule import in_workspace
        from apps.automations.services.workspace import workspace_for
        from apps.jobs import scheduling
        from apps.jobs.steps import register

        scheduling.register(
            scheduling.Source(
                key="workflows",
                model=ScheduledWorkflowAction,
                task="apps.automations.tasks.run_scheduled",
                view_permission="automations.view_workflows",
                act_permission="automations.operate_workflows",
                # the rows of the workspace the person works in now
                scope=lambda user: in_workspace(workspace_for(user)),
                system="Workflows",
            )
        )
        for kind in steps.kinds():
            register(kind)
