from __future__ import annotations

from django.urls import path

from apps.catalogs.views import catalogs, exports, imports, items, mappings

app_name = "catalogs"
urlpatterns = [
    path("", catalogs.catalog_list, name="list"),
    path("new/", catalogs.catalog_new, name="new"),
    path("delete/", catalogs.catalog_delete, name="delete"),
    path("<int:catalog_id>/", items.catalog_detail, name="detail"),
    path("<int:catalog_id>/columns/", items.columns_choose, name="columns"),
    path("<int:catalog_id>/filtering/", items.filtering, name="filtering"),
    path("<int:catalog_id>/items/new/", items.item_new, name="item_new"),
    path("<int:catalog_id>/items/<int:item_id>/", items.item_detail, name="item"),
    path("<int:catalog_id>/items/<int:item_id>/edit/", items.item_edit, name="item_edit"),
    path("<int:catalog_id>/items/<int:item_id>/delete/", items.item_delete, name="item_delete"),
    path("<int:catalog_id>/mappings/", mappings.mapping_list, name="mappings"),
    path("<int:catalog_id>/mappings/new/", mappings.mapping_new, name="mapping_new"),
    path("<int:catalog_id>/mappings/<str:key>/", mappings.mapping_edit, name="mapping_edit"),
    path("<int:catalog_id>/mappings/<str:key>/delete/", mappings.mapping_delete, name="mapping_delete"),
    path("<int:catalog_id>/export/", exports.export_start, name="export_start"),
    path("exports/<int:pk>/", exports.export_detail, name="export"),
    path("exports/<int:pk>/download/", exports.export_download, name="export_download"),
    path("<int:catalog_id>/import/", imports.import_start, name="import_start"),
    path("imports/<int:pk>/", imports.import_detail, name="import_detail"),
    path("imports/<int:pk>/status/", imports.import_status, name="import_status"),
    path("imports/<int:pk>/check/", imports.import_check, name="import_check"),
    path("imports/<int:pk>/again/", imports.import_again, name="import_again"),
    path("imports/<int:pk>/run/", imports.import_run, name="import_run"),
    path("imports/<int:pk>/undo/", imports.import_undo, name="import_undo"),
    path("imports/<int:pk>/cancel/", imports.import_cancel, name="import_cancel"),
    path("imports/<int:pk>/retry/", imports.import_retry, name="import_retry"),
    path("imports/<int:pk>/bad-rows.csv", imports.import_bad_rows, name="import_bad_rows"),
]
