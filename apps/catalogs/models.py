"""Catalogs live in Synerise; here are their permissions and what we keep."""

from __future__ import annotations

from django.db import models


class Catalogs(models.Model):
    """No table: the holder of the catalog permissions that the roles hand out."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_catalogs", "Can browse catalogs, items and mappings, and export"),
            ("edit_items", "Can add, edit and delete items, and import CSV files"),
            ("manage_catalogs", "Can create and delete catalogs and mappings, and choose filterable keys"),
        ]

    def __str__(self) -> str:
        return "catalogs"
