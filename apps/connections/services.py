"""Connections: saving them, reaching the remote services through them, and testing them."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
from cryptography.fernet import InvalidToken
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, OuterRef, Value
from django.utils import timezone
from pydantic import BaseModel, StrictBool, TypeAdapter

from apps.connections import guard
from apps.connections.auth import SyneriseAuth, Token
from apps.connections.client import SyneriseAuthClient
from apps.connections.models import Connection, Preference
from apps.connections.wire import CanvasBase, FlowsBase
from apps.core import audit, fields, memo
from apps.core import cache as caches
from apps.core.http import ApiError, build_http
from apps.jobs import kinds
from apps.jobs import services as jobs
from apps.jobs.models import Job

User = audit.Person
# The answers "Test connection" reads; the domain clients read the full shapes.
CANVAS_AUTHENTICATED = TypeAdapter(StrictBool)


class FlowsPage(BaseModel):
    items: list[dict[str, Any]]


class ConnectionProblem(ApiError):
    """A connection cannot be used as it is configured; the message says what to fix.

    An ApiError, so that a page that needed the connection shows it like a remote refusal.
    """

    @property
    def title(self) -> str:
        return "The connection is not set up"


def http_options(*, retries: int | None = None) -> dict[str, Any]:
    """Timeout, transport retries of idempotent calls and backoff, from settings; the address check."""
    return {
        "timeout": settings.REMOTE_TIMEOUT,
        "retries": settings.REMOTE_RETRIES if retries is None else retries,
        "backoff": settings.REMOTE_BACKOFF,
        "addresses": guard.checked_addresses,
    }


class CacheTokenStore:
    """Keeps a connection's JWT in Django's cache, shared by web and workers.

    The key includes a digest of the credentials, so editing them starts with a fresh token. The token
    is encrypted with the keys of the connection secrets: whoever reads the cache (Redis) can't use it.
    One that no key decrypts (a rotated key, an entry written before encryption) is no token. While the
    cache is down (apps.core.cache) each process goes on with the tokens it holds.
    """

    def __init__(self, connection: Connection) -> None:
        material = "|".join(
            [
                connection.base_url,
                connection.auth_mode,
                connection.api_key,
                connection.username,
                connection.password,
                connection.workspace_uuid,
            ]
        )
        digest = hashlib.sha256(material.encode()).hexdigest()[:24]
        self.key = f"synerise-token:{connection.pk}:{digest}"

    def get(self) -> Token | None:
        value = cache.get(self.key)
        if caches.is_down():
            return _kept.get(self.key)
        if not value:
            return None
        try:
            return Token(value=fields.decrypt(value["value"]), expires_at=value["expires_at"])
        except InvalidToken:
            return None

    def set(self, token: Token) -> None:
        ttl = max(1, int(token.expires_at - timezone.now().timestamp()))
        cache.set(self.key, {"value": fields.encrypt(token.value), "expires_at": token.expires_at}, ttl)
        _kept[self.key] = token

    def clear(self) -> None:
        _kept.pop(self.key, None)
        cache.delete(self.key)


# The tokens this process holds, read only while the cache is down (apps.core.cache): an outage then
# costs no login, or one per process and connection, instead of one per request.
_kept: dict[str, Token] = {}


def synerise_auth(connection: Connection) -> SyneriseAuth:
    """The httpx.Auth that signs requests to a Synerise workspace (login, refresh, retry on 401)."""

    def login() -> Token:
        with SyneriseAuthClient.for_url(connection.base_url, **http_options()) as api:
            return _login(api, connection)

    def refresh(token: Token) -> Token:
        with SyneriseAuthClient.for_url(connection.base_url, **http_options()) as api:
            return Token.from_jwt(api.refresh_workspace_token(token.value).token)

    is_key = connection.auth_mode == Connection.AuthMode.API_KEY
    # User tokens have no documented refresh; they are replaced by a new login.
    return SyneriseAuth(login=login, refresh=refresh if is_key else None, store=CacheTokenStore(connection))


def http_for(connection: Connection, *, retries: int | None = None) -> httpx.Client:
    """An authenticated httpx client for the connection's service, for the domain clients.

    `retries=0` is for callers that retry on their own (a scheduled action's attempts), so that
    no request is repeated by two layers.
    """
    options = http_options(retries=retries)
    if connection.kind == Connection.Kind.SYNERISE:
        return build_http(connection.base_url, auth=synerise_auth(connection), **options)
    if connection.kind == Connection.Kind.CANVAS:
        # Reference: canvas.md §2, the Consumer / SecretKey / ManagedAccountId headers on every action.
        headers = {"Consumer": connection.consumer, "SecretKey": connection.secret_key}
        if connection.managed_account_id:
            headers["ManagedAccountId"] = connection.managed_account_id
        return build_http(connection.base_url, headers=headers, **options)
    # The flows doc names no auth; a bearer token is sent when one is set (docs/api-decisions.md).
    headers = {"Authorization": f"Bearer {connection.token}"} if connection.token else {}
    return build_http(connection.base_url, headers=headers, **options)


def _login(api: SyneriseAuthClient, connection: Connection) -> Token:
    if connection.auth_mode == Connection.AuthMode.API_KEY:
        if not connection.api_key:
            raise ConnectionProblem("No workspace API key is set.")
        return Token.from_jwt(api.login_workspace(connection.api_key).token)
    if not connection.workspace_uuid:
        raise ConnectionProblem("No workspace is chosen: choose one on the connection's page.")
    user_token = api.login_user(connection.username, connection.password).token
    return Token.from_jwt(api.select_workspace(user_token, connection.workspace_uuid).token)


def secret_fields(connection: Connection) -> tuple[str, ...]:
    """The secrets this connection signs in with."""
    if connection.kind == Connection.Kind.SYNERISE:
        return ("api_key",) if connection.auth_mode == Connection.AuthMode.API_KEY else ("password",)
    if connection.kind == Connection.Kind.CANVAS:
        return ("consumer", "secret_key")
    return ("token",)


def save_connection(connection: Connection, *, user: User) -> Connection:
    """Create or update a connection (the form has already kept unchanged secrets)."""
    action = "connection.update" if connection.pk else "connection.create"
    with audit.action(user, action, connection, kind=connection.kind, base_url=connection.base_url) as extra:
        connection.save()
        extra["id"] = connection.pk
    return connection


def delete_connection(connection: Connection, *, user: User) -> None:
    with audit.action(user, "connection.delete", connection, kind=connection.kind):
        connection.delete()


def list_remote_workspaces(connection: Connection) -> list[tuple[str, str]]:
    """(uuid, name) of the workspaces a user-login connection may choose from."""
    with SyneriseAuthClient.for_url(connection.base_url, **http_options()) as api:
        user_token = api.login_user(connection.username, connection.password).token
        return [(w.businessProfileGuid, w.name) for w in api.list_workspaces(user_token)]


def choose_workspace(connection: Connection, *, uuid: str, name: str, user: User) -> None:
    connection.workspace_uuid, connection.workspace_name = uuid, name
    with audit.action(user, "connection.choose_workspace", connection, workspace=uuid):
        connection.save(update_fields=["workspace_uuid", "workspace_name", "updated_at"])


def workspaces(user: User) -> list[Connection]:
    """The Synerise connections, in the header picker's order, the person's choice marked `chosen` (read
    once a request, in one query)."""
    return memo.once_per_request(("workspaces", user.pk), lambda: _workspaces(user))


def _workspaces(user: User) -> list[Connection]:
    synerise = Connection.objects.filter(kind=Connection.Kind.SYNERISE)
    if not user.is_authenticated:
        return list(synerise.annotate(chosen=Value(False)))
    return list(
        synerise.annotate(chosen=Exists(Preference.objects.filter(user=user, workspace=OuterRef("pk"))))
    )


def current_workspace(user: User) -> Connection | None:
    """The Synerise connection the person works in: their choice, else the first one."""
    listed = workspaces(user)
    return next((each for each in listed if getattr(each, "chosen", False)), listed[0] if listed else None)


class NoConnection(ApiError):
    """There is no connection of the kind a page needs (shown like a remote error, with its own title)."""

    @property
    def title(self) -> str:
        return "No connection to work with"


KIND_HINTS: dict[str, str] = {
    Connection.Kind.SYNERISE: "Add a Synerise workspace under Settings → Connections first.",
    Connection.Kind.CANVAS: "Add a Canvas account under Settings → Connections first.",
    Connection.Kind.FLOWS: "Add a flows API connection under Settings → Connections first.",
}


def connection_for(user: User, kind: str) -> Connection:
    """The connection of `kind` the person works with: their current workspace for Synerise, else the
    first one of the kind. Raises NoConnection, saying what to add, when there is none."""
    if kind == Connection.Kind.SYNERISE:
        connection = current_workspace(user)
    else:
        connection = Connection.objects.filter(kind=kind).order_by("pk").first()
    if connection is None:
        raise NoConnection(KIND_HINTS[kind])
    return connection


def set_current_workspace(user: User, connection: Connection) -> None:
    with audit.action(user, "workspace.switch", connection):
        Preference.objects.update_or_create(user_id=user.pk, defaults={"workspace": connection})


TEST = kinds.name("connection.test", "Connection test")


def test_connection(job_id: int) -> None:
    """Run a "Test connection" job: sign in and make one authenticated call; record the outcome."""
    with jobs.running(job_id) as job:
        if job is None:
            return
        connection = Connection.objects.filter(pk=job.target_id).first()
        if connection is None:
            raise jobs.JobFailed("The connection was deleted.")
        try:
            message = CHECKS[connection.kind](connection, job)
        except ConnectionProblem as exc:
            _record_check(connection, ok=False, message=str(exc))
            raise jobs.JobFailed(str(exc)) from exc
        except ApiError as exc:
            _record_check(connection, ok=False, message=f"{exc.title}: {exc.message}")
            raise
        _record_check(connection, ok=True, message=message)
        jobs.log(job, message)


def _check_synerise(connection: Connection, job: Job) -> str:
    with SyneriseAuthClient.for_url(connection.base_url, **http_options()) as api:
        if connection.auth_mode == Connection.AuthMode.API_KEY:
            jobs.report(job, progress=20, step="Signing in with the workspace API key")
            token = _login(api, connection)
            jobs.report(job, progress=60, step="Refreshing the token to check it is accepted")
            token = Token.from_jwt(api.refresh_workspace_token(token.value).token)
            CacheTokenStore(connection).set(token)
            return f"Signed in; the token is valid until {_when(token)}."
        jobs.report(job, progress=20, step=f"Signing in as {connection.username}")
        token = _login(api, connection)
        jobs.report(job, progress=70, step="Reading the selected workspace")
        current = api.current_workspace(token.value)
        CacheTokenStore(connection).set(token)
        name = current.data.name if current.data else "?"
        return f"Signed in to workspace {name}; the token is valid until {_when(token)}."


def _check_canvas(connection: Connection, job: Job) -> str:
    jobs.report(job, progress=30, step="Checking the Consumer and SecretKey")
    with CanvasBase(http_for(connection)) as api:
        # Reference: canvas.md §2.1, GET /api/Authenticate answers the JSON boolean `true`.
        if api.parse(CANVAS_AUTHENTICATED, api.request("GET", "Authenticate")) is not True:
            raise ConnectionProblem("Canvas did not accept the keys.")
    return "Canvas accepted the keys."


def _check_flows(connection: Connection, job: Job) -> str:
    jobs.report(job, progress=30, step="Listing flows")
    with FlowsBase(http_for(connection)) as api:
        # Reference: flows.md §2 #1, a CursorPage of flows.
        page = api.parse(FlowsPage, api.request("GET", "flows", params={"size": 1}))
    return f"The flows API answered ({'some' if page.items else 'no'} flows on the first page)."


CHECKS: dict[str, Callable[[Connection, Job], str]] = {
    Connection.Kind.SYNERISE: _check_synerise,
    Connection.Kind.CANVAS: _check_canvas,
    Connection.Kind.FLOWS: _check_flows,
}


def _record_check(connection: Connection, *, ok: bool, message: str) -> None:
    Connection.objects.filter(pk=connection.pk).update(
        last_checked_at=timezone.now(), last_check_ok=ok, last_check_message=message[:1000]
    )


def _when(token: Token) -> str:
    return datetime.fromtimestamp(token.expires_at, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")


@transaction.atomic
def create_demo_connections(
    *, base_url: str, api_key: str, consumer: str, secret_key: str, token: str
) -> None:
    """The embedded default: one connection of each kind, pointing at the built-in sandbox."""
    base = base_url.rstrip("/")
    demo = [
        (
            "Demo workspace (sandbox)",
            Connection.Kind.SYNERISE,
            {"base_url": f"{base}/synerise", "auth_mode": Connection.AuthMode.API_KEY, "api_key": api_key},
        ),
        (
            "Demo Canvas (sandbox)",
            Connection.Kind.CANVAS,
            {"base_url": f"{base}/canvas/api", "consumer": consumer, "secret_key": secret_key},
        ),
        ("Demo flows (sandbox)", Connection.Kind.FLOWS, {"base_url": f"{base}/flows/api/v1", "token": token}),
    ]
    for name, kind, values in demo:
        Connection.objects.update_or_create(name=name, defaults={"kind": kind, **values})
