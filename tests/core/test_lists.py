"""The shared list pieces (includes/list_filters, list_results, empty, pagination) on local lists."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from apps.connections.models import Connection
from apps.core import audit
from apps.core.paging import LOCAL_PAGE_SIZE


@pytest.mark.parametrize("name", ["accounts:audit", "jobs:list", "connections:list"])
def test_it_answers_htmx_with_the_results_fragment(admin_client: Client, name: str) -> None:
    response = admin_client.get(reverse(name), HTTP_HX_REQUEST="true")
    assert response.content.decode().lstrip().startswith('<div id="results">')
    assert "HX-Request" in response["Vary"]


def test_an_empty_list_says_what_it_would_hold(admin_client: Client) -> None:
    html = admin_client.get(reverse("jobs:list")).content.decode()
    assert "No operations yet. A workflow run, a bulk publish or a CSV import starts one" in html
    assert "Nothing matches" not in html


def test_a_filter_that_hides_everything_links_back_to_the_whole_list(
    admin_client: Client, alice: User
) -> None:
    audit.record(alice, "workspace.switch")
    html = admin_client.get(
        reverse("accounts:audit"), {"q": "nobody"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert f'Nothing matches this filter. <a href="{reverse("accounts:audit")}">Clear the filter</a>.' in html
    assert "No audit entries yet" not in html


def test_the_filter_form_works_without_javascript_and_filters_as_you_type(admin_client: Client) -> None:
    html = admin_client.get(reverse("accounts:audit")).content.decode()
    url = reverse("accounts:audit")
    assert f'<form class="filters" method="get" action="{url}" hx-get="{url}" hx-target="#results"' in html
    assert "keyup changed delay:400ms from:#id_q" in html and '<button class="button" type="submit">' in html


def test_pagination_keeps_a_plain_link_and_pushes_the_url(admin_client: Client) -> None:
    Connection.objects.bulk_create(
        Connection(name=f"Flows {n}", kind="flows", base_url="https://flows.example")
        for n in range(LOCAL_PAGE_SIZE + 1)
    )
    html = admin_client.get(reverse("connections:list")).content.decode()
    assert "Page 1 of 2" in html
    assert (
        'href="?page=2" hx-get="?page=2" hx-target="#results" hx-swap="outerHTML" hx-push-url="true"' in html
    )
