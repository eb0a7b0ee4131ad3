"""Delete confirmations of every domain end the same way (includes/confirm_delete.html): a red button
that posts to the page itself, and "Keep it" back to what would be deleted."""

from __future__ import annotations

import pytest
from django.test import Client

from apps.connections.models import Connection

ORDERS = "/integrations/workflows/b459cf22-ad18-44bf-80dc-6e8b78be1cc5/"  # a Canvas workflow of the seed
FLOW = "/workflows/flows/review-request/"


@pytest.mark.parametrize(
    ("who", "page", "button", "keep"),
    [
        ("operator_client", f"{ORDERS}delete/", "Delete workflow", ORDERS),
        ("operator_client", f"{FLOW}delete/", "Delete the flow", FLOW),
        (
            "admin_client",
            "/settings/connections/{pk}/delete/",
            "Delete connection",
            "/settings/connections/{pk}/",
        ),
    ],
)
def test_a_delete_page_asks_with_a_red_button_and_a_way_back(
    request: pytest.FixtureRequest, demo: dict[str, Connection], who: str, page: str, button: str, keep: str
) -> None:
    client: Client = request.getfixturevalue(who)
    pk = demo["synerise"].pk
    html = client.get(page.format(pk=pk)).content.decode()
    assert f'<button class="button danger" type="submit">{button}</button>' in html
    assert f'<a class="button" href="{keep.format(pk=pk)}">Keep it</a>' in html
    assert '<form method="post" class="actions">' in html and "csrfmiddlewaretoken" in html
