from __future__ import annotations

from django.urls import path

from apps.automations.views import bulk, schedule

app_name = "automations"
urlpatterns = [
    path("bulk/", bulk.bulk_ready, name="bulk"),
    path("<str:workflow_id>/schedule/", schedule.workflow_schedule, name="workflow_schedule"),
]
