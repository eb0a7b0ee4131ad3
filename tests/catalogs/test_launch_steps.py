"""A catalog's launch steps (apps.catalogs.services.steps) against the sandbox: an import, only of a file
whose dry run still shows what it would do, imported once, and taken back to the catalog the dry run read,
leaving alone the items people changed since; one item's values set or the item deleted, written once and
taken back exactly (3299.00 stays 3299.00) unless someone changed the item after the launch."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from django.contrib.auth.models import User
from django.core.signals import request_started
from django.test import Client
from django.urls import reverse

from apps.catalogs.client import CatalogsClient
from apps.catalogs.forms.items import field_name
from apps.catalogs.models import CatalogImport
from apps.catalogs.services import imports, restore
from apps.catalogs.services import moment as catalog_moment
from apps.catalogs.services import steps as catalog_steps
from apps.catalogs.services.steps import DELETE_ITEM, IMPORT, UPSERT_ITEM
from apps.connections.models import Connection
from apps.core.http import ApiNotFound, ApiUnavailable
from apps.core.models import AuditEntry
from apps.jobs import steps
from apps.jobs.models import Job
from apps.jobs.steps import Refused
from apps.launches.services import launches
from apps.sandbox.models import FaultSettings
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


def import_step(
    user: User, connection: Connection, params: dict[str, Any]
) -> tuple[Any, Any, dict[str, Any]]:
    """The import kind, its workspace for `user`, and the target as an "Add to a launch" link picks it."""
    kind = steps.kind(IMPORT)
    workspace = kind.workspace(user, connection, params)
    return kind, workspace, kind.pick(workspace, params)


def test_an_import_step_imports_what_the_dry_run_showed_once_and_its_undo_puts_the_catalog_back(
    editor_client: Client,
    eddie: User,
    demo: dict[str, Connection],
    cat: CatalogsClient,
    books: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(restore, "READ_PAGE", 1)  # a page per item: deleting while paging would skip some
    params = checked(editor_client, cat, books, reconcile=True)
    kind, ws, target = import_step(eddie, demo["synerise"], params)
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
    params = checked(editor_client, cat, books)
    kind, ws, target = import_step(eddie, demo["synerise"], params)
    was = kind.before(ws, target)
    done = kind.perform(ws, target)
    cat.add_item(books, item_key="3", value={"isbn": "3", "title": "Ulysses", "price": 13})  # edited since
    undone = kind.undo(ws, target, was, done.after)  # type: ignore[misc]
    assert undone.said == "Put back the old values of 1 item. Left alone, changed since the import: 1 (3)."
    assert items_of(cat, books)["3"]["price"] == 13


def test_an_import_step_on_a_catalog_changed_since_its_dry_run_cannot_run(
    editor_client: Client, eddie: User, demo: dict[str, Connection], cat: CatalogsClient, books: int
) -> None:
    params = checked(editor_client, cat, books)
    kind, ws, target = import_step(eddie, demo["synerise"], params)
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
    params = {"import": str(imp.pk)}
    kind, ws, target = import_step(eddie, demo["synerise"], params)
    done = kind.perform(ws, target)
    undone = kind.undo(ws, target, kind.before(ws, target), done.after)  # type: ignore[misc]
    assert undone.said == "Deleted 4 items it created."
    assert items_of(cat, books) == {}


def test_an_undo_asks_again_for_the_deletes_the_service_was_too_busy_for(
    editor_client: Client,
    eddie: User,
    demo: dict[str, Connection],
    cat: CatalogsClient,
    books: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    imp = dry_run(editor_client, upload(editor_client, books, b"isbn,title\na,A\nb,B\nc,C\n"))
    params = {"import": str(imp.pk)}
    kind, ws, target = import_step(eddie, demo["synerise"], params)
    done = kind.perform(ws, target)
    asked: list[str] = []
    delete = CatalogsClient.delete_item_by_key

    def busy_first(api: CatalogsClient, catalog_id: int, key: str) -> Any:
        asked.append(key)
        if asked.count(key) == 1 and key != "b":  # busy for a and c the first time
            raise ApiUnavailable("Service unavailable (injected)", status=503)
        return delete(api, catalog_id, key)

    monkeypatch.setattr(CatalogsClient, "delete_item_by_key", busy_first)
    undone = kind.undo(ws, target, kind.before(ws, target), done.after)  # type: ignore[misc]
    assert undone.said == "Deleted 3 items it created."
    assert (items_of(cat, books), sorted(asked)) == ({}, ["a", "a", "b", "c", "c"])


def test_an_undo_sends_each_delete_at_most_four_times_however_busy_the_service(
    editor_client: Client, eddie: User, demo: dict[str, Connection], cat: CatalogsClient, books: int
) -> None:
    imp = dry_run(editor_client, upload(editor_client, books, b"isbn,title\na,A\nb,B\n"))
    params = {"import": str(imp.pk)}
    kind, ws, target = import_step(eddie, demo["synerise"], params)
    done = kind.perform(ws, target)
    sent: Counter[str] = Counter()

    def count(sender: Any, environ: dict[str, Any], **kwargs: Any) -> None:
        if environ["REQUEST_METHOD"] == "DELETE":
            sent[environ["PATH_INFO"].rpartition("/")[2]] += 1

    FaultSettings.objects.create(pk=1, error_rate=1, faults=["5xx"], path_contains="/items/itemKey/")
    request_started.connect(count, dispatch_uid="test-deletes")
    try:
        with pytest.raises(ApiUnavailable, match="2 items it created could not be deleted"):
            kind.undo(ws, target, kind.before(ws, target), done.after)  # type: ignore[misc]
    finally:
        request_started.disconnect(dispatch_uid="test-deletes")
    assert sent == {"a": restore.ROUNDS, "b": restore.ROUNDS} and restore.ROUNDS == 4


# One item's values set, or the item deleted


LAMP = "Lamp LX-200"


def lamp_step(
    key: str, user: User, demo: dict[str, Connection], books: int, value: str = ""
) -> tuple[steps.StepKind, Any, dict[str, Any]]:
    """The kind, the workspace and the target for the lamp, picked as the "Add to a launch" page does."""
    kind = steps.kind(key)
    params = {"catalog": str(books), "item": LAMP, **({"value": value} if value else {})}
    ws = kind.workspace(user, demo["synerise"], params)
    return kind, ws, kind.pick(ws, params)


def lamp(cat: CatalogsClient, books: int) -> dict[str, Any]:
    return cat.get_item_by_key(books, LAMP).data.properties


def writes(action: str) -> int:
    return AuditEntry.objects.filter(action=action, target_repr__endswith=f" / {LAMP}").count()


def test_an_item_step_writes_its_values_once_and_its_undo_puts_back_the_old_ones_exactly(
    eddie: User, demo: dict[str, Connection], cat: CatalogsClient, books: int
) -> None:
    cat.add_item(books, item_key=LAMP, value={"price": Decimal("3299.00"), "stock": 7, "size": "M"})
    value = '{"price": 3499.50, "stock": 4, "colour": "red"}'
    kind, ws, target = lamp_step(UPSERT_ITEM, eddie, demo, books, value)
    name = target["name"]
    assert kind.pick(ws, target) == target  # "Use it as it is now" picks it again from its target
    assert kind.describe(target) == f"Set {LAMP} in {name}: price, stock, colour"
    assert kind.touches(target) == f"synerise.catalog_item:{books}:{LAMP}"
    assert kind.check(ws, target) == steps.Verdict(
        True, "Sets price to 3499.50 and stock to 4; adds colour; removes size."
    )
    was = kind.before(ws, target)
    done = kind.perform(ws, target)
    assert done.said == f"Saved its new values in {name}."
    assert kind.perform(ws, target).said == "Nothing to do: it had these values already."
    assert writes("catalog_item.update") == 1
    assert str(lamp(cat, books)["price"]) == "3499.50"
    assert kind.check(ws, target).reason == "It has these values already: nothing to do."
    undone = kind.undo(ws, target, was, done.after)  # type: ignore[misc]
    assert undone == steps.Undone("Put back its values from before the launch.")
    back = lamp(cat, books)
    assert back == {"price": Decimal("3299.00"), "stock": 7, "size": "M"}
    assert str(back["price"]) == "3299.00"  # not 3299.0
    assert kind.undo(ws, target, was, done.after).said == (  # type: ignore[misc]
        "Nothing to do: it is as it was before the launch."
    )


def test_an_item_step_leaves_alone_an_item_edited_after_the_launch(
    eddie: User, demo: dict[str, Connection], cat: CatalogsClient, books: int
) -> None:
    cat.add_item(books, item_key=LAMP, value={"price": Decimal("3299.00"), "stock": 7})
    kind, ws, target = lamp_step(UPSERT_ITEM, eddie, demo, books, '{"price": 2999.00, "stock": 7}')
    was = kind.before(ws, target)
    done = kind.perform(ws, target)
    cat.add_item(books, item_key=LAMP, value={"price": Decimal("2999.0"), "stock": 7})  # 2999.0: edited
    undone = kind.undo(ws, target, was, done.after)  # type: ignore[misc]
    assert undone == steps.Undone("Left alone: someone changed it after the launch.", left_alone=True)
    assert str(lamp(cat, books)["price"]) == "2999.0"


def test_an_item_step_that_added_the_item_deletes_it_when_taken_back(
    eddie: User, demo: dict[str, Connection], cat: CatalogsClient, books: int
) -> None:
    kind, ws, target = lamp_step(UPSERT_ITEM, eddie, demo, books, '{"price": 3299.00, "stock": 4}')
    assert kind.check(ws, target).reason == "Adds it to the catalog with price, stock."
    was = kind.before(ws, target)
    assert was == {"absent": True}
    done = kind.perform(ws, target)
    assert done.said == f"Added it to {target['name']}."
    assert str(lamp(cat, books)["price"]) == "3299.00"
    undone = kind.undo(ws, target, was, done.after)  # type: ignore[misc]
    assert undone.said == "Deleted it: it was not in the catalog before the launch."
    assert LAMP not in items_of(cat, books)
    assert (writes("catalog_item.add"), writes("catalog_item.delete")) == (1, 1)
    # Added again, then deleted by someone: that deletion is theirs to keep.
    done = kind.perform(ws, target)
    cat.delete_item_by_key(books, LAMP)
    undone = kind.undo(ws, target, was, done.after)  # type: ignore[misc]
    assert undone == steps.Undone("Left alone: someone deleted it after the launch.", left_alone=True)
    assert LAMP not in items_of(cat, books)


def test_a_delete_step_deletes_once_and_its_undo_adds_the_item_back_exactly(
    eddie: User, demo: dict[str, Connection], cat: CatalogsClient, books: int
) -> None:
    values = {"price": Decimal("3299.00"), "stock": 4, "tags": ["desk", "led"], "on_sale": False}
    cat.add_item(books, item_key=LAMP, value=values)
    kind, ws, target = lamp_step(DELETE_ITEM, eddie, demo, books)
    name = target["name"]
    assert kind.pick(ws, target) == target
    assert kind.describe(target) == f"Delete {LAMP} from {name}"
    assert kind.check(ws, target) == steps.Verdict(True, "It will be deleted.")
    was = kind.before(ws, target)
    done = kind.perform(ws, target)
    assert done.said == f"Deleted it from {name}."
    assert kind.perform(ws, target).said == "Nothing to do: it was not in the catalog."
    assert writes("catalog_item.delete") == 1
    assert kind.check(ws, target).reason == "It is not in the catalog: nothing to do."
    undone = kind.undo(ws, target, was, done.after)  # type: ignore[misc]
    assert undone.said == "Added it back with its values from before the launch."
    assert lamp(cat, books) == values and str(lamp(cat, books)["price"]) == "3299.00"
    # Deleted again, then added by someone: theirs is kept.
    done = kind.perform(ws, target)
    cat.add_item(books, item_key=LAMP, value={"price": 10})
    undone = kind.undo(ws, target, was, done.after)  # type: ignore[misc]
    assert undone.left_alone and lamp(cat, books) == {"price": 10}


def test_item_steps_say_in_words_why_they_cannot_run(
    eddie: User, demo: dict[str, Connection], cat: CatalogsClient, books: int
) -> None:
    cat.add_item(books, item_key=LAMP, value={"price": Decimal("2999.00"), "stock": 7})
    kind, ws, target = lamp_step(
        UPSERT_ITEM, eddie, demo, books, '{"price": 3299.00, "stock": 4, "colour": "red"}'
    )
    assert kind.check(ws, target).reason == "Sets price to 3299.00 and stock to 4; adds colour."
    _, _, same = lamp_step(UPSERT_ITEM, eddie, demo, books, '{"stock": 7, "price": 2999.0}')
    assert kind.check(ws, same).reason == "Sets price to 2999.0."  # a number written otherwise is a change
    _, _, blank = lamp_step(UPSERT_ITEM, eddie, demo, books, '{" ": 1}')
    assert kind.check(ws, blank) == steps.Verdict(
        False, "A property name is 1 to 255 characters, not only spaces."
    )
    with pytest.raises(Refused, match="A property name is"):
        kind.perform(ws, blank)
    with pytest.raises(ApiNotFound):
        lamp_step(UPSERT_ITEM, eddie, demo, books, "[1, 2]")  # not an item's values: nothing to add

    deleting, _, sealed = lamp_step(DELETE_ITEM, eddie, demo, books)
    cat.add_item(books, item_key=LAMP, value={"price": Decimal("2999.00"), "stock": 6})
    moved = f"{LAMP} has changed since the step was added: use it as it is now to delete what it holds now."
    assert deleting.check(ws, sealed) == steps.Verdict(False, moved)
    with pytest.raises(Refused, match="has changed since the step was added"):
        deleting.perform(ws, sealed)
    assert lamp(cat, books)["stock"] == 6

    cat.delete_catalog(books)
    gone = steps.Verdict(False, f"The catalog {target['name']} no longer exists.")
    assert kind.check(ws, target) == gone and deleting.check(ws, sealed) == gone


def test_an_editor_takes_an_items_new_values_to_a_launch_instead_of_saving_them(
    editor_client: Client, eddie: User, cat: CatalogsClient, books: int
) -> None:
    cat.add_item(books, item_key=LAMP, value={"price": Decimal("2999.00"), "stock": 7})
    item = cat.get_item_by_key(books, LAMP).data
    edit = reverse("catalogs:item_edit", args=[books, item.id])
    assert "Add these values to a launch…" in pages.words(editor_client.get(edit))
    typed = {field_name("price"): "3299.00", field_name("stock"): "4", "to_launch": "1"}
    response = editor_client.post(edit, typed)
    assert response.status_code == 302
    address = urlsplit(response["Location"])
    assert address.path == reverse("launches:add_step")
    assert parse_qs(address.query) == {
        "kind": [UPSERT_ITEM],
        "catalog": [str(books)],
        "item": [LAMP],
        "value": ['{"price":3299.00,"stock":4}'],
        "next": [reverse("catalogs:item", args=[books, item.id])],
    }
    assert (
        lamp(cat, books) == {"price": Decimal("2999.00"), "stock": 7} and writes("catalog_item.update") == 0
    )
    add = pages.words(editor_client.get(response["Location"]))
    assert f"Set {LAMP} in {item.bag.name}: price, stock" in add
    planned = launches.create_launch(eddie, name="Lamp price", description="", go_at=None)
    added = pages.words(
        editor_client.post(response["Location"], {"launch": planned.pk, "stage": 1}, follow=True)
    )
    assert "Sets price to 3299.00 and stock to 4." in added

    bad = editor_client.post(edit, {**typed, field_name("price"): "3299 euros"})
    assert bad.status_code == 400 and "Enter a JSON value" in pages.words(bad)  # as Save validates
    long = editor_client.post(edit, {**typed, "new_name_0": "notes", "new_value_0": "x" * 5000})
    assert "These values are too long to take to a launch from here" in pages.words(long)


def test_an_items_page_offers_its_deletion_to_a_launch_only_to_who_may_plan_and_delete(
    editor_client: Client,
    viewer_client: Client,
    operator_client: Client,
    cat: CatalogsClient,
    books: int,
) -> None:
    cat.add_item(books, item_key=LAMP, value={"price": 10})
    item = cat.get_item_by_key(books, LAMP).data
    page = reverse("catalogs:item", args=[books, item.id])
    assert "Add to a launch: delete it" in pages.words(editor_client.get(page))
    for person in (viewer_client, operator_client):  # operators plan launches but may not delete items
        assert "Add to a launch" not in pages.words(person.get(page))
    add = f"{reverse('launches:add_step')}?kind={DELETE_ITEM}&catalog={books}&item={quote(LAMP)}"
    assert f"Delete {LAMP} from {item.bag.name}" in pages.words(editor_client.get(add))
    edit = reverse("catalogs:item_edit", args=[books, item.id])
    taken = viewer_client.post(edit, {field_name("price"): "12", "to_launch": "1"})
    assert taken.status_code == 403
    assert operator_client.get(add).status_code == 403


def test_an_import_steps_preview_shows_each_item_it_changes_before_and_after(
    editor_client: Client,
    eddie: User,
    demo: dict[str, Connection],
    cat: CatalogsClient,
    books: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    params = checked(editor_client, cat, books, reconcile=True)
    kind, ws, target = import_step(eddie, demo["synerise"], params)
    assert kind.preview is not None
    assert kind.preview(ws, target) == [
        steps.Seen("Item 1", "price", "9.5", "12.00"),
        steps.Seen("Item 3", "The whole item", "Not in the catalog", "Added"),
        steps.Seen("Item gone", "The whole item", "In the catalog", "Deleted"),
    ]
    monkeypatch.setattr(catalog_moment, "SHOWN", 0)
    assert kind.preview(ws, target)[0] == steps.Seen(
        "And 1 more item changed", "", "", "Listed on the dry run's page"
    )


def test_an_import_step_whose_worker_died_mid_import_waits_for_the_worker_that_carries_it_on(
    editor_client: Client,
    eddie: User,
    demo: dict[str, Connection],
    cat: CatalogsClient,
    books: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    params = checked(editor_client, cat, books)
    kind, ws, target = import_step(eddie, demo["synerise"], params)
    imp = CatalogImport.objects.get(pk=params["import"])
    # The step started the import, then its worker died; the jobs' sweep hands the import to another
    # worker, which finishes it while the step, run again, waits.
    job = imports.start_import(ws, imp=imp, task_name=catalog_steps.RUN_TASK)
    monkeypatch.setattr(catalog_steps.time, "sleep", lambda seconds: imports.run_import(job.pk))
    done = kind.perform(ws, target)
    assert done == steps.Done("Imported: 2 rows written.", {"job": job.pk})  # 1 changed, 1 new
    assert Job.objects.filter(kind=job.kind, created_at__gte=job.created_at).count() == 1
    assert sorted(items_of(cat, books)) == ["1", "2", "3", "gone"]


def test_retrying_an_import_step_whose_batches_failed_retries_those_batches(
    editor_client: Client, eddie: User, demo: dict[str, Connection], cat: CatalogsClient, books: int
) -> None:
    params = checked(editor_client, cat, books)
    kind, ws, target = import_step(eddie, demo["synerise"], params)
    FaultSettings.objects.create(pk=1, error_rate=1, faults=["5xx"], path_contains="/items/batch")
    with pytest.raises(Refused, match="The import did not finish"):
        kind.perform(ws, target)
    FaultSettings.objects.all().delete()
    done = kind.perform(ws, target)  # the launch's "Retry the failed step"
    assert done.said == "Imported: 2 rows written."
    assert sorted(items_of(cat, books)) == ["1", "2", "3", "gone"]
    assert Job.objects.get(pk=done.after["job"]).state == Job.State.SUCCEEDED
