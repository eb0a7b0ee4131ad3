"""'Test connection' end to end: the view starts a job, the task signs in to the sandbox over HTTP."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from apps.connections import services
from apps.connections.models import Connection
from apps.jobs.models import Job
from apps.sandbox import seed
from apps.sandbox.models import FaultSettings, SyneriseUser, Workspace

pytestmark = pytest.mark.usefixtures("eager_celery")


def run_test(client: Client, connection: Connection) -> Job:
    response = client.post(reverse("connections:test", args=[connection.pk]))
    assert response.status_code == 302
    job = Job.objects.get(target_id=str(connection.pk))
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    return job


@pytest.mark.embedded
@pytest.mark.parametrize("kind", ["synerise", "canvas", "flows"])
def test_it_succeeds_for_each_demo_connection(
    operator_client: Client, demo: dict[str, Connection], kind: str
) -> None:
    job = run_test(operator_client, demo[kind])
    assert job.state == Job.State.SUCCEEDED, job.error
    assert job.progress == 100
    connection = Connection.objects.get(pk=demo[kind].pk)
    assert connection.last_check_ok is True
    assert connection.last_checked_at is not None
    logs = [line.message for line in job.logs.all()]
    assert logs[0] == "Queued by olive"
    assert logs[-1] == connection.last_check_message


def test_it_reports_a_wrong_api_key(operator_client: Client, demo: dict[str, Connection]) -> None:
    Workspace.objects.filter(name="Demo workspace").update(api_key="rotated-on-the-remote-side")
    job = run_test(operator_client, demo["synerise"])
    assert job.state == Job.State.FAILED
    assert job.error == "The remote service did not accept the credentials: Invalid API key"
    connection = Connection.objects.get(pk=demo["synerise"].pk)
    assert connection.last_check_ok is False
    assert "Invalid API key" in connection.last_check_message


def test_it_reports_wrong_canvas_keys(operator_client: Client, demo: dict[str, Connection]) -> None:
    connection = demo["canvas"]
    connection.secret_key = "00000000-0000-0000-0000-000000000000"
    connection.save()
    job = run_test(operator_client, connection)
    assert job.state == Job.State.FAILED
    assert job.error.startswith("The remote service did not accept the credentials")


def test_it_reports_an_unreachable_service(operator_client: Client, demo: dict[str, Connection]) -> None:
    connection = demo["flows"]
    connection.base_url = "http://127.0.0.1:9/api/v1"
    connection.save()
    job = run_test(operator_client, connection)
    assert job.state == Job.State.FAILED
    assert job.error.startswith("The remote service is unavailable")


def test_it_reports_a_failing_sandbox(operator_client: Client, demo: dict[str, Connection]) -> None:
    FaultSettings.objects.create(pk=1, error_rate=1.0, faults=["5xx"])
    job = run_test(operator_client, demo["canvas"])
    assert job.state == Job.State.FAILED
    assert "Service unavailable (injected)" in job.error


def test_it_answers_htmx_with_the_job_fragment(operator_client: Client, demo: dict[str, Connection]) -> None:
    response = operator_client.post(
        reverse("connections:test", args=[demo["flows"].pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="job-status"' in html
    assert "<html" not in html


def test_it_signs_in_as_a_user_after_choosing_a_workspace(admin_client: Client, sandbox: seed.Seeded) -> None:
    connection = Connection.objects.create(
        kind="synerise",
        name="As a user",
        base_url=demo_base(sandbox),
        auth_mode="user",
        username=seed.DEMO_USER_EMAIL,
        password=settings.SANDBOX_DEMO_PASSWORD,
    )
    job = run_test(admin_client, connection)
    assert job.state == Job.State.FAILED
    assert job.error == "No workspace is chosen: choose one on the connection's page."

    page = admin_client.get(reverse("connections:workspace", args=[connection.pk])).content.decode()
    assert "Demo workspace" in page and "Staging workspace" in page
    staging = Workspace.objects.get(name="Staging workspace")
    response = admin_client.post(
        reverse("connections:workspace", args=[connection.pk]), {"workspace": str(staging.guid)}
    )
    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.workspace_name == "Staging workspace"

    Job.objects.all().delete()
    job = run_test(admin_client, connection)
    assert job.state == Job.State.SUCCEEDED, job.error
    assert "Staging workspace" in job.logs.last().message


def test_it_shows_a_remote_error_when_workspaces_cannot_be_listed(
    admin_client: Client, sandbox: seed.Seeded
) -> None:
    connection = Connection.objects.create(
        kind="synerise",
        name="Wrong password",
        base_url=demo_base(sandbox),
        auth_mode="user",
        username=seed.DEMO_USER_EMAIL,
        password="wrong",
    )
    response = admin_client.get(reverse("connections:workspace", args=[connection.pk]))
    assert response.status_code == 502
    assert "Invalid username or password" in response.content.decode()
    htmx = admin_client.get(reverse("connections:workspace", args=[connection.pk]), HTTP_HX_REQUEST="true")
    assert htmx.status_code == 200
    assert htmx["HX-Retarget"] == "#messages"
    assert "Invalid username or password" in htmx.content.decode()


def test_it_reuses_the_cached_token_and_renews_it_after_a_401(demo: dict[str, Connection]) -> None:
    connection = demo["synerise"]
    store = services.CacheTokenStore(connection)
    with services.http_for(connection) as http:
        first = http.get("uauth/business-profile/current")
        token = store.get()
        assert token is not None
        assert first.request.headers["Authorization"] == f"Bearer {token.value}"
        # A workspace token on a user-only endpoint is refused with 403, not 401: no new login.
        assert first.status_code == 403
        assert store.get() == token
        # Corrupt the cached token: the sandbox answers 401, the auth logs in again and repeats.
        store.set(type(token)(value="garbage", expires_at=token.expires_at))
        second = http.get("v4/auth/refresh/profile")
        assert second.status_code == 200
        assert store.get() is not None and store.get().value != "garbage"


def demo_base(sandbox: seed.Seeded) -> str:
    return Connection.objects.get(name="Demo workspace (sandbox)").base_url


def test_demo_user_exists(sandbox: seed.Seeded) -> None:
    assert SyneriseUser.objects.get(email=seed.DEMO_USER_EMAIL).workspaces.count() == 2
