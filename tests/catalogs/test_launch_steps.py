"""A catalog import as a launch step (apps.catalogs.services.steps) against the sandbox: only a file whose
dry run still shows what it would do, imported once, and taken back to the catalog the dry run read,
leaving alone the items people changed since."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from apps.catalogs.client import CatalogsClient
from apps.catalogs.models import CatalogImport
from apps.catalogs.services import restore
from apps.catalogs.services.steps import IMPORT
from apps.connections.models import Connection
from apps.jobs import steps
from apps.jobs.steps import Refused
from tests import pages
from tests.catalogs.conftest import dry_run, items_of, run_import, upload

pytestmark = pytest.mark.usefixtures("eager_celery")


def checked(client: Client, cat: CatalogsClient, books: int, reconcile: bool = False) -> dict[str, Any]:
    """books holds 1 (Dune, 9.50), 2 (Emma) and gone; the file changes 1, keeps 2, adds 3 (and with
    reconcile, deletes gone). The step for it, picked as the "Add to a launch" link does."""
    cat.add_items(
        books,
        {
            "1": {"isbn": "1", "title": "Dune", "price": 9.50},
            "2": {"isbn": "2", "title": "Emma", "price": 7},
            "gone": {"isbn": "gone", "title": "Gone", "price": 1},
        },
    )
    content = b"isbn,title,price\n1,Dune,12.00\n2,Emma,7\n3,Ulysses,15\n"
    imp = dry_run(client, upload(client, books, content), **({"reconcile": "on"} if reconcile else {}))
    return {"import": str(imp.pk)}


def test_an_import_step_imports_what_the_dry_run_showed_once_and_its_undo_puts_the_catalog_back(
    editor_client: Client,
    eddie: User,
    demo: dict[str, Connection],
    cat: CatalogsClient,
    books: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(restore, "READ_PAGE", 1)  # a page per item: deleting while paging would skip some
    kind = steps.kind(IMPORT)
    params = checked(editor_client, cat, books, reconcile=True)
    ws = kind.workspace(eddie, demo["synerise"], params)
    target = kind.pick(ws, params)
    assert kind.describe(target).startswith("Import items.csv into books-")
    verdict = kind.check(ws, target)
    assert verdict == steps.Verdict(
        True, "3 rows: 1 new, 1 changed, 1 unchanged, 0 invalid, 1 to delete, as the dry run showed."
    )
    was = kind.before(ws, target)
    done = kind.perform(ws, target)
    assert done.said == "Imported: 2 rows written, 1 item deleted."
    after = items_of(cat, books)
    assert (sorted(after), after["1"]["price"]) == (["1", "2", "3"], "12.00")  # a CSV cell is text
    assert kind.perform(ws, target).said == "Nothing to do: it was imported already."
    assert kind.check(ws, target).reason == "It was imported already: nothing to do."
    undone = kind.undo(ws, target, was, done.after)  # type: ignore[misc]
    assert undone.said == (
        "Put back the old values of 1 item; deleted 1 item it created; brought back 1 item it deleted."
    )
    back = items_of(cat, books)
    assert sorted(back) == ["1", "2", "gone"]
    assert str(cat.get_item_by_key(books, "1").data.properties["price"]) == "9.5"


def test_an_undone_import_leaves_alone_the_items_edited_since(
    editor_client: Client, eddie: User, demo: dict[str, Connection], cat: CatalogsClient, books: int
) -> None:
    kind = steps.kind(IMPORT)
    params = checked(editor_client, cat, books)
    ws = kind.workspace(eddie, demo["synerise"], params)
    target = kind.pick(ws, params)
    was = kind.before(ws, target)
    done = kind.perform(ws, target)
    cat.add_item(books, item_key="3", value={"isbn": "3", "title": "Ulysses", "price": 13})  # edited since
    undone = kind.undo(ws, target, was, done.after)  # type: ignore[misc]
    assert undone.said == "Put back the old values of 1 item. Left alone, changed since the import: 1 (3)."
    assert items_of(cat, books)["3"]["price"] == 13


def test_an_import_step_on_a_catalog_changed_since_its_dry_run_cannot_run(
    editor_client: Client, eddie: User, demo: dict[str, Connection], cat: CatalogsClient, books: int
) -> None:
    kind = steps.kind(IMPORT)
    params = checked(editor_client, cat, books)
    ws = kind.workspace(eddie, demo["synerise"], params)
    target = kind.pick(ws, params)
    cat.add_item(books, item_key="4", value={"isbn": "4", "title": "Walden"})
    verdict = kind.check(ws, target)
    assert not verdict.ok and verdict.reason.startswith("The catalog changed since the dry run")
    with pytest.raises(Refused, match="The catalog changed since the dry run"):
        kind.perform(ws, target)
    assert "4" in items_of(cat, books) and "3" not in items_of(cat, books)


def test_a_finished_import_can_be_undone_from_its_page_once(
    editor_client: Client, viewer_client: Client, cat: CatalogsClient, books: int
) -> None:
    params = checked(editor_client, cat, books)
    imp = run_import(editor_client, CatalogImport.objects.get(pk=params["import"]))
    page = reverse("catalogs:import_detail", args=[imp.pk])
    assert "Undo import" in pages.words(editor_client.get(page))
    assert "Undo import" not in pages.words(viewer_client.get(page))
    assert viewer_client.post(reverse("catalogs:import_undo", args=[imp.pk])).status_code == 403
    cat.add_item(books, item_key="2", value={"isbn": "2", "title": "Emma", "price": 8})  # edited since
    job_page = editor_client.post(reverse("catalogs:import_undo", args=[imp.pk]), follow=True)
    said = "Put back the old values of 1 item; deleted 1 item it created."
    assert said in pages.words(job_page)
    assert items_of(cat, books) == {
        "1": {"isbn": "1", "title": "Dune", "price": 9.5},
        "2": {"isbn": "2", "title": "Emma", "price": 8},
        "gone": {"isbn": "gone", "title": "Gone", "price": 1},
    }
    assert "Undo import" not in pages.words(editor_client.get(page))
    again = editor_client.post(reverse("catalogs:import_undo", args=[imp.pk]), follow=True)
    assert "cannot be taken back" in pages.words(again)


def test_an_undo_reads_every_page_before_it_deletes_what_the_import_created(
    editor_client: Client,
    eddie: User,
    demo: dict[str, Connection],
    cat: CatalogsClient,
    books: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(restore, "READ_PAGE", 1)  # deleting while paging by offset would skip every other
    imp = dry_run(editor_client, upload(editor_client, books, b"isbn,title\na,A\nb,B\nc,C\nd,D\n"))
    kind = steps.kind(IMPORT)
    params = {"import": str(imp.pk)}
    ws = kind.workspace(eddie, demo["synerise"], params)
    target = kind.pick(ws, params)
    done = kind.perform(ws, target)
    undone = kind.undo(ws, target, kind.before(ws, target), done.after)  # type: ignore[misc]
    assert undone.said == "Deleted 4 items it created."
    assert items_of(cat, books) == {}
