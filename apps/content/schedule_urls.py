from __future__ import annotations

from django.urls import path

from apps.content import schedule_views as views

app_name = "schedule"
urlpatterns = [
    path("", views.scheduled_list, name="list"),
    path("calendar/", views.scheduled_calendar, name="calendar"),
    path("<int:pk>/", views.scheduled_detail, name="detail"),
    path("<int:pk>/cancel/", views.scheduled_cancel, name="cancel"),
    path("<int:pk>/move/", views.scheduled_move, name="move"),
    path("<int:pk>/retry/", views.scheduled_retry, name="retry"),
]
