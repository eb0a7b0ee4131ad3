"""Every paged operation of every sandbox API bounds its numbers, says so in its OpenAPI document, and
answers a number past the bound with a 400 or 422 in that API's own error shape, never a 500 (issue 18,
defect 5: `diagrams?page=100000000000000000000` was a `bigint out of range`)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from apps.sandbox import seed, tokens

HUGE = "100000000000000000000"
APIS = ["synerise/", "synerise/brickworks/v1/", "canvas/api/", "flows/api/v1/"]
FILLERS = {"integer": "1", "string": "x"}


def headers(seeded: seed.Seeded, base: str) -> dict[str, str]:
    if base.startswith("canvas"):
        return {"Consumer": settings.SANDBOX_CANVAS_CONSUMER, "SecretKey": settings.SANDBOX_CANVAS_SECRET}
    if base.startswith("flows"):
        return {"Authorization": f"Bearer {settings.SANDBOX_FLOWS_TOKEN}"}
    return {"Authorization": f"Bearer {tokens.issue(workspace=seeded.workspace, user=None, ttl=3600)}"}


def integer_queries(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(URL, parameter, its schema) of every integer query of a GET, the URL's own parameters filled in."""
    found = []
    for path, operations in document["paths"].items():
        get = operations.get("get")
        if not get:
            continue
        parameters = get.get("parameters", [])
        filled = {
            p["name"]: p["schema"].get("format") == "uuid"
            and "00000000-0000-0000-0000-000000000000"
            or FILLERS.get(p["schema"].get("type", "string"), "x")
            for p in parameters
            if p["in"] == "path"
        }
        url = re.sub(r"\{(\w+)\}", lambda m: filled[m.group(1)], path)  # noqa: B023 -- used right here
        found += [
            (url, p["name"], p["schema"])
            for p in parameters
            if p["in"] == "query" and p["schema"].get("type") == "integer"
        ]
    return found


def test_every_sandbox_api_has_paged_operations_to_check(seeded: seed.Seeded) -> None:
    names = set()
    for base in APIS:
        document = Client().get(f"/sandbox/{base}openapi.json").json()
        names |= {name for _, name, _ in integer_queries(document)}
    assert {"page", "limit", "offset"} <= names


@pytest.mark.parametrize("base", APIS)
def test_every_integer_query_of_every_sandbox_api_names_its_maximum_and_refuses_past_it(
    seeded: seed.Seeded, base: str
) -> None:
    document = Client().get(f"/sandbox/{base}openapi.json").json()
    for url, name, schema in integer_queries(document):
        assert "maximum" in schema, f"{url}?{name}= names no maximum"
        for value in (str(schema["maximum"] + 1), HUGE, "-" + HUGE):
            response = Client().get(url, {name: value}, headers=headers(seeded, base))
            assert response.status_code in (400, 422), f"{url}?{name}={value}: {response.status_code}"
            assert response.json(), "an error body in the API's own shape"
        response = Client().get(url, {name: str(schema["maximum"])}, headers=headers(seeded, base))
        assert response.status_code < 500, f"{url}?{name}={schema['maximum']}: {response.status_code}"
