from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from apps.accounts.forms import LoginForm
from apps.connections import views as connection_views
from apps.dashboard import views as dashboard_views

urlpatterns = [
    path("", include("apps.dashboard.urls")),
    path("", include("apps.core.urls")),
    path("", include("apps.accounts.urls")),
    path("healthz", dashboard_views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("content/", include("apps.content.urls")),
    path("workflows/", include("apps.automations.urls")),
    path("integrations/", include("apps.canvas.urls")),
    path("catalogs/", include("apps.catalogs.urls")),
    path("launches/", include("apps.launches.urls")),
    path("operations/", include("apps.jobs.urls")),
    path("settings/connections/", include("apps.connections.urls")),
    path("workspace/", connection_views.workspace_switch, name="workspace_switch"),
    path("admin/", admin.site.urls),
]

if settings.SANDBOX_ENABLED:
    urlpatterns.append(path("sandbox/", include("apps.sandbox.urls")))
