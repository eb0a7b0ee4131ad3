from __future__ import annotations

from django.urls import path

from apps.content import bulk_views

app_name = "bulk"
urlpatterns = [
    path("<int:pk>/", bulk_views.bulk_detail, name="detail"),
    path("<int:pk>/status/", bulk_views.bulk_status, name="status"),
    path("<int:pk>/cancel/", bulk_views.bulk_cancel, name="cancel"),
    path("<int:pk>/retry/", bulk_views.bulk_retry, name="retry"),
]
