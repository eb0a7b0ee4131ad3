"""The import's pages as a person meets them: a large upload, the size limit, following progress with
htmx, and a dry run taken again after the catalog changed."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from apps.catalogs import tasks
from apps.catalogs.client import CatalogsClient
from apps.catalogs.models import CatalogImport
from apps.catalogs.services import imports
from apps.catalogs.services.workspace import workspace_for
from apps.jobs.models import Job
from apps.jobs.services import JobFailed
from tests.catalogs.conftest import dry_run, items_of, run_import, upload

pytestmark = pytest.mark.usefixtures("eager_celery")


def test_a_large_upload_is_moved_to_disk_not_read(editor_client: Client, books: int) -> None:
    rows = "".join(f"SKU-{n},Name {n},{'x' * 60}\n" for n in range(40_000))
    content = ("sku,name,notes\n" + rows).encode()
    assert len(content) > 2_500_000  # past Django's in-memory limit: a temporary file
    imp = upload(editor_client, books, content, name="big.csv")
    assert (imports.folder_of(imp) / "upload.csv").read_bytes() == content
    assert (imp.size, imp.key_column, imp.detected_delimiter) == (len(content), "sku", ",")
    assert dry_run(editor_client, imp).counts["new"] == 40_000


def test_a_file_over_the_limit_is_refused(editor_client: Client, books: int, settings: Any) -> None:
    settings.CATALOG_IMPORT_MAX_BYTES = 1000
    url = reverse("catalogs:import_start", args=[books])
    page = editor_client.post(url, {"file": SimpleUploadedFile("a.csv", b"id\n" + b"1\n" * 600)})
    assert page.status_code == 200 and "an import takes up to" in page.content.decode()
    assert not CatalogImport.objects.exists()


def test_htmx_follows_the_dry_run_and_reloads_when_it_ends(editor_client: Client, books: int) -> None:
    imp = dry_run(editor_client, upload(editor_client, books, b"id\n1\n"))
    status = reverse("catalogs:import_status", args=[imp.pk])
    answer = editor_client.get(status, {"stage": "checking"}, HTTP_HX_REQUEST="true")
    assert answer["HX-Refresh"] == "true"
    run_import(editor_client, imp)
    answer = editor_client.get(status, {"stage": "imported"}, HTTP_HX_REQUEST="true")
    text = answer.content.decode()
    assert "<strong>1</strong> of 1 rows written" in text and "<html" not in text


def test_a_changed_catalog_takes_a_new_dry_run_then_imports(
    editor_client: Client, cat: CatalogsClient, books: int
) -> None:
    imp = dry_run(editor_client, upload(editor_client, books, b"id,name\n1,One\n2,Two\n"))
    cat.add_item(books, item_key="1", value={"id": "1", "name": "One"})
    assert run_import(editor_client, imp).run is None
    editor_client.post(reverse("catalogs:import_again", args=[imp.pk]))
    imp = dry_run(editor_client, imp)
    assert (imp.counts["new"], imp.counts["unchanged"]) == (1, 1)
    assert run_import(editor_client, imp).run.state == "succeeded"
    assert items_of(cat, books) == {"1": {"id": "1", "name": "One"}, "2": {"id": "2", "name": "Two"}}


def test_a_queued_dry_run_can_be_cancelled_and_taken_again(editor_client: Client, books: int) -> None:
    imp = upload(editor_client, books, b"id\n1\n")
    choices = {
        "encoding": "utf-8",
        "delimiter": ",",
        "key_column": "id",
        "json_columns": [],
        "reconcile": False,
    }
    job = imports.start_dry_run(
        workspace_for(None, connection=imp.connection),
        imp=imp,
        choices=choices,
        task_name=tasks.check_import.name,
    )  # not sent
    page = editor_client.get(reverse("catalogs:import_detail", args=[imp.pk])).content.decode()
    assert "Cancel the dry run" in page
    with pytest.raises(JobFailed, match="under way"):
        imports.start_dry_run(
            workspace_for(None, connection=imp.connection),
            imp=imp,
            choices=choices,
            task_name=tasks.check_import.name,
        )
    editor_client.post(reverse("catalogs:import_cancel", args=[imp.pk]))
    job.refresh_from_db()
    assert job.state == Job.State.CANCELLED
    page = editor_client.get(reverse("catalogs:import_detail", args=[imp.pk])).content.decode()
    assert "The dry run did not finish" in page
    imp.refresh_from_db()
    assert dry_run(editor_client, imp).counts["new"] == 1
