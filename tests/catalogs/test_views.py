"""The catalog screens against the live sandbox: what each role sees and may change."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.catalogs.client import CatalogsClient
from apps.catalogs.models import ColumnChoice
from apps.catalogs.services import catalogs as catalogs_service
from apps.core.models import AuditEntry


def test_the_list_shows_each_catalog_with_its_item_count(viewer_client: Client, catalog_ids: dict) -> None:
    page = viewer_client.get(reverse("catalogs:list")).content.decode()
    assert "products" in page and "stores" in page and "promotions" in page
    assert ">5,000<" in page and ">40<" in page and ">24<" in page
    assert 'href="/catalogs/"' in page  # the nav item
    assert "New catalog" not in page and "Delete the chosen" not in page


def test_the_list_searches_and_orders(viewer_client: Client, catalog_ids: dict) -> None:
    page = viewer_client.get(
        reverse("catalogs:list"), {"q": "prom", "order": "lastModified"}
    ).content.decode()
    assert ">promotions<" in page and ">stores<" not in page
    htmx = viewer_client.get(
        reverse("catalogs:list"), {"q": "nothing-like-it"}, headers={"HX-Request": "true"}
    )
    assert "Nothing matches this filter" in htmx.content.decode() and "<h1>" not in htmx.content.decode()


def test_an_admin_creates_a_catalog_and_a_taken_name_stays_in_the_form(
    admin_client: Client, cat: CatalogsClient, catalog_ids: dict
) -> None:
    response = admin_client.post(reverse("catalogs:new"), {"name": "  books "})
    created = next(c for c in cat.list_catalogs().data if c.name == "books")
    assert response["Location"] == reverse("catalogs:detail", args=[created.id])
    again = admin_client.post(reverse("catalogs:new"), {"name": "books"})
    assert again.status_code == 400
    assert "exists" in again.content.decode() and 'value="books"' in again.content.decode()
    entries = AuditEntry.objects.filter(action="catalog.create").order_by("pk")
    assert [(e.outcome, e.target_id) for e in entries] == [("ok", str(created.id)), ("failed", "")]


def test_several_catalogs_are_deleted_with_each_name_typed_and_a_result_each(
    admin_client: Client, cat: CatalogsClient, catalog_ids: dict
) -> None:
    a, b = cat.create_catalog("a").data.id, cat.create_catalog("b").data.id
    confirm = admin_client.get(reverse("catalogs:delete"), {"id": [a, b]}).content.decode()
    assert "Type <code>a</code> to confirm" in confirm and "Type <code>b</code> to confirm" in confirm
    wrong = admin_client.post(reverse("catalogs:delete"), {"id": [a, b], "confirm": "1", f"confirm_{a}": "a"})
    assert wrong.status_code == 400 and {c.id for c in cat.list_catalogs().data} >= {a, b}
    # b goes while the person types: the page reads the catalogs again and deletes only a.
    cat.delete_catalog(b)
    response = admin_client.post(
        reverse("catalogs:delete"),
        {"id": [a, b], "confirm": "1", f"confirm_{a}": "a", f"confirm_{b}": "b"},
        follow=True,
    )
    page = response.content.decode()
    assert "Catalog a deleted with its items and mappings." in page
    assert a not in {c.id for c in cat.list_catalogs().data}


def test_a_catalog_gone_between_the_page_and_the_delete_is_said_not_deleted(
    admin_client: Client, cat: CatalogsClient, catalog_ids: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = cat.create_catalog("a").data.id, cat.create_catalog("b").data.id
    delete = catalogs_service.delete_catalogs

    def b_goes_first(workspace: Any, *, catalogs: list) -> list:
        cat.delete_catalog(b)  # someone else deletes b after the page read it, before this delete
        return delete(workspace, catalogs=catalogs)

    monkeypatch.setattr(catalogs_service, "delete_catalogs", b_goes_first)
    typed = {f"confirm_{a}": "a", f"confirm_{b}": "b"}
    page = admin_client.post(f"{reverse('catalogs:delete')}?id={a}&id={b}", typed, follow=True)
    words = page.content.decode()
    assert "Catalog a deleted with its items and mappings." in words
    assert "Catalog b was not deleted: it no longer exists." in words
    assert not {a, b} & {c.id for c in cat.list_catalogs().data}


def test_the_delete_page_posts_the_typed_names_to_its_own_address_which_names_the_catalogs(
    admin_client: Client, cat: CatalogsClient, catalog_ids: dict
) -> None:
    a, b = cat.create_catalog("a").data.id, cat.create_catalog("b").data.id
    url = f"{reverse('catalogs:delete')}?id={a}&id={b}"
    page = admin_client.get(url).content.decode()
    assert '<form method="post" class="card form" novalidate>' in page  # no action: to this URL
    assert '<button class="button danger" type="submit">Delete 2 catalogs</button>' in page
    assert '<a class="button" href="/catalogs/">Keep them</a>' in page
    one = admin_client.get(f"{reverse('catalogs:delete')}?id={a}").content.decode()
    assert "Delete the catalog</button>" in one and ">Keep it</a>" in one
    assert admin_client.post(url, {f"confirm_{a}": "a"}).status_code == 400
    assert admin_client.post(url, {f"confirm_{a}": "a", f"confirm_{b}": "b"})["Location"] == "/catalogs/"
    assert not {a, b} & {c.id for c in cat.list_catalogs().data}


def test_a_delete_reports_per_id_results_from_the_remote_answer(
    admin_client: Client, cat: CatalogsClient, catalog_ids: dict
) -> None:
    from django.contrib.auth.models import User

    from apps.catalogs.services import catalogs
    from apps.catalogs.services.workspace import workspace_for

    a, b = cat.create_catalog("a").data, cat.create_catalog("b").data
    cat.delete_catalog(b.id)
    results = catalogs.delete_catalogs(workspace_for(User.objects.get(username="alice")), catalogs=[a, b])
    assert [(c.name, done) for c, done in results] == [("a", True), ("b", False)]
    entries = AuditEntry.objects.filter(action="catalog.delete").order_by("pk")
    assert [(e.target_repr, e.outcome) for e in entries] == [("a", "ok"), ("b", "failed")]


def test_the_catalog_page_shows_the_chosen_columns_and_searches_keys(
    viewer_client: Client, catalog_ids: dict
) -> None:
    products = catalog_ids["products"]
    url = reverse("catalogs:detail", args=[products])
    page = viewer_client.get(url).content.decode()
    assert "5,000 items" in page and "SKU-00001" in page and "<th>brand</th>" in page
    assert "Add item" not in page and "Delete…" not in page and "Export CSV" in page
    viewer_client.post(reverse("catalogs:columns", args=[products]), {"keys": ["price", "name"], "next": url})
    assert ColumnChoice.objects.get().columns == ["price", "name"]
    page = viewer_client.get(url, {"q": "SKU-0004", "page": "1"}).content.decode()
    assert "<th>price</th><th>name</th>" in page.replace("\n", "") and "<th>brand</th>" not in page
    assert "10 items whose key contains" in page and "SKU-00040" in page and "SKU-00001<" not in page
    # The search swaps the results by htmx; their export button carries it.
    fragment = viewer_client.get(url, {"q": "SKU-0004"}, headers={"HX-Request": "true"}).content.decode()
    assert "Export these 10 items" in fragment and 'name="q" value="SKU-0004"' in fragment


def test_an_item_is_viewed(viewer_client: Client, cat: CatalogsClient, catalog_ids: dict) -> None:
    stores = catalog_ids["stores"]
    item = cat.get_item_by_key(stores, "ST-005").data
    page = viewer_client.get(reverse("catalogs:item", args=[stores, item.id])).content.decode()
    assert "ST-005" in page and "Łódź" in page and "<dd>No</dd>" in page  # open: false
    assert "Edit" not in page


def test_an_editor_adds_edits_and_deletes_an_item(
    editor_client: Client, cat: CatalogsClient, books: int
) -> None:
    cat.add_item(books, item_key="seed", value={"title": "x", "pages": 1})
    response = editor_client.post(
        reverse("catalogs:item_new", args=[books]),
        {
            "item_key": "1357",
            "p_" + _h("title"): "Dune",
            "p_" + _h("pages"): "",
            "new_name_0": "year",
            "new_value_0": "1965",
        },
    )
    dune = cat.get_item_by_key(books, "1357").data
    assert response["Location"] == reverse("catalogs:item", args=[books, dune.id])
    assert dune.properties == {"title": "Dune", "year": "1965"}
    cat.update_item(books, dune.id, {"title": "Dune", "year": "1965", "pages": 412, "tags": ["sf"]})

    form = editor_client.get(reverse("catalogs:item_edit", args=[books, dune.id])).content.decode()
    assert "Saving replaces the whole item" in form and 'value="412"' in form
    editor_client.post(
        reverse("catalogs:item_edit", args=[books, dune.id]),
        {
            "p_" + _h("title"): "Dune Messiah",
            "p_" + _h("pages"): "256",
            "p_" + _h("year"): "1969",
            "p_" + _h("year") + "_remove": "on",
            "p_" + _h("tags"): '["sf", "classic"]',
        },
    )
    assert cat.get_item(books, dune.id).data.properties == {
        "title": "Dune Messiah",
        "pages": 256,
        "tags": ["sf", "classic"],
    }
    entry = AuditEntry.objects.filter(action="catalog_item.update").get()
    assert entry.detail["removed"] == ["year"] and entry.detail["changed"] == ["pages", "tags", "title"]

    editor_client.post(reverse("catalogs:item_delete", args=[books, dune.id]))
    assert [i.item_key for i in cat.list_items(books).data] == ["seed"]
    assert AuditEntry.objects.filter(action="catalog_item.delete", outcome="ok").count() == 1


def test_a_bad_json_value_is_refused_before_anything_is_sent(
    editor_client: Client, cat: CatalogsClient, books: int
) -> None:
    cat.add_item(books, item_key="k", value={"pages": 3})
    item = cat.get_item_by_key(books, "k").data
    response = editor_client.post(
        reverse("catalogs:item_edit", args=[books, item.id]), {"p_" + _h("pages"): "3 pages"}
    )
    assert response.status_code == 400 and "Enter a JSON value" in response.content.decode()
    assert cat.get_item(books, item.id).data.properties == {"pages": 3}


def test_a_remote_refusal_keeps_everything_typed(
    editor_client: Client, cat: CatalogsClient, books: int
) -> None:
    cat.add_item(books, item_key="k", value={"title": "Old", "pages": 3})
    item = cat.get_item_by_key(books, "k").data
    long_name = "n" * 300
    response = editor_client.post(
        reverse("catalogs:item_edit", args=[books, item.id]),
        {
            "p_" + _h("title"): "Typed title",
            "p_" + _h("pages"): "7",
            "new_name_0": long_name,
            "new_value_0": "v",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "A property name is 1 to 255 characters" in page
    assert 'value="Typed title"' in page and 'value="7"' in page and f'value="{long_name}"' in page
    assert cat.get_item(books, item.id).data.properties == {"title": "Old", "pages": 3}
    assert AuditEntry.objects.get(action="catalog_item.update").outcome == "failed"


def test_filterable_keys_are_toggled_by_admins_only(
    admin_client: Client, viewer_client: Client, cat: CatalogsClient, catalog_ids: dict
) -> None:
    products = catalog_ids["products"]
    url = reverse("catalogs:filtering", args=[products])
    assert admin_client.post(url, {"keys": ["brand", "category"]}).status_code == 302
    assert cat.get_catalog(products).data.filtered_fields == ["brand", "category"]
    admin_client.post(url, {"keys": ["category", "color"]})
    assert sorted(cat.get_catalog(products).data.filtered_fields) == ["category", "color"]
    page = viewer_client.get(url).content.decode()
    assert "color: filterable" in page and "brand: <span" in page and "<form" not in page.split("<main")[-1]
    assert viewer_client.post(url, {"keys": []}).status_code == 403
    assert [e.detail for e in AuditEntry.objects.filter(action="catalog.filtering").order_by("pk")] == [
        {"added": ["brand", "category"], "removed": []},
        {"added": ["color"], "removed": ["brand"]},
    ]


def test_mappings_are_listed_created_with_fields_changed_and_deleted(
    admin_client: Client, viewer_client: Client, cat: CatalogsClient, catalog_ids: dict
) -> None:
    products = catalog_ids["products"]
    page = viewer_client.get(reverse("catalogs:mappings", args=[products])).content.decode()
    assert "transaction.charge" in page and "name, category" in page and "promotion.view" not in page
    assert "New mapping" not in page
    form = admin_client.get(reverse("catalogs:mapping_new", args=[products])).content.decode()
    assert 'value="brand"' in form and 'value="price"' in form
    admin_client.post(
        reverse("catalogs:mapping_new", args=[products]),
        {"action": "product.buy", "param_key": "sku", "fields": ["brand", "price"]},
    )
    mine = next(m for m in cat.list_mappings().data if m.action == "product.buy")
    assert (mine.bag_id, mine.param_key, mine.enrichment_fields) == (products, "sku", ["brand", "price"])
    taken = admin_client.post(
        reverse("catalogs:mapping_new", args=[products]), {"action": "product.buy", "param_key": "sku"}
    )
    assert taken.status_code == 400 and "already maps product.buy.sku" in taken.content.decode()
    admin_client.post(
        reverse("catalogs:mapping_edit", args=[products, mine.bp_action_param_key]), {"fields": ["color"]}
    )
    changed = next(m for m in cat.list_mappings().data if m.action == "product.buy")
    assert changed.enrichment_fields == ["color"]
    admin_client.post(reverse("catalogs:mapping_delete", args=[products, mine.bp_action_param_key]))
    assert [m.action for m in cat.list_mappings().data] == ["transaction.charge", "promotion.view"]
    actions = list(
        AuditEntry.objects.filter(action__startswith="catalog_mapping")
        .order_by("pk")
        .values_list("action", "outcome")
    )
    assert actions == [
        ("catalog_mapping.create", "ok"),
        ("catalog_mapping.create", "failed"),
        ("catalog_mapping.update", "ok"),
        ("catalog_mapping.delete", "ok"),
    ]


def _h(name: str) -> str:
    from apps.catalogs.forms.items import field_name

    return field_name(name).removeprefix("p_")


MUTATING = [
    ("catalogs:new", [], "manage"),
    ("catalogs:delete", [], "manage"),
    ("catalogs:item_new", ["C"], "edit"),
    ("catalogs:item_edit", ["C", "I"], "edit"),
    ("catalogs:item_delete", ["C", "I"], "edit"),
    ("catalogs:mapping_new", ["C"], "manage"),
    ("catalogs:mapping_edit", ["C", "M"], "manage"),
    ("catalogs:mapping_delete", ["C", "M"], "manage"),
    ("catalogs:filtering", ["C"], "manage"),
]


@pytest.mark.parametrize("persona", ["viewer_client", "editor_client"])
def test_every_mutating_url_refuses_who_may_not(
    persona: str, request: pytest.FixtureRequest, cat: CatalogsClient, catalog_ids: dict
) -> None:
    client: Client = request.getfixturevalue(persona)
    products = catalog_ids["products"]
    values = {
        "C": products,
        "I": cat.get_item_by_key(products, "SKU-00001").data.id,
        "M": cat.list_mappings().data[0].bp_action_param_key,
    }
    for name, args, needs in MUTATING:
        if persona == "editor_client" and needs == "edit":
            continue
        url = reverse(name, args=[values[a] for a in args])
        assert client.post(url, {"id": [products]}).status_code == 403, name
        if name != "catalogs:filtering":
            assert client.get(url, {"id": [products]}).status_code == 403, name
    assert len(cat.list_catalogs().data) == 3 and cat.get_item_by_key(products, "SKU-00001").data
    assert not AuditEntry.objects.filter(action__startswith="catalog").exists()


def test_a_stranger_sees_no_catalog(stranger_client: Client, catalog_ids: dict) -> None:
    assert stranger_client.get(reverse("catalogs:list")).status_code == 403
    assert stranger_client.get(reverse("catalogs:detail", args=[catalog_ids["stores"]])).status_code == 403
