"""Page numbers from the query string: a huge, negative or odd one is a 400 or a page, never a 5xx, and it
never reaches a remote service as a number it cannot hold (issue 18, defect 5)."""

from __future__ import annotations

import pytest
from django.core.exceptions import BadRequest
from django.test import Client, RequestFactory

from apps.connections.models import Connection
from apps.core.paging import MAX_PAGE, page_number, whole_number

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


@pytest.mark.parametrize(
    ("text", "number"),
    [("0", 0), ("12", 12), ("0012", 12), (" 7 ", 7), (str(2**31 - 1), 2**31 - 1), (None, None), ("", None)]
    + [("-1", None), ("²", None), ("١٢", None), ("1e3", None), (str(2**31), None), ("9" * 5000, None)],
)
def test_a_whole_number_from_a_query_is_ascii_digits_within_a_bound(
    text: str | None, number: int | None
) -> None:
    assert whole_number(text) == number


@pytest.mark.parametrize(
    "url",
    [
        "/content/records/home-banners/spring-teaser/versions/?a={v}&b={v}",
        "/catalogs/delete/?id={v}&id=1",
    ],
)
def test_numbers_in_other_queries_are_read_within_a_bound(
    admin_client: Client, demo: dict[str, Connection], url: str
) -> None:
    for value in ("²", "9" * 5000, HUGE):
        response = admin_client.get(url.format(v=value))
        assert response.status_code in (200, 302, 404), f"{url} {value[:20]}: {response.status_code}"
