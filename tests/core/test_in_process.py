"""The in-process seam of build_http (apps.core.http.IN_PROCESS), and the tests' transport on it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from django.utils import timezone

from apps.core import http
from apps.core.http import ApiClient, ApiUnavailable
from apps.sandbox.models import FaultSettings
from tests import sandboxes


def test_a_mounted_host_is_served_by_its_transport_inside_the_same_retries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("httpx_retries.retry.time.sleep", lambda seconds: None)
    statuses = [503, 200]
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(statuses.pop(0), json={"ok": True})

    monkeypatch.setitem(http.IN_PROCESS, "inside.test", httpx.MockTransport(answer))
    with ApiClient(http.build_http("http://inside.test/api", backoff=0)) as api:
        assert api.request("GET", "things").json() == {"ok": True}
    assert seen == ["http://inside.test/api/things"] * 2  # the 503 was retried as over the network


def test_an_unmounted_host_goes_to_the_network() -> None:
    api = ApiClient(http.build_http("http://elsewhere.invalid/api", retries=0))
    with api, pytest.raises(ApiUnavailable):
        api.request("GET", "things")


def test_the_sandbox_in_process_answers_and_leaves_the_callers_zone(seeded: Any) -> None:
    timezone.activate("Europe/Warsaw")
    try:
        with ApiClient(http.build_http(f"{sandboxes.BASE_URL}/flows/api/v1", retries=0)) as api:
            response = api.request("GET", "flows", headers={"Authorization": f"Bearer {seeded.flows.token}"})
        assert response.status_code == 200 and response.json()["items"]
        assert timezone.get_current_timezone_name() == "Europe/Warsaw"
    finally:
        timezone.deactivate()


def test_an_answer_that_breaks_off_is_a_dropped_connection(seeded: Any) -> None:
    FaultSettings.objects.create(pk=1, error_rate=1.0, faults=["drop"])
    headers = {"Authorization": f"Bearer {seeded.flows.token}"}
    api = ApiClient(http.build_http(f"{sandboxes.BASE_URL}/flows/api/v1", retries=0))
    with api, pytest.raises(ApiUnavailable, match="no connection could be made"):
        api.request("GET", "flows", headers=headers)
