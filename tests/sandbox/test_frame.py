"""The sandbox's frame: Canvas and flows authentication, fault injection, OpenAPI documents."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from apps.sandbox import seed
from apps.sandbox.models import FaultSettings, Flow


@pytest.fixture
def api() -> Client:
    return Client()


def test_canvas_accepts_its_keys(api: Client, seeded: seed.Seeded) -> None:
    keys = {"Consumer": seeded.canvas.consumer, "SecretKey": seeded.canvas.secret_key}
    response = api.get("/sandbox/canvas/api/Authenticate", headers=keys)
    assert response.status_code == 200
    assert response.json() is True


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Consumer": "unknown", "SecretKey": "x"},
        {"Consumer": "{consumer}"},
        {"Consumer": "{consumer}", "SecretKey": "wrong"},
    ],
)
def test_canvas_refuses_missing_or_wrong_keys(
    api: Client, seeded: seed.Seeded, headers: dict[str, str]
) -> None:
    headers = {k: v.format(consumer=seeded.canvas.consumer) for k, v in headers.items()}
    response = api.get("/sandbox/canvas/api/Authenticate", headers=headers)
    assert response.status_code == 401
    assert response.content == b""


def flows_get(api: Client, token: str, **params: Any) -> Any:
    return api.get("/sandbox/flows/api/v1/flows", params, headers={"Authorization": f"Bearer {token}"})


def test_flows_pages_with_a_cursor(api: Client, seeded: seed.Seeded) -> None:
    ids = sorted(Flow.objects.values_list("id", flat=True))
    first = flows_get(api, seeded.flows.token, size=30).json()
    assert [f["id"] for f in first["items"]] == ids[:30]
    assert first["next_page"]
    second = flows_get(api, seeded.flows.token, size=30, cursor=first["next_page"]).json()
    assert [f["id"] for f in second["items"]] == ids[30:]
    assert second["next_page"] is None


def test_flows_refuses_a_wrong_token(api: Client, seeded: seed.Seeded) -> None:
    response = flows_get(api, "wrong")
    assert response.status_code == 401
    assert response.json() == {"detail": "Not authenticated"}


def test_flows_validates_the_page_size(api: Client, seeded: seed.Seeded) -> None:
    response = flows_get(api, seeded.flows.token, size=500)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "size"


@pytest.mark.parametrize(
    ("fault", "status"),
    [("5xx", 503), ("429", 429)],
)
def test_faults_can_be_injected_and_removed(
    api: Client, seeded: seed.Seeded, fault: str, status: int
) -> None:
    call_command("sandbox_faults", "--error-rate", "1", "--faults", fault, "--retry-after", "3")
    response = api.get("/sandbox/flows/api/v1/flows")
    assert response.status_code == status
    if status == 429:
        assert response["Retry-After"] == "3"
    call_command("sandbox_faults")
    assert FaultSettings.current().error_rate == 0
    assert api.get("/sandbox/flows/api/v1/flows").status_code == 401  # the real answer again


def test_the_fault_settings_are_read_once_and_read_again_after_every_change(
    db: None, django_assert_num_queries: Any
) -> None:
    assert FaultSettings.current() is None
    with django_assert_num_queries(0):
        assert FaultSettings.current() is None  # kept, though there are none
    call_command("sandbox_faults", "--error-rate", "1", "--faults", "5xx", stdout=io.StringIO())
    assert FaultSettings.current().faults == ["5xx"]
    with django_assert_num_queries(0):
        FaultSettings.current()
    call_command("sandbox_faults", "--latency-ms", "20", stdout=io.StringIO())
    assert (FaultSettings.current().latency_ms, FaultSettings.current().faults) == (20, [])
    FaultSettings.objects.all().delete()
    assert FaultSettings.current() is None


def test_a_dropped_connection_breaks_off_mid_body(api: Client, seeded: seed.Seeded) -> None:
    FaultSettings.objects.create(pk=1, error_rate=1, faults=["drop"])
    response = api.get("/sandbox/synerise/v4/auth/refresh/profile")
    with pytest.raises(ConnectionAbortedError):
        b"".join(response.streaming_content)


def test_faults_leave_the_dashboard_alone(
    admin_client: Client, api: Client, seeded: seed.Seeded, settings: Any
) -> None:
    FaultSettings.objects.create(pk=1, error_rate=1, faults=["5xx"])
    assert api.get("/sandbox/flows/api/v1/flows").status_code == 503
    assert api.get("/sandbox/").status_code == 503
    assert admin_client.get("/").status_code == 200
    assert api.get("/healthz").status_code == 200
    assert api.get("/accounts/login/").status_code == 200
    assert not [name for name in settings.MIDDLEWARE if name.startswith("apps.sandbox")]


def test_a_bad_error_rate_is_refused(seeded: seed.Seeded) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("sandbox_faults", "--error-rate", "2")


@pytest.mark.parametrize(
    ("base", "operation"),
    [
        ("/sandbox/synerise/", "/uauth/v2/auth/login/profile"),
        ("/sandbox/canvas/api/", "/Authenticate"),
        ("/sandbox/flows/api/v1/", "/flows"),
    ],
)
def test_each_api_publishes_its_openapi_document(api: Client, db: None, base: str, operation: str) -> None:
    document = api.get(f"{base}openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert any(path.endswith(operation) for path in document["paths"])


def test_the_index_lists_the_apis(api: Client, db: None) -> None:
    index = api.get("/sandbox/").json()
    assert set(index) == {"synerise", "brickworks", "canvas", "flows"}
    assert index["canvas"]["openapi"] == "http://testserver/sandbox/canvas/api/openapi.json"


def test_the_sandbox_can_be_turned_off(settings: Any, api: Client, db: None) -> None:
    import importlib

    from django.urls import clear_url_caches

    import synadmin.urls

    settings.SANDBOX_ENABLED = False
    try:
        importlib.reload(synadmin.urls)
        clear_url_caches()
        assert api.get("/sandbox/").status_code == 404
        call_command("seed_sandbox")
        assert not Flow.objects.exists()
    finally:
        settings.SANDBOX_ENABLED = True
        importlib.reload(synadmin.urls)
        clear_url_caches()


def test_the_openapi_documents_declare_the_error_answers(api: Client, db: None) -> None:
    brickworks = api.get("/sandbox/synerise/brickworks/v1/openapi.json").json()
    create = brickworks["paths"]["/sandbox/synerise/brickworks/v1/schemas"]["post"]["responses"]
    assert set(create) == {"201", "400", "401", "403", "409"}
    body = create["409"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert {"errorCode", "httpStatus", "traceId"} <= set(
        brickworks["components"]["schemas"][body]["required"]
    )
    flows = api.get("/sandbox/flows/api/v1/openapi.json").json()
    assert set(flows["paths"]["/sandbox/flows/api/v1/flows"]["get"]["responses"]) == {"200", "401", "422"}


def test_faults_can_be_aimed_at_one_call(api: Client, seeded: seed.Seeded) -> None:
    call_command(
        "sandbox_faults", "--error-rate", "1", "--faults", "5xx", "--path", "/canvas/api/WorkflowScheduler"
    )
    keys = {"Consumer": seeded.canvas.consumer, "SecretKey": seeded.canvas.secret_key}
    assert api.get("/sandbox/canvas/api/Authenticate", headers=keys).status_code == 200
    assert api.post("/sandbox/canvas/api/WorkflowScheduler", headers=keys).status_code == 503
    said = "0 ms, 100% of 5xx (only requests to /canvas/api/WorkflowScheduler)"
    assert str(FaultSettings.current()) == said
