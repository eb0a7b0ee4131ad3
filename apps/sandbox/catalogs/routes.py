"""The operations of the Synerise catalogs (spec §3), which `api` mounts on the Synerise gateway.

Reference: shared/spec/synerise-auth-automation-catalogs.md §3; what the doc leaves open is decided in
docs/api-decisions.md ("Synerise catalogs"). Errors are raised as ninja's HttpError and answered by
`apps.sandbox.synerise` in the v4 body {timestamp, status, error, message, path}.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

import simplejson
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Body, File, Form, Query, Router
from ninja.errors import HttpError, ValidationError
from ninja.files import UploadedFile

from apps.sandbox.catalogs.models import Catalog, CatalogItem, CatalogMapping
from apps.sandbox.catalogs.wire import (
    BATCH_MAX,
    KEY_MAX,
    LIMIT_MAX,
    NAME_RULE,
    UPLOAD_MAX_BYTES,
    CatalogIn,
    CatalogQuery,
    CsvQuery,
    DetailQuery,
    DisableIn,
    EnrichmentIn,
    FieldsIn,
    ItemIn,
    ItemQuery,
    MappingIn,
    Paging,
    catalog_json,
    csv_items,
    csv_text,
    envelope,
    item_json,
    items_page,
    mapping_json,
)
from apps.sandbox.models import Workspace

router = Router(tags=["catalogs"])

# A page of the largest size, read in order, starts at an anchor: skipping rows reads them too.
ANCHOR_STEP = LIMIT_MAX
ORDER = {"id": "id", "author": "author", "lastModified": "modified", "creationDate": "created"}


# Lookups and shared rules


def workspace(request: HttpRequest) -> Workspace:
    request._catalogs_started = time.monotonic()  # type: ignore[attr-defined]  # read when it answers
    found: Workspace = request.auth.workspace  # type: ignore[attr-defined]  # set by the API's auth
    return found


def author(request: HttpRequest) -> str:
    principal = request.auth  # type: ignore[attr-defined]  # set by ninja's auth
    return principal.user.name if principal.user is not None else "API"


def find_catalog(request: HttpRequest, catalog_id: int) -> Catalog:
    catalog = Catalog.objects.filter(workspace=workspace(request), pk=catalog_id).first()
    if catalog is None:
        raise HttpError(404, f"Catalog {catalog_id} not found")
    return catalog


def json_answer(text: str) -> HttpResponse:
    """An answer already encoded (a page of items written by the database)."""
    return HttpResponse(text, content_type="application/json; charset=utf-8")


def find_item(catalog: Catalog, **lookup: Any) -> CatalogItem:
    item = catalog.items.filter(**lookup).first()
    if item is None:
        what = f"key {lookup['key']!r}" if "key" in lookup else f"id {lookup['pk']}"
        raise HttpError(404, f"Item with {what} not found in catalog {catalog.pk}")
    return item


def page(queryset: QuerySet[Any], params: Paging, total: int | None = None) -> tuple[list[Any], int]:
    """The rows from `offset` (0-based, counting items), at most `limit` of them, and the total."""
    rows = list(queryset[params.offset : params.offset + params.limit])
    return rows, queryset.count() if total is None else total


def anchor(catalog: Catalog, offset: int, limit: int) -> tuple[int, int | None, int]:
    """(an item id, the rows to skip after it, an id no row of the page is past, if one is known) that
    reach `offset`: a deep page walks at most ANCHOR_STEP index entries instead of `offset` of them.

    The upper id keeps the page's scan to its own few rows, whatever the table's statistics say (a
    catalog just filled, not yet analyzed, otherwise gets every row after the first id, then sorted).
    The ids at every ANCHOR_STEP-th place are read in one index scan and cached under the catalog's
    `modified`, which every write of an item changes (`touch`), so they are never stale.
    """
    name = f"sandbox-catalog-anchors:{catalog.pk}:{catalog.modified.timestamp()}:{ANCHOR_STEP}"
    anchors = cache.get(name)
    if anchors is None:
        # anchors[k]: the id at place k * ANCHOR_STEP; place 0 is just below the first id, so that a first
        # page is bounded below too (with no bound, the planner walked the primary key from 0, through
        # every other catalog's items: 21 ms for page 1 of a 1,000,000-item catalog, 3 ms for page 20,000).
        anchors = []
        ids = catalog.items.order_by("id").values_list("id", flat=True).iterator(chunk_size=10_000)
        for place, pk in enumerate(ids):
            if place == 0:
                anchors.append(pk - 1)
            if (place + 1) % ANCHOR_STEP == 0:
                anchors.append(pk)
        cache.set(name, anchors, 3600)
    if not anchors:
        return 0, None, offset
    step = min(offset // ANCHOR_STEP, len(anchors) - 1)
    last = -(-(offset + limit) // ANCHOR_STEP)  # the anchor at or past the page's last place
    upto = anchors[last] if last < len(anchors) else None
    return anchors[step], upto, offset - step * ANCHOR_STEP


def touch(catalog: Catalog, new_keys: Iterable[str] = (), *, added: int = 0) -> None:
    """Record the catalog's new column names, its item count, and that it changed (lastModified)."""
    catalog.keys = catalog.keys + [key for key in dict.fromkeys(new_keys) if key not in catalog.keys]
    catalog.save(update_fields=["keys", "modified"])
    if added:
        Catalog.objects.filter(pk=catalog.pk).update(item_count=F("item_count") + added)


def store(catalog: Catalog, items: list[tuple[str, dict[str, Any]]]) -> None:
    """Add the items, replacing the value of a key the catalog has (C10, C11, C2 upsert; last one wins)."""
    latest = dict(items)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # The whole batch as one JSON parameter, one INSERT ... ON CONFLICT: a C11 batch of 1,000 items
            # is one statement, without an ORM object or a per-value adapter per item.
            rows = simplejson.dumps([{"k": key, "v": value} for key, value in latest.items()])
            with connection.cursor() as cursor:
                cursor.execute(_UPSERT.format(table=CatalogItem._meta.db_table), [catalog.pk, rows])
                added = sum(1 for (inserted,) in cursor.fetchall() if inserted)
        else:
            known = set(catalog.items.filter(key__in=list(latest)).values_list("key", flat=True))
            CatalogItem.objects.bulk_create(
                [CatalogItem(catalog=catalog, key=k, value=v) for k, v in latest.items()],
                update_conflicts=True,
                unique_fields=["catalog", "key"],
                update_fields=["value"],
                batch_size=500,
            )
            added = len(latest) - len(known)
        names: dict[str, None] = {}
        for value in latest.values():
            names.update(dict.fromkeys(value))
        touch(catalog, list(names), added=added)


# `xmax = 0` only on a row this statement inserted: the count of new items the catalog keeps.
_UPSERT = """
INSERT INTO {table} (catalog_id, "key", value, created)
SELECT %s, item->>'k', item->'v', now() FROM jsonb_array_elements(%s::jsonb) AS item
ON CONFLICT (catalog_id, "key") DO UPDATE SET value = EXCLUDED.value
RETURNING (xmax = 0)
"""


# Catalogs (C3–C8)


@router.get("/bags", summary="Retrieve all catalogs (C3)")
def list_catalogs(request: HttpRequest, params: Query[CatalogQuery]) -> dict[str, Any]:
    catalogs = Catalog.objects.filter(workspace=workspace(request))
    if params.searchBy:
        catalogs = catalogs.filter(Q(name__icontains=params.searchBy) | Q(author__icontains=params.searchBy))
    rows, total = page(catalogs.order_by(ORDER[params.orderBy], "id"), params)
    return envelope(request, [catalog_json(c) for c in rows], total)


@router.post("/bags", summary="Create a new, empty catalog (C4)")
def create_catalog(request: HttpRequest, payload: CatalogIn) -> dict[str, Any]:
    try:
        with transaction.atomic():
            catalog = Catalog.objects.create(
                workspace=workspace(request), name=payload.name, author=author(request)
            )
    except IntegrityError:
        raise HttpError(409, f"A catalog named {payload.name!r} exists") from None
    return envelope(request, catalog_json(catalog))


@router.delete("/bags", summary="Delete several catalogs (C5)")
def delete_catalogs(request: HttpRequest, ids: Body[list[int]]) -> dict[str, Any]:
    if len(ids) > BATCH_MAX:
        raise HttpError(400, f"At most {BATCH_MAX} catalogs can be deleted at once")
    catalogs = Catalog.objects.filter(workspace=workspace(request))
    found = set(catalogs.filter(pk__in=ids).values_list("pk", flat=True))
    catalogs.filter(pk__in=found).delete()
    results = [{"id": pk, "result": pk in found} for pk in ids]
    return envelope(request, results, len(results))


@router.get("/bags/{catalogId}/keys", summary="Retrieve the list of keys from a catalog (C6)")
def catalog_keys(request: HttpRequest, catalogId: int) -> dict[str, Any]:
    keys = find_catalog(request, catalogId).keys
    return envelope(request, keys, len(keys))


@router.get("/bags/{catalogId}", summary="Retrieve the metadata of a catalog (C7)")
def get_catalog(request: HttpRequest, catalogId: int) -> dict[str, Any]:
    return envelope(request, catalog_json(find_catalog(request, catalogId)))


@router.delete("/bags/{catalogId}", summary="Delete a single catalog (C8)")
def delete_catalog(request: HttpRequest, catalogId: int) -> dict[str, Any]:
    find_catalog(request, catalogId).delete()
    return envelope(request, True)


# CSV (C1, C2)


@router.get("/bags/{catalogId}/csv", summary="Download a catalog as CSV (C1)")
def download_csv(request: HttpRequest, catalogId: int, params: Query[CsvQuery]) -> HttpResponse:
    catalog = find_catalog(request, catalogId)
    rows = catalog.items.order_by("id").values_list("key", "value").iterator(chunk_size=2000)
    return HttpResponse(csv_text(catalog, rows, params.delimiter), content_type="text/csv; charset=utf-8")


@router.post("/bags/{catalogId}/items/upload", summary="Upload items to a catalog from a CSV file (C2)")
def upload_csv(request: HttpRequest, catalogId: int, itemKey: Form[str], file: File[UploadedFile]) -> bool:
    catalog = find_catalog(request, catalogId)
    if file.size is not None and file.size > UPLOAD_MAX_BYTES:
        raise HttpError(413, f"The CSV file is larger than {UPLOAD_MAX_BYTES // (1024 * 1024)} MB")
    try:
        text = file.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise HttpError(400, "The CSV file must be encoded in UTF-8") from None
    items = csv_items(text, itemKey)
    store(catalog, items)
    return True


# Items (C9–C11, C15–C20, C24)


@router.get("/bags/{catalogId}/items", summary="Retrieve the entries from a single catalog (C9)")
def list_items(request: HttpRequest, catalogId: int, params: Query[ItemQuery]) -> HttpResponse:
    catalog = find_catalog(request, catalogId)
    items = catalog.items.order_by("id")
    if params.itemKey is not None:
        items = items.filter(key=params.itemKey)
    if params.searchBy:
        items = items.filter(key__icontains=params.searchBy)
    whole = params.itemKey is None and not params.searchBy
    if whole:
        after, upto, skip = anchor(catalog, params.offset, params.limit)
        items = items.filter(id__gt=after) if upto is None else items.filter(id__gt=after, id__lte=upto)
        rows = items[skip : skip + params.limit]
        return json_answer(items_page(request, rows, catalog, catalog.item_count))
    total = catalog.item_count if whole else items.count()
    rows = items[params.offset : params.offset + params.limit]
    return json_answer(items_page(request, rows, catalog, total))


@router.post("/bags/{catalogId}/items", summary="Add a single item to the catalog (C10)")
def add_item(request: HttpRequest, catalogId: int, payload: ItemIn) -> bool:
    store(find_catalog(request, catalogId), [(payload.itemKey, payload.value)])
    return True


@router.post("/bags/{catalogId}/items/batch", summary="Add a number of items at once (C11)")
def add_items(request: HttpRequest, catalogId: int, payload: Body[list[ItemIn]]) -> bool:
    if not 1 <= len(payload) <= BATCH_MAX:
        raise HttpError(400, f"A batch holds 1 to {BATCH_MAX} items, not {len(payload)}")
    store(find_catalog(request, catalogId), [(item.itemKey, item.value) for item in payload])
    return True


@router.get("/bags/{catalogId}/items/itemKey/{path:itemKey}", summary="Get an item by item key (C15)")
def get_item_by_key(request: HttpRequest, catalogId: int, itemKey: str) -> dict[str, Any]:
    catalog = find_catalog(request, catalogId)
    return envelope(request, item_json(find_item(catalog, key=itemKey), catalog))


@router.delete("/bags/{catalogId}/items/itemKey/{path:itemKey}", summary="Delete an item by item key (C16)")
def delete_item_by_key(request: HttpRequest, catalogId: int, itemKey: str) -> dict[str, Any]:
    catalog = find_catalog(request, catalogId)
    with transaction.atomic():
        find_item(catalog, key=itemKey).delete()
        touch(catalog, added=-1)
    return envelope(request, True)


@router.get("/bags/{catalogId}/items/{itemId}", summary="Get an item by its ID (C17)")
def get_item(request: HttpRequest, catalogId: int, itemId: int) -> dict[str, Any]:
    catalog = find_catalog(request, catalogId)
    return envelope(request, item_json(find_item(catalog, pk=itemId), catalog))


@router.put("/bags/{catalogId}/items/{itemId}", summary="Update an item by its ID (C18)")
def update_item(
    request: HttpRequest, catalogId: int, itemId: int, payload: Body[dict[str, Any]]
) -> dict[str, Any]:
    catalog = find_catalog(request, catalogId)
    item = find_item(catalog, pk=itemId)
    bad = [name for name in payload if not name.strip() or len(name) > KEY_MAX]
    if bad:
        raise ValidationError([{"loc": ("body", name), "msg": NAME_RULE} for name in bad])
    item.value = payload  # a full replacement: an omitted property is removed (§3.3 C18)
    item.save(update_fields=["value"])
    touch(catalog, list(payload))
    return envelope(request, item_json(item, catalog))


@router.delete("/bags/{catalogId}/items/{itemId}", summary="Delete an item by its ID (C19)")
def delete_item(request: HttpRequest, catalogId: int, itemId: int) -> dict[str, Any]:
    catalog = find_catalog(request, catalogId)
    with transaction.atomic():
        find_item(catalog, pk=itemId).delete()
        touch(catalog, added=-1)
    return envelope(request, True)


@router.get("/items", summary="Retrieve all items from all catalogs (C20)")
def list_all_items(request: HttpRequest, params: Query[Paging]) -> dict[str, Any]:
    catalogs = Catalog.objects.filter(workspace=workspace(request))
    items = CatalogItem.objects.filter(catalog__in=catalogs).order_by("id")
    total = sum(catalogs.values_list("item_count", flat=True))
    rows, total = page(items.select_related("catalog"), params, total)
    return envelope(request, [item_json(i) for i in rows], total)


@router.get("/itemDetail", summary="Get an item by catalog name and key (C24)")
def item_detail(request: HttpRequest, params: Query[DetailQuery]) -> dict[str, Any]:
    catalog = Catalog.objects.filter(workspace=workspace(request), name=params.catalogName).first()
    if catalog is None:
        raise HttpError(404, f"Catalog {params.catalogName!r} not found")
    item = find_item(catalog, key=params.key)
    return envelope(request, {**item.value, "itemId": item.key})


# Mappings and filtering (C12–C14, C21–C23)


@router.post("/bags/{catalogId}/mappings", summary="Add a new mapping (C21)")
def add_mapping(request: HttpRequest, catalogId: int, payload: MappingIn) -> dict[str, Any]:
    catalog = find_catalog(request, catalogId)
    try:
        with transaction.atomic():
            mapping = CatalogMapping.objects.create(
                catalog=catalog, action=payload.action, param_key=payload.paramKey
            )
    except IntegrityError:
        mapped = f"{payload.action}.{payload.paramKey}"
        raise HttpError(409, f"Catalog {catalogId} already maps {mapped}") from None
    return envelope(request, mapping_json(mapping))


@router.patch("/bags/{catalogId}/mappings", summary="Change enrichment fields for given mapping (C12)")
def change_enrichment(request: HttpRequest, catalogId: int, payload: EnrichmentIn) -> int:
    catalog = find_catalog(request, catalogId)
    mapping = catalog.mappings.filter(action=payload.action, param_key=payload.paramKey).first()
    if mapping is None:
        raise HttpError(404, f"Catalog {catalogId} has no mapping of {payload.action}.{payload.paramKey}")
    _known_keys(catalog, payload.enrichmentFields, "enrichmentFields")
    mapping.enrichment_fields = list(dict.fromkeys(payload.enrichmentFields))
    mapping.save(update_fields=["enrichment_fields"])
    return 0


@router.get("/mappings", summary="Retrieve all mappings from the Workspace (C22)")
def list_mappings(request: HttpRequest) -> dict[str, Any]:
    mappings = CatalogMapping.objects.filter(catalog__workspace=workspace(request))
    rows = [mapping_json(m) for m in mappings.select_related("catalog").order_by("catalog_id", "id")]
    return envelope(request, rows, len(rows))


@router.delete("/mappings/{bpActionParamKey}", summary="Delete a single mapping (C23)")
def delete_mapping(request: HttpRequest, bpActionParamKey: str) -> dict[str, Any]:
    mappings = CatalogMapping.objects.filter(catalog__workspace=workspace(request))
    deleted, _ = mappings.filter(key=bpActionParamKey).delete()
    if not deleted:
        raise HttpError(404, f"Mapping {bpActionParamKey} not found")
    return envelope(request, True)


@router.patch("/bags/{catalogId}/enable/filtering", summary="Enable filtering on selected fields (C13)")
def enable_filtering(request: HttpRequest, catalogId: int, payload: FieldsIn) -> int:
    catalog = find_catalog(request, catalogId)
    _known_keys(catalog, payload.fields, "fields")
    catalog.filtering = list(dict.fromkeys([*catalog.filtering, *payload.fields]))
    catalog.save(update_fields=["filtering", "modified"])
    return 0


@router.patch("/bags/{catalogId}/disable/filtering", summary="Disable filtering on fields (C14)")
def disable_filtering(request: HttpRequest, catalogId: int, payload: Body[DisableIn | None] = None) -> int:
    catalog = find_catalog(request, catalogId)
    fields = None if payload is None else payload.fields
    catalog.filtering = [] if fields is None else [f for f in catalog.filtering if f not in fields]
    catalog.save(update_fields=["filtering", "modified"])
    return 0


def _known_keys(catalog: Catalog, names: list[str], field: str) -> None:
    unknown = [name for name in names if name not in catalog.keys]
    if unknown:
        raise HttpError(400, f"{field}: catalog {catalog.pk} has no column {', '.join(map(repr, unknown))}")
