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


def test_a_typed_confirmation_asks_for_the_name_above_the_same_buttons(
    admin_client: Client, demo: dict[str, Connection]
) -> None:
    page = "/content/schemas/home-banners/delete/"
    html = admin_client.get(page).content.decode()
    assert '<form method="post" class="card form" novalidate>' in html and "csrfmiddlewaretoken" in html
    assert '<label for="id_confirm">Type <code>home-banners</code> to confirm' in html
    assert 'name="confirm"' in html and 'autocomplete="off"' in html
    assert '<button class="button danger" type="submit">Delete the schema and its records</button>' in html
    assert '<a class="button" href="/content/schemas/home-banners/">Keep it</a>' in html
    for typed in ("", "home"):
        wrong = admin_client.post(page, {"confirm": typed})
        assert wrong.status_code == 400
        assert (
            '<p class="error" role="alert">Type home-banners exactly to delete.</p>' in wrong.content.decode()
        )
    assert 'value="home"' in wrong.content.decode()  # what was typed stays in the box
