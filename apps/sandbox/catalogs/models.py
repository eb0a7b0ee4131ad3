"""What the sandbox's Synerise catalogs hold: catalogs ("bags"), their items and event mappings.

Reference: shared/spec/synerise-auth-automation-catalogs.md §3.1; decisions in docs/api-decisions.md
("Synerise catalogs"). Items are found by (catalog, itemKey) through a unique index, and listed by id
(an index on (catalog, id)); each catalog keeps its item count.
"""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from typing import Any

import simplejson
from django.db import models


def new_mapping_key() -> str:
    return str(uuid.uuid4())


class Catalog(models.Model):
    workspace = models.ForeignKey("sandbox.Workspace", on_delete=models.CASCADE, related_name="catalogs")
    name = models.CharField(max_length=255)
    author = models.CharField(max_length=255)
    # Column (property) names, in the order they were first seen; never dropped (docs/api-decisions.md).
    keys = models.JSONField(default=list)
    # The fields filtering is enabled on (C13, C14).
    filtering = models.JSONField(default=list)
    # Kept with every write, so a page of a large catalog never counts its rows.
    item_count = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="catalog_name_unique")]

    def __str__(self) -> str:
        return self.name


class ExactDecoder(json.JSONDecoder):
    """Numbers with a fraction read as Decimal: an item's 3299.00 is kept and answered as 3299.00."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(parse_float=Decimal, **kwargs)


class ExactEncoder(json.JSONEncoder):
    """Writes a Decimal as the number it holds, which the standard encoder cannot: simplejson does."""

    def encode(self, o: Any) -> str:
        separators = (self.item_separator, self.key_separator)
        return simplejson.dumps(o, ensure_ascii=self.ensure_ascii, separators=separators)


class CatalogItem(models.Model):
    catalog = models.ForeignKey(Catalog, on_delete=models.CASCADE, related_name="items")
    key = models.CharField(max_length=255)
    value = models.JSONField(default=dict, encoder=ExactEncoder, decoder=ExactDecoder)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["catalog", "key"], name="catalog_item_key_unique")]
        indexes = [models.Index(fields=["catalog", "id"], name="catalog_item_page")]

    def __str__(self) -> str:
        return self.key


class CatalogMapping(models.Model):
    key = models.CharField(max_length=64, unique=True, default=new_mapping_key)
    catalog = models.ForeignKey(Catalog, on_delete=models.CASCADE, related_name="mappings")
    action = models.CharField(max_length=255)
    param_key = models.CharField(max_length=255)
    enrichment_fields = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["catalog", "action", "param_key"], name="catalog_mapping_unique")
        ]

    def __str__(self) -> str:
        return f"{self.action}.{self.param_key}"
