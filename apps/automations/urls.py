from __future__ import annotations

from django.urls import path

from apps.automations.views import runs, workflows

app_name = "automations"
urlpatterns = [
    path("", workflows.workflow_list, name="workflows"),
    # Paths of other pages (flows/, suggestions/) go above this line: a workflow id takes any segment.
    path("<str:workflow_id>/", workflows.workflow_detail, name="workflow"),
    path("<str:workflow_id>/run/", workflows.workflow_run, name="run"),
    path("<str:workflow_id>/pause/", workflows.workflow_pause, name="pause"),
    path("<str:workflow_id>/stop/", workflows.workflow_stop, name="stop"),
    path("<str:workflow_id>/live/", runs.live, name="live"),
    path("<str:workflow_id>/live/log/", runs.live_log, name="live_log"),
    path("<str:workflow_id>/runs/<int:pk>/", runs.stored_run, name="stored_run"),
]
