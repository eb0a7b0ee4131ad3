"""Who may reach what: sign-in everywhere, and a server-side permission check on every mutation."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from apps.connections.models import Connection
from apps.jobs.models import Job

# Every dashboard page, with the ids it needs (filled in by the `objects` fixture).
PAGES = [
    ("dashboard:home", {}),
    ("core:audit", {}),
    ("jobs:list", {}),
    ("jobs:detail", {"pk": "job"}),
    ("jobs:detail_status", {"pk": "job"}),
    ("connections:list", {}),
    ("connections:detail", {"pk": "connection"}),
    ("connections:add", {"kind": "synerise"}),
    ("connections:edit", {"pk": "connection"}),
    ("connections:delete", {"pk": "connection"}),
    ("admin:index", {}),
]

# Every URL that changes something, and the permission a viewer lacks for it.
MUTATIONS = [
    ("jobs:cancel", {"pk": "job"}),
    ("jobs:retry", {"pk": "job"}),
    ("connections:add", {"kind": "synerise"}),
    ("connections:add", {"kind": "canvas"}),
    ("connections:add", {"kind": "flows"}),
    ("connections:edit", {"pk": "connection"}),
    ("connections:delete", {"pk": "connection"}),
    ("connections:test", {"pk": "connection"}),
    ("connections:workspace", {"pk": "user_connection"}),
    ("content:record_new", {"app_id": "articles"}),
    ("content:record", {"app_id": "articles", "record_id": "3f0c2a4e-8a8e-4a53-9d7c-0b7d2c1e0f11"}),
    ("content:record_delete", {"app_id": "articles", "record_id": "3f0c2a4e-8a8e-4a53-9d7c-0b7d2c1e0f11"}),
    ("content:record_duplicate", {"app_id": "articles", "record_id": "3f0c2a4e-8a8e-4a53-9d7c-0b7d2c1e0f11"}),
]
# Pages that read a remote service; their content is tested against the sandbox in tests/content.
REMOTE_PAGES = [
    ("content:schemas", {}),
    ("content:records", {"app_id": "articles"}),
]


@pytest.fixture
def objects(db: None) -> dict[str, int]:
    connection = Connection.objects.create(
        kind="synerise", name="Prod", base_url="https://api.synerise.com", auth_mode="api_key", api_key="k"
    )
    user_connection = Connection.objects.create(
        kind="synerise",
        name="Prod user",
        base_url="https://api.synerise.com",
        auth_mode="user",
        username="u@example.com",
        password="p",
    )
    job = Job.objects.create(kind="test", label="A job", task_name="x", state=Job.State.FAILED)
    return {"connection": connection.pk, "user_connection": user_connection.pk, "job": job.pk}


def url(name: str, kwargs: dict[str, str], objects: dict[str, int]) -> str:
    return reverse(name, kwargs={k: objects.get(v, v) for k, v in kwargs.items()})


@pytest.mark.parametrize(("name", "kwargs"), PAGES + REMOTE_PAGES + MUTATIONS)
def test_it_sends_anonymous_people_to_sign_in(
    client: Client, objects: dict[str, int], name: str, kwargs: dict[str, str]
) -> None:
    path = url(name, kwargs, objects)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/") or response["Location"].startswith(
        "/admin/login/"
    )


@pytest.mark.parametrize(("name", "kwargs"), MUTATIONS)
def test_it_refuses_mutations_to_a_viewer(
    viewer_client: Client, objects: dict[str, int], name: str, kwargs: dict[str, str]
) -> None:
    response = viewer_client.post(url(name, kwargs, objects), {"name": "x"})
    assert response.status_code == 403
    assert Connection.objects.count() == 2
    assert Job.objects.get().state == Job.State.FAILED


@pytest.mark.parametrize(("name", "kwargs"), [p for p in PAGES if p[0] != "admin:index"] + REMOTE_PAGES)
def test_it_refuses_pages_to_a_stranger_without_a_role(
    stranger_client: Client, objects: dict[str, int], name: str, kwargs: dict[str, str]
) -> None:
    response = stranger_client.get(url(name, kwargs, objects))
    # The home page is open to anyone signed in; everything else needs a role.
    assert response.status_code == (200 if name == "dashboard:home" else 403)


def test_it_shows_a_viewer_no_mutating_buttons(viewer_client: Client, objects: dict[str, int]) -> None:
    html = viewer_client.get(reverse("connections:detail", args=[objects["connection"]])).content.decode()
    assert "Test connection</button>" not in html
    assert "Edit</a>" not in html
    assert "Delete</a>" not in html


def test_it_rejects_get_on_post_only_urls(admin_client: Client, objects: dict[str, int]) -> None:
    for name in ("jobs:cancel", "jobs:retry", "connections:test"):
        pk = objects["job"] if name.startswith("jobs") else objects["connection"]
        assert admin_client.get(reverse(name, args=[pk])).status_code == 405


def test_it_lets_anyone_reach_login_and_health(client: Client, db: None) -> None:
    assert client.get(reverse("login")).status_code == 200
    assert client.get("/healthz").status_code in (200, 503)


@pytest.mark.parametrize(("name", "kwargs"), [p for p in PAGES if p[0] != "admin:index"])
def test_it_serves_pages_without_inline_script_or_style(
    admin_client: Client, objects: dict[str, int], name: str, kwargs: dict[str, str]
) -> None:
    response = admin_client.get(url(name, kwargs, objects))
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script> would break the CSP"
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html), "inline event handlers would break the CSP"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
