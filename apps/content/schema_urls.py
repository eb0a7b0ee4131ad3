from __future__ import annotations

from django.urls import path

from apps.content import schema_views

app_name = "schemas"
urlpatterns = [
    path("new/", schema_views.schema_new, name="new"),
    path("<str:app_id>/", schema_views.schema_detail, name="detail"),
    path("<str:app_id>/edit/", schema_views.schema_edit, name="edit"),
    path("<str:app_id>/delete/", schema_views.schema_delete, name="delete"),
]
