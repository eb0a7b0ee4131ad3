from __future__ import annotations

from django.urls import path

from apps.content import bulk_views, schedule_views, views

app_name = "content"
urlpatterns = [
    path("", views.schema_list, name="schemas"),
    path("<str:app_id>/", views.record_list, name="records"),
    path("<str:app_id>/new/", views.record_new, name="record_new"),
    path("<str:app_id>/bulk/", bulk_views.bulk_ready, name="bulk"),
    path("<str:app_id>/filters/", views.filter_save, name="filter_save"),
    path("<str:app_id>/filters/<int:pk>/delete/", views.filter_delete, name="filter_delete"),
    path("<str:app_id>/<str:record_id>/", views.record_edit, name="record"),
    path("<str:app_id>/<str:record_id>/preview/", views.record_preview, name="record_preview"),
    path("<str:app_id>/<str:record_id>/preview/profiles/", views.test_profile_save, name="test_profile_save"),
    path(
        "<str:app_id>/<str:record_id>/preview/profiles/<int:pk>/delete/",
        views.test_profile_delete,
        name="test_profile_delete",
    ),
    path("<str:app_id>/<str:record_id>/versions/", views.record_versions, name="record_versions"),
    path(
        "<str:app_id>/<str:record_id>/versions/<int:number>/restore/",
        views.record_restore,
        name="record_restore",
    ),
    path("<str:app_id>/<str:record_id>/delete/", views.record_delete, name="record_delete"),
    path("<str:app_id>/<str:record_id>/schedule/", schedule_views.record_schedule, name="record_schedule"),
    path("<str:app_id>/<str:record_id>/duplicate/", views.record_duplicate, name="record_duplicate"),
]
