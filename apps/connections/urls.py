from __future__ import annotations

from django.urls import path

from apps.connections import views

app_name = "connections"
urlpatterns = [
    path("", views.connection_list, name="list"),
    path("add/<str:kind>/", views.connection_add, name="add"),
    path("<int:pk>/", views.connection_detail, name="detail"),
    path("<int:pk>/edit/", views.connection_edit, name="edit"),
    path("<int:pk>/delete/", views.connection_delete, name="delete"),
    path("<int:pk>/test/", views.connection_test, name="test"),
    path("<int:pk>/workspace/", views.connection_workspace, name="workspace"),
]
