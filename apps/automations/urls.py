from __future__ import annotations

from django.urls import path

from apps.automations.views import bulk, flows, runs, schedule, suggestions, workflows

app_name = "automations"
urlpatterns = [
    path("", workflows.workflow_list, name="workflows"),
    path("bulk/", bulk.bulk_ready, name="bulk"),
    path("bulk/<int:pk>/", bulk.bulk_detail, name="bulk_detail"),
    path("bulk/<int:pk>/status/", bulk.bulk_status, name="bulk_status"),
    path("bulk/<int:pk>/cancel/", bulk.bulk_cancel, name="bulk_cancel"),
    path("bulk/<int:pk>/retry/", bulk.bulk_retry, name="bulk_retry"),
    path("flows/", flows.flow_list, name="flows"),
    path("flows/new/", flows.flow_new, name="flow_new"),
    path("flows/<str:flow_id>/", flows.flow_detail, name="flow"),
    path("flows/<str:flow_id>/edit/", flows.flow_edit, name="flow_edit"),
    path("flows/<str:flow_id>/active/", flows.flow_active, name="flow_active"),
    path("flows/<str:flow_id>/delete/", flows.flow_delete, name="flow_delete"),
    path("suggestions/", suggestions.suggestion_list, name="suggestions"),
    path("suggestions/new/", suggestions.suggestion_new, name="suggestion_new"),
    path("suggestions/<str:suggestion_id>/", suggestions.suggestion_detail, name="suggestion"),
    path("suggestions/<str:suggestion_id>/edit/", suggestions.suggestion_edit, name="suggestion_edit"),
    path("suggestions/<str:suggestion_id>/apply/", suggestions.suggestion_apply, name="suggestion_apply"),
    path("suggestions/<str:suggestion_id>/applied/", suggestions.suggestion_result, name="suggestion_result"),
    path("suggestions/<str:suggestion_id>/delete/", suggestions.suggestion_delete, name="suggestion_delete"),
    # Paths of other pages go above this line: a workflow id takes any segment.
    path("<str:workflow_id>/", workflows.workflow_detail, name="workflow"),
    path("<str:workflow_id>/run/", workflows.workflow_run, name="run"),
    path("<str:workflow_id>/pause/", workflows.workflow_pause, name="pause"),
    path("<str:workflow_id>/stop/", workflows.workflow_stop, name="stop"),
    path("<str:workflow_id>/schedule/", schedule.workflow_schedule, name="workflow_schedule"),
    path("<str:workflow_id>/live/", runs.live, name="live"),
    path("<str:workflow_id>/live/log/", runs.live_log, name="live_log"),
    path("<str:workflow_id>/runs/<int:pk>/", runs.stored_run, name="stored_run"),
]
