"""Catalogs live in Synerise; here are their permissions and what we keep."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Catalogs(models.Model):
    """No table: the holder of the catalog permissions that the roles hand out."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            (
                "view_catalogs",
                "Can browse catalogs, items and mappings, export them, and cancel or retry catalog exports",
            ),
            (
                "edit_items",
                "Can add, edit and delete items, import CSV files, and cancel or retry catalog imports",
            ),
            ("manage_catalogs", "Can create and delete catalogs and mappings, and choose filterable keys"),
        ]

    def __str__(self) -> str:
        return "catalogs"


class ColumnChoice(models.Model):
    """The columns a person chose to see in a catalog's items table."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    connection = models.ForeignKey("connections.Connection", on_delete=models.CASCADE, related_name="+")
    catalog_id = models.BigIntegerField()
    columns = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "connection", "catalog_id"], name="one_column_choice")
        ]

    def __str__(self) -> str:
        return f"columns of catalog {self.catalog_id}"


class Export(models.Model):
    """A CSV of a catalog's items (all, or those matching a key search), written by a job."""

    job = models.OneToOneField("jobs.Job", on_delete=models.CASCADE, related_name="catalog_export")
    connection = models.ForeignKey("connections.Connection", on_delete=models.CASCADE, related_name="+")
    catalog_id = models.BigIntegerField()
    catalog_name = models.CharField(max_length=255)
    search = models.CharField(max_length=255, blank=True)
    file_name = models.CharField(max_length=300, blank=True)
    rows = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Set when the file is removed (its 7 days ran out); the row stays so the link can say so.
    purged_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Export of {self.catalog_name}"


class CatalogImport(models.Model):
    """A CSV file on its way into a catalog: uploaded, checked row by row (the dry run), then imported.

    The file and the dry run's plan (a SQLite file of every row's fate) live in `folder` under
    settings.CATALOG_IMPORT_DIR; the import job's batches are its JobItems.
    """

    connection = models.ForeignKey("connections.Connection", on_delete=models.CASCADE, related_name="+")
    catalog_id = models.BigIntegerField()
    catalog_name = models.CharField(max_length=255)
    folder = models.CharField(max_length=64, unique=True)
    filename = models.CharField(max_length=255)
    size = models.BigIntegerField(default=0)
    detected_encoding = models.CharField(max_length=20)
    detected_delimiter = models.CharField(max_length=2)
    encoding = models.CharField(max_length=20)
    delimiter = models.CharField(max_length=2)
    # Whether the first row names the columns; None while the person has not said (it looked like data).
    has_header = models.BooleanField(null=True, default=True)
    key_column = models.CharField(max_length=255, blank=True)
    json_columns = models.JSONField(default=list, blank=True)
    reconcile = models.BooleanField(default=False)
    # What the dry run found: {"new": n, "changed": n, "unchanged": n, "invalid": n, "delete": n, "rows": n}.
    counts = models.JSONField(default=dict, blank=True)
    # The catalog as the dry run saw it, to tell whether it changed before the import.
    seen_modified = models.CharField(max_length=40, blank=True)
    seen_total = models.BigIntegerField(null=True, blank=True)
    dry_run = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    run = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.filename} into {self.catalog_name}"
