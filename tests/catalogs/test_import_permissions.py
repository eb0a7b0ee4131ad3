"""Who may import: editors, publishers and admins (catalogs.edit_items); viewers, operators and people
without a role may not upload, see a dry run, start or cancel an import."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from apps.catalogs.client import CatalogsClient
from apps.catalogs.models import CatalogImport
from tests.catalogs.conftest import dry_run, items_of, upload

pytestmark = pytest.mark.usefixtures("eager_celery")


@pytest.mark.parametrize("persona", ["editor_client", "publisher_client", "admin_client"])
def test_editors_and_above_import(
    persona: str, request: pytest.FixtureRequest, cat: CatalogsClient, books: int
) -> None:
    client: Client = request.getfixturevalue(persona)
    assert client.get(reverse("catalogs:import_start", args=[books])).status_code == 200
    imp = dry_run(client, upload(client, books, b"id,name\n1,One\n"))
    assert client.get(reverse("catalogs:import_detail", args=[imp.pk])).status_code == 200
    assert client.post(reverse("catalogs:import_run", args=[imp.pk])).status_code == 302
    assert items_of(cat, books) == {"1": {"id": "1", "name": "One"}}


@pytest.mark.parametrize("persona", ["viewer_client", "operator_client", "stranger_client"])
def test_others_may_not_import(
    persona: str, request: pytest.FixtureRequest, editor_client: Client, cat: CatalogsClient, books: int
) -> None:
    client: Client = request.getfixturevalue(persona)
    imp = dry_run(editor_client, upload(editor_client, books, b"id,name\n1,One\n"))
    start = reverse("catalogs:import_start", args=[books])
    assert client.get(start).status_code == 403
    assert client.post(start, {"file": SimpleUploadedFile("x.csv", b"id\n2\n")}).status_code == 403
    for name in ("import_detail", "import_status", "import_bad_rows"):
        assert client.get(reverse(f"catalogs:{name}", args=[imp.pk])).status_code == 403, name
    for name in ("import_check", "import_again", "import_run", "import_cancel", "import_retry"):
        assert client.post(reverse(f"catalogs:{name}", args=[imp.pk])).status_code == 403, name
    assert CatalogImport.objects.count() == 1
    assert items_of(cat, books) == {}
