from __future__ import annotations

from django.urls import path

from apps.launches import views

app_name = "launches"

urlpatterns = [
    path("", views.launch_list, name="list"),
    path("new/", views.launch_new, name="new"),
    path("<int:pk>/", views.launch_detail, name="detail"),
    path("<int:pk>/preview/", views.launch_preview, name="preview"),
    path("<int:pk>/edit/", views.launch_edit, name="edit"),
    path("<int:pk>/check/", views.launch_check, name="check"),
    path("<int:pk>/approve/", views.launch_approve, name="approve"),
    path("<int:pk>/go/", views.launch_go, name="go"),
    path("steps/new/", views.step_add, name="add_step"),
    path("steps/<int:pk>/remove/", views.step_remove, name="remove_step"),
    path("steps/<int:pk>/renew/", views.step_renew, name="renew_step"),
]
