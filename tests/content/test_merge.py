"""A save that lost the race (BKW-029): a three-way view, keep mine or theirs per field, save again."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from apps.content.client import BrickworksClient, Record


def hidden(page: str) -> dict[str, str]:
    found = re.findall(r'<input type="hidden" name="(last_updated_at|base|theirs)" value="([^"]*)"', page)
    return dict(found)


def open_teaser(editor: Client, bw: BrickworksClient) -> tuple[Record, str, dict[str, str]]:
    record = bw.get_record("home-banners", "spring-teaser")
    url = reverse("content:record", args=["home-banners", record.id])
    return record, url, hidden(editor.get(url).content.decode())


def mine(**values: str) -> dict[str, str]:
    data = {"values-headline": "Spring is coming", "values-tone": "urgent", "action": "save"}
    data.update({f"values-{name}": value for name, value in values.items()})
    return data


def test_a_conflict_shows_base_theirs_and_mine_and_takes_their_other_changes(
    editor_client: Client, bw: BrickworksClient
) -> None:
    record, url, opened = open_teaser(editor_client, bw)
    bw.update_record(
        "home-banners",
        record.id,
        values={"headline": "Spring sale now", "tone": "calm", "priority": 3},
        last_updated_at=record.updated_at,
    )
    response = editor_client.post(url, {**opened, **mine(headline="Spring at last", body="New body")})
    assert response.status_code == 409
    page = response.content.decode()
    conflict = page[
        page.index('class="table merge-table"') : page.index("</table>", page.index("merge-table"))
    ]
    assert "Headline" in conflict and "Spring is coming" in conflict  # the base
    assert "Spring sale now" in conflict and "Spring at last" in conflict
    assert 'name="keep-headline" value="theirs"' in conflict and "Body" not in conflict
    # Tone and priority: only they changed them, so theirs are in the form now.
    assert "Their changes to fields you left alone are in the form now: Tone, Priority." in page
    assert 'name="values-priority" value="3"' in page and '<option value="calm" selected>' in page
    assert 'value="Spring at last"' in page and "New body</textarea>" in page

    again = hidden(page)
    assert again["last_updated_at"] != opened["last_updated_at"] and again["theirs"]
    response = editor_client.post(
        url,
        {
            **again,
            **mine(headline="Spring at last", body="New body", priority="3"),
            "values-tone": "calm",
            "keep-headline": "theirs",
        },
    )
    assert response.status_code == 302
    saved = bw.get_record("home-banners", record.id)
    assert saved.values == {"headline": "Spring sale now", "tone": "calm", "priority": 3, "body": "New body"}


def test_keep_mine_wins_and_a_third_save_in_between_asks_again(
    editor_client: Client, bw: BrickworksClient
) -> None:
    record, url, opened = open_teaser(editor_client, bw)
    theirs = bw.update_record(
        "home-banners", record.id, values={"headline": "Theirs"}, last_updated_at=record.updated_at
    )
    page = editor_client.post(url, {**opened, **mine(headline="Mine")}).content.decode()
    again = hidden(page)
    bw.update_record(
        "home-banners", record.id, values={"headline": "Third"}, last_updated_at=theirs.updated_at
    )
    response = editor_client.post(url, {**again, **mine(headline="Mine"), "keep-headline": "mine"})
    assert response.status_code == 409
    assert "Third" in response.content.decode()
    third = hidden(response.content.decode())
    response = editor_client.post(url, {**third, **mine(headline="Mine"), "keep-headline": "mine"})
    assert response.status_code == 302
    assert bw.get_record("home-banners", record.id).values["headline"] == "Mine"


def test_a_forged_theirs_is_ignored(editor_client: Client, bw: BrickworksClient) -> None:
    record, url, opened = open_teaser(editor_client, bw)
    response = editor_client.post(
        url, {**opened, **mine(headline="Mine"), "theirs": "forged", "keep-headline": "theirs"}
    )
    assert response.status_code == 302
    assert bw.get_record("home-banners", record.id).values["headline"] == "Mine"
