"""Defects a new user hit in the content screens (issue 10), each pinned by a test."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from apps.content.client import BrickworksClient


def test_a_viewer_is_refused_the_new_record_page_like_every_other_create_page(
    viewer_client: Client, bw: BrickworksClient
) -> None:
    response = viewer_client.get(reverse("content:record_new", args=["home-banners"]))
    assert response.status_code == 403


def test_an_editor_still_opens_the_new_record_page(editor_client: Client, bw: BrickworksClient) -> None:
    response = editor_client.get(reverse("content:record_new", args=["home-banners"]))
    assert response.status_code == 200
