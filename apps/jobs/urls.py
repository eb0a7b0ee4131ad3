from __future__ import annotations

from django.urls import path

from apps.jobs.views import jobs, scheduled

app_name = "jobs"
urlpatterns = [
    path("", jobs.job_list, name="list"),
    path("<int:pk>/", jobs.job_detail, name="detail"),
    path("<int:pk>/status/", jobs.job_status, name="detail_status"),
    path("<int:pk>/cancel/", jobs.job_cancel, name="cancel"),
    path("<int:pk>/retry/", jobs.job_retry, name="retry"),
    path("scheduled/", scheduled.scheduled_list, name="scheduled"),
    path("scheduled/calendar/", scheduled.scheduled_calendar, name="scheduled_calendar"),
    path("scheduled/<slug:source>/<int:pk>/", scheduled.scheduled_detail, name="scheduled_detail"),
    path("scheduled/<slug:source>/<int:pk>/cancel/", scheduled.scheduled_cancel, name="scheduled_cancel"),
    path("scheduled/<slug:source>/<int:pk>/move/", scheduled.scheduled_move, name="scheduled_move"),
    path("scheduled/<slug:source>/<int:pk>/retry/", scheduled.scheduled_retry, name="scheduled_retry"),
]
