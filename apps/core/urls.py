from __future__ import annotations

from django.urls import path

from apps.core import views
from apps.core.people import views as people

app_name = "core"
urlpatterns = [
    path("settings/audit/", views.audit_list, name="audit"),
    path("settings/users/", people.people_list, name="people"),
    path("settings/users/new/", people.person_new, name="person_new"),
    path("settings/users/<int:pk>/", people.person_detail, name="person"),
    path("settings/users/<int:pk>/active/", people.person_active, name="person_active"),
    path("settings/users/<int:pk>/invite/", people.person_invite, name="person_invite"),
    path("welcome/<str:uidb64>/<str:token>/", people.set_password, name="set_password"),
    path("favicon.ico", views.favicon, name="favicon"),
]
