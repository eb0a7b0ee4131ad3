"""Content pages whose remote calls do not need each other's answers make them at the same time: the
first calls of each page wait at a barrier before the sandbox, so made one after the other they would fail."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from apps.content.client import BrickworksClient
from tests.meeting import Meet

BRICKWORKS = "/synerise/brickworks/v1"


def test_the_record_page_asks_for_the_schema_the_draft_and_the_live_version_at_once(
    publisher_client: Client, bw: BrickworksClient, meet: Meet
) -> None:
    live = bw.get_record("home-banners", "winter-sale")
    draft = bw.update_record("home-banners", live.id, status="DRAFT", values={"headline": "Spring arrives"})
    met = meet(BRICKWORKS, 3)
    response = publisher_client.get(reverse("content:record", args=["home-banners", live.id]))
    assert response.status_code == 200
    assert (response.context["record"].record_version, response.context["live"].record_version) == (
        draft.record_version,
        live.record_version,
    )
    assert sorted(met) == sorted(["/schemas/home-banners", *[f"/schemas/home-banners/records/{live.id}"] * 2])


def test_the_records_list_asks_for_the_schema_and_the_page_at_once(
    viewer_client: Client, bw: BrickworksClient, meet: Meet
) -> None:
    met = meet(BRICKWORKS, 2)
    response = viewer_client.get(reverse("content:records", args=["home-banners"]))
    assert response.status_code == 200
    assert sorted(met) == ["/schemas/home-banners", "/schemas/home-banners/records"]


def test_the_schema_page_asks_for_the_schema_and_both_counts_at_once(
    viewer_client: Client, bw: BrickworksClient, meet: Meet
) -> None:
    total = bw.list_records("home-banners", limit=1).meta.total
    met = meet(BRICKWORKS, 3)
    response = viewer_client.get(reverse("content:schema", args=["home-banners"]))
    assert response.status_code == 200
    assert response.context["counts"]["total"] == total
    assert sorted(met) == ["/schemas/home-banners", *["/schemas/home-banners/records"] * 2]


def test_the_preview_asks_for_each_profile_at_once(
    viewer_client: Client, bw: BrickworksClient, meet: Meet
) -> None:
    record = bw.get_record("home-banners", "winter-sale")
    url = reverse("content:record_preview", args=["home-banners", record.id])
    rows = {"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "0"}
    for n, email in enumerate(["anna@example.com", "ben@example.com"]):
        rows |= {f"form-{n}-identifier_type": "email", f"form-{n}-identifier_value": email}
    met = meet(BRICKWORKS, 2, "/preview/by/email")
    response = viewer_client.get(url, rows)
    assert met == [f"/schemas/home-banners/records/{record.id}/preview/by/email"] * 2
    assert [column["who"] for column in response.context["columns"]] == [
        "Email anna@example.com",
        "Email ben@example.com",
    ]
