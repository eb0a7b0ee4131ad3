"""The Synerise authentication client against the sandbox over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings

from apps.connections.client import SyneriseAuthClient
from apps.connections.models import Connection
from apps.core.http import ApiValidationError
from apps.sandbox import seed


@pytest.fixture
def auth(demo: dict[str, Connection]) -> Iterator[SyneriseAuthClient]:
    with SyneriseAuthClient.for_url(demo["synerise"].base_url) as client:
        yield client


def test_a_user_login_sends_every_documented_field(auth: SyneriseAuthClient) -> None:
    # A1 documents deviceId and the external provider beside the credentials (§1.3).
    login = auth.login_user(
        seed.DEMO_USER_EMAIL,
        settings.SANDBOX_DEMO_PASSWORD,
        device_id="synadmin-test",
        external_provider_token="google-id-token",
        external_provider_type="GOOGLE",
    )
    assert login.token and login.consumer is not None and login.consumer.type == "USER"
    assert [w.name for w in auth.list_workspaces(login.token)] == ["Demo workspace", "Staging workspace"]
    with pytest.raises(ApiValidationError):
        auth.login_user(
            seed.DEMO_USER_EMAIL,
            settings.SANDBOX_DEMO_PASSWORD,
            external_provider_type="FACEBOOK",  # type: ignore[arg-type]  # the doc allows only GOOGLE
        )
