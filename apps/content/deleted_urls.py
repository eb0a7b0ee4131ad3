from __future__ import annotations

from django.urls import path

from apps.content import deleted_views as views

app_name = "deleted"
urlpatterns = [
    path("", views.deleted_list, name="list"),
    path("<int:pk>/undo/", views.deleted_undo, name="undo"),
]
