from __future__ import annotations

from django.urls import path

from apps.content.views import bulk, deleted, preview, records, schedule, schemas, sources, versions

app_name = "content"


urlpatterns = [
    path("", schemas.schema_list, name="schemas"),
    path("schemas/new/", schemas.schema_new, name="schema_new"),
    path("schemas/<str:app_id>/", schemas.schema_detail, name="schema"),
    path("schemas/<str:app_id>/edit/", schemas.schema_edit, name="schema_edit"),
    path("schemas/<str:app_id>/delete/", schemas.schema_delete, name="schema_delete"),
    path("records/<str:app_id>/", records.record_list, name="records"),
    path("records/<str:app_id>/new/", records.record_new, name="record_new"),
    path("records/<str:app_id>/bulk/", bulk.bulk_ready, name="bulk_ready"),
    path("records/<str:app_id>/filters/", records.filter_save, name="filter_save"),
    path("records/<str:app_id>/filters/<int:pk>/delete/", records.filter_delete, name="filter_delete"),
    path("records/<str:app_id>/<str:record_id>/", records.record_edit, name="record"),
    path("records/<str:app_id>/<str:record_id>/preview/", preview.record_preview, name="record_preview"),
    path(
        "records/<str:app_id>/<str:record_id>/preview/profiles/",
        preview.test_profile_save,
        name="test_profile_save",
    ),
    path(
        "records/<str:app_id>/<str:record_id>/preview/profiles/<int:pk>/delete/",
        preview.test_profile_delete,
        name="test_profile_delete",
    ),
    path("records/<str:app_id>/<str:record_id>/versions/", versions.record_versions, name="record_versions"),
    path(
        "records/<str:app_id>/<str:record_id>/versions/<int:number>/restore/",
        versions.record_restore,
        name="record_restore",
    ),
    path("records/<str:app_id>/<str:record_id>/delete/", records.record_delete, name="record_delete"),
    path("records/<str:app_id>/<str:record_id>/schedule/", schedule.record_schedule, name="record_schedule"),
    path(
        "records/<str:app_id>/<str:record_id>/duplicate/", records.record_duplicate, name="record_duplicate"
    ),
    path("sources/", sources.source_list, name="sources"),
    path("sources/new/", sources.source_new, name="source_new"),
    path("sources/<str:source_id>/", sources.source_edit, name="source_edit"),
    path("sources/<str:source_id>/delete/", sources.source_delete, name="source_delete"),
    path("deleted/", deleted.deleted_list, name="deleted"),
    path("deleted/<int:pk>/undo/", deleted.deleted_undo, name="deleted_undo"),
    path("bulk/<int:pk>/", bulk.bulk_detail, name="bulk_detail"),
    path("bulk/<int:pk>/status/", bulk.bulk_status, name="bulk_status"),
    path("bulk/<int:pk>/cancel/", bulk.bulk_cancel, name="bulk_cancel"),
    path("bulk/<int:pk>/retry/", bulk.bulk_retry, name="bulk_retry"),
]
