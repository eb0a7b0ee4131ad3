"""The sandbox's Synerise authentication, as a client on the wire sees it (spec §1.3)."""

from __future__ import annotations

import io
from typing import Any

import jwt
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from apps.sandbox import seed, tokens
from apps.sandbox.models import SyneriseUser, Workspace

BASE = "/sandbox/synerise"


@pytest.fixture
def seeded(db: None) -> seed.Seeded:
    return seed.seed()


@pytest.fixture
def api() -> Client:
    return Client()


def post(api: Client, path: str, body: dict[str, Any] | None = None, token: str = "") -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return api.post(f"{BASE}{path}", body or {}, content_type="application/json", headers=headers)


def get(api: Client, path: str, token: str = "") -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return api.get(f"{BASE}{path}", headers=headers)


def assert_error_body(response: Any, status: int, message: str) -> None:
    """The documented v4 error body: {timestamp, status, error, message, path}."""
    assert response.status_code == status
    body = response.json()
    assert set(body) >= {"timestamp", "status", "error", "message", "path"}
    assert body["status"] == status
    assert body["message"] == message
    assert body["path"] == response.wsgi_request.path


def workspace_token(api: Client, workspace: Workspace) -> str:
    response = post(api, "/uauth/v2/auth/login/profile", {"apiKey": workspace.api_key})
    assert response.status_code == 200, response.content
    return response.json()["token"]


def test_an_api_key_logs_in_with_an_expiring_jwt(api: Client, seeded: seed.Seeded) -> None:
    token = workspace_token(api, seeded.workspace)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["bpi"] == seeded.workspace.pk
    assert claims["rlm"] == "business_profile"
    assert claims["exp"] - claims["ctd"] / 1000 == pytest.approx(seeded.workspace.token_ttl, abs=2)


def test_a_wrong_api_key_answers_401(api: Client, seeded: seed.Seeded) -> None:
    assert_error_body(post(api, "/uauth/v2/auth/login/profile", {"apiKey": "nope"}), 401, "Invalid API key")


def test_a_login_without_a_key_is_a_validation_error(api: Client, seeded: seed.Seeded) -> None:
    response = post(api, "/uauth/v2/auth/login/profile", {})
    assert_error_body(response, 400, "Validation failed")
    assert response.json()["errors"][0]["field"] == "apiKey"


def test_the_sandbox_api_key_setting_is_the_demo_key(db: None, settings: Any, api: Client) -> None:
    settings.SANDBOX_API_KEY = "my-fixed-demo-key"
    seeded = seed.seed()
    assert seeded.workspace.api_key == "my-fixed-demo-key"
    assert post(api, "/uauth/v2/auth/login/profile", {"apiKey": "my-fixed-demo-key"}).status_code == 200


def test_refresh_gives_a_new_token_for_the_same_workspace(api: Client, seeded: seed.Seeded) -> None:
    token = workspace_token(api, seeded.workspace)
    response = get(api, "/v4/auth/refresh/profile", token)
    assert response.status_code == 200
    refreshed = response.json()["token"]
    assert tokens.read(refreshed).workspace == seeded.workspace


@pytest.mark.parametrize(
    ("token", "message"),
    [("", "Unauthorized"), ("not-a-jwt", "Invalid token")],
)
def test_refresh_refuses_a_missing_or_wrong_token(
    api: Client, seeded: seed.Seeded, token: str, message: str
) -> None:
    response = get(api, "/v4/auth/refresh/profile", token)
    assert_error_body(response, 401, message)


def test_an_expired_token_answers_401(api: Client, seeded: seed.Seeded) -> None:
    expired = tokens.issue(workspace=seeded.workspace, user=None, ttl=-10)
    assert_error_body(get(api, "/v4/auth/refresh/profile", expired), 401, "Token expired")


def test_a_token_signed_by_someone_else_answers_401(api: Client, seeded: seed.Seeded) -> None:
    forged = jwt.encode(
        {"bpi": seeded.workspace.pk, "aud": "API", "iss": "Synerise", "exp": 9999999999},
        "another-key-that-is-long-enough-for-hs256",
        algorithm="HS256",
    )
    assert_error_body(get(api, "/v4/auth/refresh/profile", forged), 401, "Invalid token")


def test_a_token_of_a_deleted_workspace_answers_401(api: Client, seeded: seed.Seeded) -> None:
    token = workspace_token(api, seeded.workspace)
    Workspace.objects.filter(pk=seeded.workspace.pk).delete()
    assert_error_body(get(api, "/v4/auth/refresh/profile", token), 401, "Invalid token")


def user_login(api: Client) -> dict[str, Any]:
    response = post(
        api,
        "/uauth/auth/login/user",
        {
            "username": seed.DEMO_USER_EMAIL,
            "password": settings.SANDBOX_DEMO_PASSWORD,
            "deviceId": "synadmin",
        },
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_a_user_logs_in_then_selects_a_workspace(api: Client, seeded: seed.Seeded) -> None:
    login = user_login(api)
    assert login["consumer"]["type"] == "USER"
    assert get(api, "/uauth/business-profile/current", login["token"]).json() == {
        "selected": False,
        "data": None,
    }

    listed = get(api, "/uauth/business-profile/", login["token"]).json()
    assert [w["name"] for w in listed] == ["Demo workspace", "Staging workspace"]
    staging = next(w for w in listed if w["name"] == "Staging workspace")

    selected = post(
        api, f"/uauth/auth/login/user/profile/{staging['businessProfileGuid']}", token=login["token"]
    )
    assert selected.status_code == 200
    current = get(api, "/uauth/business-profile/current", selected.json()["token"]).json()
    assert current["selected"] is True
    assert current["data"]["businessProfileGuid"] == staging["businessProfileGuid"]


def test_a_wrong_password_answers_401(api: Client, seeded: seed.Seeded) -> None:
    response = post(api, "/uauth/auth/login/user", {"username": seed.DEMO_USER_EMAIL, "password": "guess"})
    assert_error_body(response, 401, "Invalid username or password")


def test_a_user_cannot_select_someone_elses_workspace(api: Client, seeded: seed.Seeded) -> None:
    other = Workspace.objects.create(name="Not yours")
    login = user_login(api)
    response = post(api, f"/uauth/auth/login/user/profile/{other.guid}", token=login["token"])
    assert_error_body(response, 404, "Workspace not found")
    response = post(api, "/uauth/auth/login/user/profile/not-a-uuid", token=login["token"])
    assert_error_body(response, 404, "Workspace not found")


def test_user_endpoints_refuse_a_workspace_token(api: Client, seeded: seed.Seeded) -> None:
    token = workspace_token(api, seeded.workspace)
    response = get(api, "/uauth/business-profile/", token)
    assert_error_body(response, 403, "This operation is available to Synerise users only")


def test_refresh_refuses_a_user_token_without_a_workspace(api: Client, seeded: seed.Seeded) -> None:
    login = user_login(api)
    response = get(api, "/v4/auth/refresh/profile", login["token"])
    assert_error_body(response, 403, "This operation needs a token scoped to a workspace")


def test_passwords_are_stored_hashed(seeded: seed.Seeded) -> None:
    user = SyneriseUser.objects.get(email=seed.DEMO_USER_EMAIL)
    assert settings.SANDBOX_DEMO_PASSWORD not in user.password
    assert user.check_password(settings.SANDBOX_DEMO_PASSWORD)


def test_the_demo_user_gets_the_password_from_settings_on_every_seed(db: None, settings: Any) -> None:
    settings.SANDBOX_DEMO_PASSWORD = "first-password"
    seed.seed()
    settings.SANDBOX_DEMO_PASSWORD = "second-password"
    seed.seed()
    user = SyneriseUser.objects.get(email=seed.DEMO_USER_EMAIL)
    assert user.check_password("second-password")
    assert not user.check_password("first-password")
    assert not user.check_password("sandbox-demo")


def test_seed_sandbox_prints_the_demo_user_and_password(db: None, settings: Any) -> None:
    settings.SANDBOX_DEMO_PASSWORD = "printed-password"
    out = io.StringIO()
    call_command("seed_sandbox", stdout=out)
    assert f"{seed.DEMO_USER_EMAIL} with password printed-password" in out.getvalue()


def test_a_tokens_workspace_and_user_are_read_once_and_read_again_after_a_change(
    seeded: seed.Seeded, django_assert_num_queries: Any
) -> None:
    user = seeded.workspace.users.get(email=seed.DEMO_USER_EMAIL)
    as_workspace = tokens.issue(workspace=seeded.workspace, user=None, ttl=60)
    as_user = tokens.issue(workspace=None, user=user, ttl=60)
    assert tokens.read(as_workspace).workspace == seeded.workspace
    assert tokens.read(as_user).user == user
    with django_assert_num_queries(0):
        assert tokens.read(as_workspace).workspace.name == seeded.workspace.name
        assert tokens.read(as_user).user.name == user.name
    Workspace.objects.filter(pk=seeded.workspace.pk).get().save()  # a save forgets it
    with django_assert_num_queries(1):
        tokens.read(as_workspace)
    user.name = "Renamed"
    user.save()
    assert tokens.read(as_user).user.name == "Renamed"
    user.delete()
    with pytest.raises(tokens.InvalidToken):
        tokens.read(as_user)
    seeded.workspace.delete()
    with pytest.raises(tokens.InvalidToken):
        tokens.read(as_workspace)
