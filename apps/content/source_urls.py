from __future__ import annotations

from django.urls import path

from apps.content import source_views

app_name = "sources"
urlpatterns = [
    path("", source_views.source_list, name="list"),
    path("new/", source_views.source_new, name="new"),
    path("<str:source_id>/", source_views.source_edit, name="edit"),
    path("<str:source_id>/delete/", source_views.source_delete, name="delete"),
]
