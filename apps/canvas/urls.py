from __future__ import annotations

from django.urls import path

from apps.canvas.views import schedule

app_name = "canvas"

urlpatterns = [
    path("workflows/<uuid:workflow_id>/schedule/", schedule.schedule_page, name="schedule"),
    path("workflows/<uuid:workflow_id>/schedule/save/", schedule.schedule_save, name="schedule_save"),
    path("workflows/<uuid:workflow_id>/schedule/pause/", schedule.schedule_pause, name="schedule_pause"),
    path("workflows/<uuid:workflow_id>/schedule/resume/", schedule.schedule_resume, name="schedule_resume"),
]
