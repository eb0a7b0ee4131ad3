"""The Synerise catalogs API: catalogs ("bags"), their items, CSV, filtering and event mappings.

Reference: shared/spec/synerise-auth-automation-catalogs.md §3; what the doc leaves open (paths, paging
limits, upserts) is decided in docs/api-decisions.md ("Synerise catalogs").
Build it on a signed client: `CatalogsClient(connections.services.http_for(connection))`.
"""

from __future__ import annotations

import json
from typing import Any, BinaryIO, Generic, Literal, NotRequired, TypeVar

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter
from typing_extensions import TypedDict  # pydantic reads typing's only from Python 3.12

from apps.connections.wire import SyneriseBase
from apps.core.http import present
from apps.core.json import exact_dumps, exact_loads

T = TypeVar("T")
OrderBy = Literal["id", "author", "lastModified", "creationDate"]


class Wire(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


class Catalog(Wire):
    """§3.1 Catalog (Bag)."""

    id: int
    name: str
    business_profile_id: int = Field(alias="businessProfileId")
    author: str = ""
    last_modified: str = Field("", alias="lastModified")
    creation_date: str = Field("", alias="creationDate")
    # The sandbox's addition, so the fields of C13 and C14 can be read back (docs/api-decisions.md).
    filtered_fields: list[str] = Field(default_factory=list, alias="filteredFields")


class Item(Wire):
    """§3.1 Item; `value` comes as a JSON string, `properties` reads it (numbers as written: 3299.00)."""

    bag: Catalog
    item_key: str = Field(alias="itemKey")
    id: int
    value: str = "{}"
    creation_date: str = Field("", alias="creationDate")

    @property
    def properties(self) -> dict[str, Any]:
        parsed = exact_loads(self.value) if self.value else {}
        return parsed if isinstance(parsed, dict) else {}


class Mapping(Wire):
    """§3.1 Mapping; `enrichmentFields` is the sandbox's addition (docs/api-decisions.md)."""

    bp_action_param_key: str = Field(alias="bpActionParamKey")
    bag_id: int = Field(alias="bagId")
    business_profile_id: int = Field(alias="businessProfileId")
    action: str
    param_key: str = Field(alias="paramKey")
    enrichment_fields: list[str] = Field(default_factory=list, alias="enrichmentFields")


class DeleteResult(Wire):
    """One entry of C5's answer."""

    id: int
    result: bool


class ItemDetail(Wire):
    """C24: the item's properties flattened beside `itemId` (its key)."""

    model_config = ConfigDict(populate_by_name=True, extra="allow")

    item_id: str = Field(alias="itemId")

    @property
    def properties(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class MetaData(Wire):
    total_count: int = Field(0, alias="totalCount")
    request_time: str = Field("", alias="requestTime")


class Envelope(Wire, Generic[T]):
    """§3.1: `{data, metaData: {totalCount, requestTime}}`; every method answering one returns it whole,
    so the caller reads `.data` and may read `.meta_data`."""

    data: T
    meta_data: MetaData = Field(default_factory=MetaData, alias="metaData")


class KeyValue(TypedDict):
    """An item of C9 as a bulk read needs it: its key and its value (JSON text), nothing else."""

    itemKey: str
    value: NotRequired[str]


class KeyValueMeta(TypedDict):
    totalCount: NotRequired[int]
    requestTime: NotRequired[str]


class KeyValuePage(TypedDict):
    data: list[KeyValue]
    metaData: NotRequired[KeyValueMeta]


CatalogPage = Envelope[list[Catalog]]
ItemPage = Envelope[list[Item]]
# Plain dicts, the other fields skipped: a fifth of ItemPage's time on a page of 1000 items.
_key_values = TypeAdapter(KeyValuePage)
_true = TypeAdapter(bool)
_zero = TypeAdapter(int)


class CatalogsClient(SyneriseBase):
    # Catalogs

    def list_catalogs(
        self,
        *,
        search: str | None = None,
        order_by: OrderBy | None = None,
        offset: int | None = None,
        limit: int | None = None,
    ) -> CatalogPage:
        # Reference: synerise-auth-automation-catalogs.md §3.3 C3 (order is always ascending).
        params = present(searchBy=search, orderBy=order_by, offset=offset, limit=limit)
        return self.parse(CatalogPage, self.request("GET", "catalogs/bags", params=params))

    def create_catalog(self, name: str) -> Envelope[Catalog]:
        # Reference: synerise-auth-automation-catalogs.md §3.3 C4.
        response = self.request("POST", "catalogs/bags", json={"name": name})
        return self.parse(Envelope[Catalog], response)

    def delete_catalogs(self, ids: list[int]) -> Envelope[list[DeleteResult]]:
        # Reference: synerise-auth-automation-catalogs.md §3.3 C5: a result per id.
        response = self.request("DELETE", "catalogs/bags", content=json.dumps(ids), headers=_JSON)
        return self.parse(Envelope[list[DeleteResult]], response)

    def catalog_keys(self, catalog_id: int) -> Envelope[list[str]]:
        # Reference: synerise-auth-automation-catalogs.md §3.3 C6.
        response = self.request("GET", "catalogs/bags/{}/keys", catalog_id)
        return self.parse(Envelope[list[str]], response)

    def get_catalog(self, catalog_id: int) -> Envelope[Catalog]:
        # Reference: synerise-auth-automation-catalogs.md §3.3 C7.
        response = self.request("GET", "catalogs/bags/{}", catalog_id)
        return self.parse(Envelope[Catalog], response)

    def delete_catalog(self, catalog_id: int) -> Envelope[bool]:
        # Reference: synerise-auth-automation-catalogs.md §3.3 C8 (irreversible).
        response = self.request("DELETE", "catalogs/bags/{}", catalog_id)
        return self.parse(Envelope[bool], response)

    # CSV

    def download_csv(self, catalog_id: int, *, delimiter: str | None = None) -> str:
        # Reference: synerise-auth-automation-catalogs.md §3.3 C1.
        response = self.request(
            "GET",
            "catalogs/bags/{}/csv",
            catalog_id,
            params=present(delimiter=delimiter),
            headers={"Accept": "text/csv"},
        )
        return response.text

    def download_csv_to(self, catalog_id: int, target: BinaryIO, *, delimiter: str | None = None) -> int:
        """C1 streamed into `target` a chunk at a time (constant memory); returns the bytes written."""
        # Reference: synerise-auth-automation-catalogs.md §3.3 C1.
        written = 0
        with self.stream(
            "GET",
            "catalogs/bags/{}/csv",
            catalog_id,
            params=present(delimiter=delimiter),
            headers={"Accept": "text/csv"},
        ) as response:
            for chunk in response.iter_bytes():
                written += target.write(chunk)
        return written

    def upload_csv(
        self, catalog_id: int, *, item_key: str, content: bytes, filename: str = "items.csv"
    ) -> bool:
        # Reference: synerise-auth-automation-catalogs.md §3.3 C2 (multipart: itemKey, file).
        response = self.request(
            "POST",
            "catalogs/bags/{}/items/upload",
            catalog_id,
            data={"itemKey": item_key},
            files={"file": (filename, content, "text/csv")},
        )
        return self.parse(_true, response)

    # Items

    def list_items(
        self,
        catalog_id: int,
        *,
        item_key: str | None = None,
        search: str | None = None,
        offset: int | None = None,
        limit: int | None = None,
    ) -> ItemPage:
        # Reference: synerise-auth-automation-catalogs.md §3.3 C9 (itemKey: exact match; searchBy: part of
        # the key, from php-sdk, docs/api-decisions.md).
        params = present(itemKey=item_key, searchBy=search or None, offset=offset, limit=limit)
        return self.parse(ItemPage, self.request("GET", "catalogs/bags/{}/items", catalog_id, params=params))

    def list_item_values(self, catalog_id: int, *, offset: int, limit: int) -> KeyValuePage:
        # Reference: synerise-auth-automation-catalogs.md §3.3 C9, read for the keys and values only
        # (a CSV import's dry run reads a whole catalog so).
        params = {"offset": offset, "limit": limit}
        response = self.request("GET", "catalogs/bags/{}/items", catalog_id, params=params)
        return self.parse(_key_values, response)

    def add_item(self, catalog_id: int, *, item_key: str, value: dict[str, Any]) -> bool:
        # Reference: synerise-auth-automation-catalogs.md §3.3 C10 (an existing key is replaced).
        body = exact_dumps({"itemKey": item_key, "value": value})
        response = self.request("POST", "catalogs/bags/{}/items", catalog_id, content=body, headers=_JSON)
        return self.parse(_true, response)

    def add_items(self, catalog_id: int, items: dict[str, dict[str, Any]]) -> bool:
        # Reference: synerise-auth-automation-catalogs.md §3.3 C11 (at most 1000: docs/api-decisions.md).
        body = exact_dumps([{"itemKey": key, "value": value} for key, value in items.items()])
        return self.add_items_encoded(catalog_id, body.encode())

    def add_items_encoded(self, catalog_id: int, body: bytes) -> bool:
        # Reference: synerise-auth-automation-catalogs.md §3.3 C11, the body already encoded: a CSV
        # import's batch is kept as JSON on disk by its dry run, and is sent as it is.
        response = self.request(
            "POST", "catalogs/bags/{}/items/batch", catalog_id, content=body, headers=_JSON
        )
        return self.parse(_true, response)

    def get_item_by_key(self, catalog_id: int, item_key: str) -> Envelope[Item]:
        # Reference: synerise-auth-automation-catalogs.md §3.3 C15.
        response = self.request("GET", "catalogs/bags/{}/items/itemKey/{}", catalog_id, item_key)
        return self.parse(Envelope[Item], response)

    def delete_item_by_key(self, catalog_id: int, item_key: str) -> Envelope[bool]:
        # Reference: synerise-auth-automation-catalogs.md §3.3 C16.
        response = self.request("DELETE", "catalogs/bags/{}/items/itemKey/{}", catalog_id, item_key)
        return self.parse(Envelope[bool], response)

    def get_item(self, catalog_id: int, item_id: int) -> Envelope[Item]:
        # Reference: synerise-auth-automation-catalogs.md §3.3 C17.
        response = self.request("GET", "catalogs/bags/{}/items/{}", catalog_id, item_id)
        return self.parse(Envelope[Item], response)

    def update_item(self, catalog_id: int, item_id: int, properties: dict[str, Any]) -> Envelope[Item]:
        # Reference: synerise-auth-automation-catalogs.md §3.3 C18: a full replacement.
        body = exact_dumps(properties)
        response = self.request(
            "PUT", "catalogs/bags/{}/items/{}", catalog_id, item_id, content=body, headers=_JSON
        )
        return self.parse(Envelope[Item], response)

    def delete_item(self, catalog_id: int, item_id: int) -> Envelope[bool]:
        # Reference: synerise-auth-automation-catalogs.md §3.3 C19.
        response = self.request("DELETE", "catalogs/bags/{}/items/{}", catalog_id, item_id)
        return self.parse(Envelope[bool], response)

    def list_all_items(self, *, offset: int | None = None, limit: int | None = None) -> ItemPage:
        # Reference: synerise-auth-automation-catalogs.md §3.3 C20.
        params = present(offset=offset, limit=limit)
        return self.parse(ItemPage, self.request("GET", "catalogs/items", params=params))

    def item_detail(self, catalog_name: str, key: str) -> Envelope[ItemDetail]:
        # Reference: synerise-auth-automation-catalogs.md §3.3 C24.
        params = {"catalogName": catalog_name, "key": key}
        return self.parse(Envelope[ItemDetail], self.request("GET", "catalogs/itemDetail", params=params))

    # Filtering

    def enable_filtering(self, catalog_id: int, fields: list[str]) -> int:
        # Reference: synerise-auth-automation-catalogs.md §3.3 C13.
        response = self.request(
            "PATCH", "catalogs/bags/{}/enable/filtering", catalog_id, json={"fields": fields}
        )
        return self.parse(_zero, response)

    def disable_filtering(self, catalog_id: int, fields: list[str] | None = None) -> int:
        # Reference: synerise-auth-automation-catalogs.md §3.3 C14; no fields disables them all.
        body = {"json": {"fields": fields}} if fields is not None else {}
        response = self.request("PATCH", "catalogs/bags/{}/disable/filtering", catalog_id, **body)
        return self.parse(_zero, response)

    # Mappings

    def add_mapping(self, catalog_id: int, *, action: str, param_key: str) -> Envelope[Mapping]:
        # Reference: synerise-auth-automation-catalogs.md §3.3 C21.
        body = {"action": action, "paramKey": param_key}
        response = self.request("POST", "catalogs/bags/{}/mappings", catalog_id, json=body)
        return self.parse(Envelope[Mapping], response)

    def change_enrichment(self, catalog_id: int, *, action: str, param_key: str, fields: list[str]) -> int:
        # Reference: synerise-auth-automation-catalogs.md §3.3 C12 (path: docs/api-decisions.md).
        body = {"action": action, "paramKey": param_key, "enrichmentFields": fields}
        return self.parse(_zero, self.request("PATCH", "catalogs/bags/{}/mappings", catalog_id, json=body))

    def list_mappings(self) -> Envelope[list[Mapping]]:
        # Reference: synerise-auth-automation-catalogs.md §3.3 C22 (no paging).
        return self.parse(Envelope[list[Mapping]], self.request("GET", "catalogs/mappings"))

    def delete_mapping(self, key: str) -> Envelope[bool]:
        # Reference: synerise-auth-automation-catalogs.md §3.3 C23.
        return self.parse(Envelope[bool], self.request("DELETE", "catalogs/mappings/{}", key))


_JSON = {"Content-Type": "application/json"}
