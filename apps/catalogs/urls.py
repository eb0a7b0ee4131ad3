from __future__ import annotations

from django.urls import path

from apps.catalogs.views import imports

app_name = "catalogs"
urlpatterns = [
    path("<int:catalog_id>/import/", imports.import_start, name="import_start"),
    path("imports/<int:pk>/", imports.import_detail, name="import_detail"),
    path("imports/<int:pk>/status/", imports.import_status, name="import_status"),
    path("imports/<int:pk>/check/", imports.import_check, name="import_check"),
    path("imports/<int:pk>/again/", imports.import_again, name="import_again"),
    path("imports/<int:pk>/run/", imports.import_run, name="import_run"),
    path("imports/<int:pk>/cancel/", imports.import_cancel, name="import_cancel"),
    path("imports/<int:pk>/retry/", imports.import_retry, name="import_retry"),
    path("imports/<int:pk>/bad-rows.csv", imports.import_bad_rows, name="import_bad_rows"),
]
