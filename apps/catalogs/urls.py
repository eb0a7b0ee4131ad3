from __future__ import annotations

from django.urls import path

from apps.catalogs.views import catalogs, exports, items, mappings

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
]
