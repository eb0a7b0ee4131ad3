"""Saved filters: a person names the list's current filter and finds it again; others don't see it."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from apps.connections.models import Connection
from apps.content.models import SavedFilter
from tests.people import make_user


def test_save_open_and_forget_a_filter(viewer_client: Client, demo: dict[str, Connection]) -> None:
    viewer = viewer_client
    url = reverse("content:records", args=["home-banners"])
    page = viewer.get(url, {"status": "DRAFT", "page": "1"}).content.decode()
    assert "Save this filter as" in page and "Spring is coming" in page and "Black Friday" not in page
    response = viewer.post(
        reverse("content:filter_save", args=["home-banners"]),
        {"name": "Drafts", "query": "status=DRAFT&page=1"},
    )
    assert response["Location"] == f"{url}?status=DRAFT"
    saved = SavedFilter.objects.get()
    assert (saved.name, saved.query, saved.app_id) == ("Drafts", "status=DRAFT", "home-banners")
    page = viewer.get(url).content.decode()
    assert f'href="{url}?status=DRAFT">Drafts</a>' in page and "Save this filter as" not in page

    other = Client()
    other.force_login(make_user("val", "viewer"))
    assert "Drafts</a>" not in other.get(url).content.decode()
    other.post(reverse("content:filter_delete", args=["home-banners", saved.pk]))
    assert SavedFilter.objects.exists()  # not theirs to forget

    viewer.post(reverse("content:filter_delete", args=["home-banners", saved.pk]))
    assert not SavedFilter.objects.exists()


def test_an_unfiltered_list_is_not_saved(viewer_client: Client, demo: dict[str, Connection]) -> None:
    page = viewer_client.post(
        reverse("content:filter_save", args=["home-banners"]), {"name": "All", "query": "page=2"}, follow=True
    ).content.decode()
    assert "Filter the list first" in page and not SavedFilter.objects.exists()
