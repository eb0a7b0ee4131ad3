"""A generated bad-input pass (issue 14): hostile path segments on every URL, hostile values in every form;
huge integers and lone surrogates in every form field and every query parameter (issue 18).

Bounded and seeded (`derandomize=True`): `make fuzz` runs it after `make test` in CI. It asserts that no
answer is a 500 and that a refused request changes nothing, here or in the sandbox (same database).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, quote_from_bytes

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.jobs.models import Job
from tests.core.test_access import ROUTES, Route, StateWatch, allowed_methods, watching

pytestmark = pytest.mark.fuzz

# Segments that try to leave the URL they are put into, or cannot be decoded or stored.
SEGMENTS = [
    ".",
    "..",
    "%2e%2e",
    "%252e%252e",
    "%00",
    "%01",
    "a%2Fb",
    "%2F",
    "%ff%fe",
    "a" * 3000,
    "%0a",
    "'\"<>",
]
HUGE_NUMBER = "9" * 25
# Past every integer column and offset: a bigint, a Java int, a page number (issue 18, defect 5).
HUGE_INTEGERS = [
    "100000000000000000000",
    "-100000000000000000000",
    str(2**63),
    str(-(2**63) - 1),
    str(2**31),
    "-1",
    "9" * 5000,
]
# Half a UTF-16 pair (issue 18, defect 4): as JSON escapes, which decode to one, and as the raw bytes a
# hostile client can send (WTF-8), which Django reads as U+FFFD.
LONE_SURROGATES: list[str | bytes] = [
    '"\\ud800"',
    '{"a": "\\udfff"}',
    '["x\\udbffy"]',
    '{"\\ud800": 1}',
    b"\xed\xa0\x80",
    b"a\xed\xb0\x80b",
]
# Query parameters that lists and pages read, beside the names of their own filter forms.
QUERY_NAMES = ["page", "limit", "offset", "size", "cursor", "id", "ids", "q", "search", "seen", "stage", "at"]
SKIPPED = {"logout", "login"}  # signing out ends the session the pass runs in; login has its own tests


def area(route: Route) -> str:
    """The part of the dashboard a route is in (its first namespace): the passes over every URL run one
    test per part, so that `make fuzz`'s workers share them."""
    head, _, rest = route.name.partition(":")
    return head if rest else "top"


AREAS = sorted({area(route) for route in ROUTES if route.name not in SKIPPED})
AREAS_WITH_ARGUMENTS = sorted(
    {area(route) for route in ROUTES if route.arguments and route.name not in SKIPPED}
)

HOSTILE = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "1e309",
    "Infinity",
    "-1",
    "0",
    HUGE_NUMBER,
    "9" * 5000,
    "[]",
    "{}",
    "null",
    "[" * 5000 + "]" * 5000,
    '{"a": NaN}',
    "../..",
    "%00",
    "<script>x</script>",
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "9999-12",
    "true",
    "on",
    "home-banners",
    "\u202e\ufeff",
]
values = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.integers(min_value=1, max_value=200_000).map(lambda n: "x" * n),
    st.binary(min_size=1, max_size=8).filter(lambda b: not _utf8(b)),  # not UTF-8
    st.lists(st.sampled_from(HOSTILE), min_size=2, max_size=3),  # a list where one value goes
    st.sampled_from(HUGE_INTEGERS + LONE_SURROGATES),
)
COMMON_NAMES = [
    "next",
    "action",
    "confirm",
    "id",
    "ids",
    "operation",
    "at",
    "query",
    "name",
    "workspace",
    "all",
]


def _utf8(data: bytes) -> bool:
    try:
        data.decode()
    except UnicodeDecodeError:
        return False
    return True


def hostile_paths(route: Route, objects: dict[str, str]) -> list[str]:
    """The route with each argument in turn replaced by each hostile segment (a huge number for an int)."""
    paths = []
    for argument in route.arguments:
        kwargs = route.kwargs(objects)
        if f"<int:{argument}>" in route.route:
            paths.append(reverse(route.name, kwargs={**kwargs, argument: HUGE_NUMBER}))
            continue
        if f"<uuid:{argument}>" in route.route:
            continue  # only a UUID reaches the view: the URL resolver answers 404 to anything else
        marker = "zzhostilezz"
        template = reverse(route.name, kwargs={**kwargs, argument: marker})
        paths += [template.replace(marker, segment) for segment in SEGMENTS]
    return paths


def form_names(client: Client, path: str) -> list[str]:
    """The names of the inputs, selects and textareas of the page at `path` (nothing if it has no GET)."""
    response = client.get(path)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return []
    names = re.findall(r'<(?:input|select|textarea)[^>]* name="([^"]+)"', response.content.decode())
    return sorted({name for name in names if name != "csrfmiddlewaretoken"})


def encoded(data: dict[str, Any]) -> str:
    parts = []
    for name, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            text = quote_from_bytes(item) if isinstance(item, bytes) else quote(item, safe="")
            parts.append(f"{quote(name, safe='')}={text}")
    return "&".join(parts)


@pytest.fixture
def watch(alice: User) -> Iterator[StateWatch]:
    with watching(alice) as watch:
        yield watch


def check(client: Client, watch: StateWatch, method: str, path: str, body: str = "") -> None:
    """The request answers below 500, and, refused, changes nothing. The state before it is read only
    when it is needed, a refused request that wrote (an accepted one changes state: reading it before
    each request was most of the time of the forms that act without fields, a job's Cancel for one)."""
    known, writes = watch.state, watch.writes
    mark = transaction.savepoint()
    if method == "GET":
        response = client.get(path)
    else:
        response = client.post(path, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500, f"{method} {path} {body[:300]!r} answered {response.status_code}"
    refused = response.status_code >= 400 or (method == "POST" and response.status_code == 200)
    if refused and watch.writes != writes:
        after = watch.current()
        if known is None:  # what it was before: the request's writes undone
            transaction.savepoint_rollback(mark)
            watch.state = None
            known = watch.current()
        assert after == known, f"{method} {path} {body[:300]!r} was refused but changed state"
    transaction.savepoint_commit(mark)


@pytest.mark.long(6)  # one test per part of the dashboard: seconds each
@pytest.mark.parametrize("where", AREAS_WITH_ARGUMENTS)
def test_no_url_answers_500_to_a_hostile_path_segment(
    admin_client: Client, watch: StateWatch, objects: dict[str, str], where: str
) -> None:
    checked = 0
    for route in ROUTES:
        if area(route) != where or route.name in SKIPPED or not route.arguments:
            continue
        methods = allowed_methods(admin_client, route.fill(objects))
        for path in hostile_paths(route, objects):
            for method in ("GET", "POST"):
                if method in methods:
                    check(admin_client, watch, method, path)
                    checked += 1
    assert checked, f"no URL of {where} was tried"


POST_ROUTES = [route for route in ROUTES if route.name not in SKIPPED]
# What a placeholder puts in the path for an argument of each converter (`<int:pk>`, `<uuid:id>`, `<slug>`).
PLACEHOLDERS = {"int": "1", "uuid": "00000000-0000-0000-0000-000000000000"}


def _takes_post(client: Client, route: Route) -> bool:
    """Whether the route's view takes POST: OPTIONS on its path with placeholder arguments, which
    require_http_methods answers before the view reads them. A route without POST is skipped before the
    test builds its objects (a quarter of a second each, for a hundred routes)."""
    path = "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m: PLACEHOLDERS.get(m.group(1) or "", "x"), route.route)
    return "POST" in allowed_methods(client, path)


def _form_of(request: pytest.FixtureRequest, client: Client, route: Route) -> tuple[str, list[str]]:
    """The route's path and the names its form posts (skipping a route that takes no POST)."""
    if not _takes_post(client, route):
        pytest.skip("takes no POST")
    path = route.fill(request.getfixturevalue("objects"))
    assert "POST" in allowed_methods(client, path), f"{path}: takes POST only with placeholder arguments"
    return path, form_names(client, path) + COMMON_NAMES


@pytest.mark.parametrize("route", POST_ROUTES, ids=[route.name for route in POST_ROUTES])
@pytest.mark.usefixtures("sandbox")  # its committed demo data; `objects` is built only for a form
def test_no_form_answers_500_to_hostile_values(
    request: pytest.FixtureRequest, admin_client: Client, route: Route
) -> None:
    path, names = _form_of(request, admin_client, route)
    watch = request.getfixturevalue("watch")

    @settings(
        max_examples=12,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.dictionaries(st.sampled_from(names), values, max_size=len(names)))
    def post(data: dict[str, Any]) -> None:
        check(admin_client, watch, "POST", path, encoded(data))

    post()


@pytest.mark.parametrize("route", POST_ROUTES, ids=[route.name for route in POST_ROUTES])
@pytest.mark.usefixtures("sandbox")  # its committed demo data; `objects` is built only for a form
def test_no_form_answers_500_to_a_huge_integer_or_a_lone_surrogate_in_every_field(
    request: pytest.FixtureRequest, admin_client: Client, route: Route
) -> None:
    """Not sampled: each value goes into every field of the form at once."""
    path, names = _form_of(request, admin_client, route)
    watch = request.getfixturevalue("watch")
    for value in HUGE_INTEGERS + LONE_SURROGATES:
        check(admin_client, watch, "POST", path, encoded(dict.fromkeys(names, value)))


@pytest.mark.long(6)  # one test per part of the dashboard: seconds each
@pytest.mark.parametrize("where", AREAS)
def test_no_page_answers_5xx_to_a_huge_integer_or_a_lone_surrogate_in_every_query_parameter(
    admin_client: Client, watch: StateWatch, objects: dict[str, str], where: str
) -> None:
    checked = 0
    for route in ROUTES:
        if area(route) != where or route.name in SKIPPED:
            continue
        path = route.fill(objects)
        if "GET" not in allowed_methods(admin_client, path):
            continue
        names = sorted(set(QUERY_NAMES + form_names(admin_client, path)))
        for value in HUGE_INTEGERS + LONE_SURROGATES:
            check(admin_client, watch, "GET", f"{path}?{encoded(dict.fromkeys(names, value))}")
            checked += 1
    assert checked, f"no page of {where} was tried"


class _Refusing:
    """A client whose every answer is a 400, after it has written a job when `writes`."""

    def __init__(self, writes: bool) -> None:
        self.writes = writes

    def post(self, *_: Any, **__: Any) -> Any:
        if self.writes:
            Job.objects.create(kind="test", label="Written by a refused request", task_name="x")
        return type("Answer", (), {"status_code": 400})()


@pytest.mark.parametrize("read_before", [True, False], ids=["state read before", "state not read"])
def test_check_fails_a_refused_request_that_changed_state(watch: StateWatch, read_before: bool) -> None:
    if read_before:
        watch.current()
    check(_Refusing(writes=False), watch, "POST", "/")  # type: ignore[arg-type]
    with pytest.raises(AssertionError, match="was refused but changed state"):
        check(_Refusing(writes=True), watch, "POST", "/")  # type: ignore[arg-type]
