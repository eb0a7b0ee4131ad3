"""Versions name the dashboard person whose write made each version, else the key Brickworks saw."""

from __future__ import annotations

import re

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from apps.content.client import BrickworksClient
from apps.core.models import AuditEntry


def rows(html: str) -> dict[str, str]:
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    found = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        found[cells[0]] = cells[2]
    return found


def test_changed_by_names_the_person_who_saved_here(
    paula: User, publisher_client: Client, viewer_client: Client, bw: BrickworksClient
) -> None:
    paula.first_name, paula.last_name = "Paula", "Novak"
    paula.save()
    live = bw.get_record("home-banners", "winter-sale")
    page = publisher_client.get(reverse("content:record", args=["home-banners", live.id])).content.decode()
    last = re.search(r'name="last_updated_at" value="([^"]+)"', page).group(1)
    data = {"values-headline": "Winter sale, part two", "values-priority": "5", "slug": "winter-sale"}
    response = publisher_client.post(
        reverse("content:record", args=["home-banners", live.id]),
        {**data, "last_updated_at": last, "action": "save"},
    )
    assert response.status_code == 302
    assert AuditEntry.objects.get(action="record.update").detail == {"version": 2, "changed": True}

    html = viewer_client.get(
        reverse("content:record_versions", args=["home-banners", live.id])
    ).content.decode()
    changed_by = rows(html)
    assert changed_by["2"] == "Paula Novak"
    assert "workspace key" in changed_by["1"] and "Paula" not in changed_by["1"]


def test_a_new_record_names_its_author(eddie: User, editor_client: Client, bw: BrickworksClient) -> None:
    response = editor_client.post(
        reverse("content:record_new", args=["home-banners"]),
        {"values-priority": "3", "slug": "eddies-banner", "action": "save"},
    )
    assert response.status_code == 302
    record = bw.get_record("home-banners", "eddies-banner")
    html = editor_client.get(
        reverse("content:record_versions", args=["home-banners", record.id])
    ).content.decode()
    assert rows(html) == {"1": "eddie"}
