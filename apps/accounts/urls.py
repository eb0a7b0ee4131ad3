from __future__ import annotations

from django.urls import path

from apps.accounts import views

app_name = "accounts"
urlpatterns = [
    path("settings/audit/", views.audit_list, name="audit"),
    path("settings/users/", views.people_list, name="people"),
    path("settings/users/new/", views.person_new, name="person_new"),
    path("settings/users/<int:pk>/", views.person_detail, name="person"),
    path("settings/users/<int:pk>/active/", views.person_active, name="person_active"),
    path("settings/users/<int:pk>/invite/", views.person_invite, name="person_invite"),
    path("welcome/<str:uidb64>/<str:token>/", views.set_password, name="set_password"),
]
