"""The sandbox catalogs' wire: the requests it takes and the answers it gives (spec §3.1, §3.3), CSV too.

Decisions in docs/api-decisions.md ("Synerise catalogs").
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

import simplejson
from django.db import connection
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast
from django.http import HttpRequest
from ninja import Schema
from ninja.errors import HttpError
from ninja.parser import Parser
from pydantic import Field, field_validator

from apps.sandbox.catalogs.models import Catalog, CatalogItem, CatalogMapping

LIMIT_DEFAULT = 100
LIMIT_MAX = 1000
BATCH_MAX = 1000
UPLOAD_MAX_BYTES = 10 * 1024 * 1024
KEY_MAX = 255
DELIMITERS = (",", ";", "|", "\t")


# Wire models of the requests


class Paging(Schema):
    offset: int = Field(0, ge=0, le=2**31 - 1)
    limit: int = Field(LIMIT_DEFAULT, ge=1, le=LIMIT_MAX)


class CatalogQuery(Paging):
    searchBy: str | None = Field(None, max_length=255)
    orderBy: Literal["id", "author", "lastModified", "creationDate"] = "id"


class ItemQuery(Paging):
    itemKey: str | None = Field(None, max_length=KEY_MAX)
    searchBy: str | None = Field(None, max_length=KEY_MAX)


class DetailQuery(Schema):
    catalogName: str = Field(min_length=1, max_length=255)
    key: str = Field(min_length=1, max_length=KEY_MAX)


class CsvQuery(Schema):
    delimiter: str = ","

    @field_validator("delimiter")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in DELIMITERS:
            raise ValueError("must be one of , ; | or a tab")
        return value


class CatalogIn(Schema):
    name: str = Field(min_length=1, max_length=255)

    @field_validator("name")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()


def _item_key(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


NAME_RULE = f"A property name is 1 to {KEY_MAX} characters, not blank"


def _names(value: dict[str, Any]) -> dict[str, Any]:
    if any(not name.strip() or len(name) > KEY_MAX for name in value):
        raise ValueError(NAME_RULE)
    return value


class ItemIn(Schema):
    itemKey: str = Field(min_length=1, max_length=KEY_MAX)
    value: dict[str, Any]

    _key = field_validator("itemKey")(_item_key)
    _value = field_validator("value")(_names)


class MappingIn(Schema):
    action: str = Field(min_length=1, max_length=255)
    paramKey: str = Field(min_length=1, max_length=255)


class EnrichmentIn(MappingIn):
    enrichmentFields: list[str] = Field(max_length=100)


class FieldsIn(Schema):
    fields: list[str] = Field(min_length=1, max_length=100)


class DisableIn(Schema):
    fields: list[str] | None = Field(None, max_length=100)


def csv_items(text: str, item_key: str) -> list[tuple[str, dict[str, str]]]:
    """C2's file as (key, value) items: each value is the whole row, the key column included, as text."""
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters="".join(DELIMITERS))
        rows = list(csv.DictReader(io.StringIO(text), dialect=dialect))
    except csv.Error:
        rows = list(csv.DictReader(io.StringIO(text)))
    if not rows or item_key not in rows[0]:
        raise HttpError(400, f"The CSV file has no column {item_key!r}")
    items = []
    for line, row in enumerate(rows, start=2):
        key = (row.get(item_key) or "").strip()
        if not key or len(key) > KEY_MAX or "\x00" in key:
            raise HttpError(400, f"Line {line}: the value of {item_key!r} must be 1 to {KEY_MAX} characters")
        items.append((key, {name: cell for name, cell in row.items() if name is not None}))
    return items


# Answers


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def envelope(request: HttpRequest, data: Any, total: int = 0) -> dict[str, Any]:
    """{data, metaData: {totalCount, requestTime}}; totalCount is 0 on single objects, as the samples show."""
    took = time.monotonic() - getattr(request, "_catalogs_started", time.monotonic())
    return {"data": data, "metaData": {"totalCount": total, "requestTime": f"{took:.3f} [s]"}}


def catalog_json(catalog: Catalog) -> dict[str, Any]:
    return {
        "id": catalog.pk,
        "name": catalog.name,
        "businessProfileId": catalog.workspace_id,
        "author": catalog.author,
        "lastModified": iso(catalog.modified),
        "creationDate": iso(catalog.created),
        "filteredFields": catalog.filtering,
    }


def item_json(item: CatalogItem, catalog: Catalog | None = None) -> dict[str, Any]:
    return {
        "bag": catalog_json(catalog or item.catalog),
        "itemKey": item.key,
        "id": item.pk,
        "value": simplejson.dumps(item.value, separators=(",", ":")),
        "creationDate": iso(item.created),
    }


def items_json(items: QuerySet[CatalogItem], catalog: Catalog) -> list[dict[str, Any]]:
    """A page of items as item_json has them, with `value` as the database's own JSON text.

    A page of 1000 items is most of an export's time: decoding and encoding every value again, and
    the catalog once per item, took three quarters of it.
    """
    bag = catalog_json(catalog)
    rows = items.annotate(text=Cast("value", TextField())).values_list("id", "key", "text", "created")
    return [
        {"bag": bag, "itemKey": key, "id": pk, "value": text, "creationDate": iso(created)}
        for pk, key, text, created in rows
    ]


# One item of C9 as item_json has it, built by PostgreSQL from a page's rows (`page`): the value as
# the database's own JSON text, quoted; the catalog's JSON (the parameter) the same in every item. The
# date is to_json's `"2026-12-06T16:59:26` with a Z: to_char took a quarter of the query.
ITEM_SQL = """
SELECT coalesce(string_agg(concat(
    '{"bag":', %s::text, ',"itemKey":', to_json(page.key)::text, ',"id":', page.id,
    ',"value":', to_json(page.value::text)::text,
    ',"creationDate":', left(to_json(date_trunc('second', page.created AT TIME ZONE 'UTC'))::text, 20), 'Z"}'
), ',' ORDER BY page.id), '')
FROM (PAGE) page
"""


def items_page(request: HttpRequest, items: QuerySet[CatalogItem], catalog: Catalog, total: int) -> str:
    """A C9 answer (the envelope of items_json's page) as JSON text.

    On PostgreSQL the page is written by the database in the query that reads it: building a dict per
    item and encoding it again took most of a deep read's time (a 100,000-item dry run reads them all).
    """
    if connection.vendor != "postgresql":
        return json.dumps(envelope(request, items_json(items, catalog), total), separators=(",", ":"))
    inner, params = items.values("id", "key", "value", "created").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(ITEM_SQL.replace("PAGE", inner), [json.dumps(catalog_json(catalog)), *params])
        data = cursor.fetchone()[0]
    meta = json.dumps(envelope(request, None, total)["metaData"], separators=(",", ":"))
    return f'{{"data":[{data}],"metaData":{meta}}}'


def mapping_json(mapping: CatalogMapping) -> dict[str, Any]:
    return {
        "bpActionParamKey": mapping.key,
        "bagId": mapping.catalog_id,
        "businessProfileId": mapping.catalog.workspace_id,
        "action": mapping.action,
        "paramKey": mapping.param_key,
        "enrichmentFields": mapping.enrichment_fields,
    }


class ExactNumbers(Parser):
    """Bodies sent to the catalogs keep their numbers as written: 3299.00 is stored and answered as 3299.00
    (a float would make it 3299.0); the other Synerise APIs read JSON as ninja does."""

    def parse_body(self, request: HttpRequest) -> Any:
        if "/synerise/catalogs/" in request.path:
            return json.loads(request.body, parse_float=Decimal)
        return super().parse_body(request)


def csv_text(catalog: Catalog, rows: Iterable[tuple[str, dict[str, Any]]], delimiter: str) -> str:
    """C1: `itemKey`, then the catalog's keys (C6) but `itemKey`, one line per (key, value) row.

    An item written by C2 from a file keyed by an `itemKey` column holds that column as a property too:
    the first column already is the key, so the property is not written again under the same name.
    """
    columns = [name for name in catalog.keys if name != "itemKey"]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(["itemKey", *columns])
    for key, value in rows:
        writer.writerow([key, *(_cell(value.get(name)) for name in columns)])
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else simplejson.dumps(value)
