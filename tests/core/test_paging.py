"""Page numbers from the query string: a huge, negative or odd one is a 400 or a page, never a 5xx, and it
never reaches a remote service as a number it cannot hold (issue 18, defect 5)."""

from __future__ import annotations

import pytest
from django.core.exceptions import BadRequest
from django.test import Client, RequestFactory

from apps.connections.models import Connection
from apps.core.paging import MAX_PAGE, page_number

HUGE = "100000000000000000000"
REMOTE_LISTS = [
    "/workflows/",
    "/content/",
    "/content/records/home-banners/",
    "/content/sources/",
    "/catalogs/",
    "/integrations/",
    "/settings/connections/",
    "/workflows/flows/",
    "/workflows/suggestions/",
]
LOCAL_LISTS = ["/operations/", "/operations/scheduled/", "/content/deleted/", "/settings/audit/"]


@pytest.mark.parametrize(
    ("value", "number"),
    [
        ("", 1),
        ("1", 1),
        ("7", 7),
        ("0", 1),
        ("-5", 1),
        ("x", 1),
        ("²", 1),
        ("١٢", 1),
        (str(MAX_PAGE), MAX_PAGE),
    ],
)
def test_a_page_number_is_read_from_1_and_anything_odd_is_page_1(value: str, number: int) -> None:
    assert page_number(RequestFactory().get("/", {"page": value})) == number


@pytest.mark.parametrize("value", [str(MAX_PAGE + 1), HUGE, "9" * 5000])
def test_a_page_number_past_the_last_one_any_list_can_have_is_a_bad_request(value: str) -> None:
    with pytest.raises(BadRequest):
        page_number(RequestFactory().get("/", {"page": value}))


@pytest.mark.parametrize("url", REMOTE_LISTS + LOCAL_LISTS)
def test_no_list_answers_5xx_to_a_huge_or_negative_page(
    admin_client: Client, demo: dict[str, Connection], url: str
) -> None:
    for value in (HUGE, "-" + HUGE, "9" * 5000, str(MAX_PAGE), "²"):
        query = {"page": value, "limit": value, "offset": value, "size": value}
        response = admin_client.get(url, query)
        assert response.status_code in (200, 400), f"{url}?page={value[:30]}: {response.status_code}"
