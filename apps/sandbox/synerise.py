"""The Synerise gateway of the sandbox, mounted at /sandbox/synerise/: shared by the Synerise APIs.

It serves Synerise auth (spec §1: the logins that issue the tokens of apps/sandbox/tokens.py), writes the
v4 error body every Synerise API answers in, and mounts automation workflows and catalogs (the `api` of
their packages). Brickworks is an API of its own under /sandbox/synerise/brickworks/v1/ that answers token
problems in this body too. Reference: shared/spec/synerise-auth-automation-catalogs.md; decisions on what
the doc leaves open are in docs/api-decisions.md.
"""

from __future__ import annotations

import uuid
from http import HTTPStatus
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from apps.sandbox import inputs, openapi, tokens
from apps.sandbox.catalogs import api as catalogs
from apps.sandbox.catalogs import wire
from apps.sandbox.models import SyneriseUser, Workspace
from apps.sandbox.workflows import api as workflows


def error_answers(method: str, path: str, operation: dict[str, Any]) -> openapi.Errors:
    """400 for bad input, 401 for a wrong key, password or token, 403 for the wrong kind of token."""
    answers: openapi.Errors = {401: openapi.SyneriseError}
    if openapi.has_input(operation):
        answers[400] = openapi.SyneriseError
    if operation.get("security"):
        answers[403] = openapi.SyneriseError
    if openapi.path_parameters(operation):
        answers[404] = openapi.SyneriseError
    if operation["operationId"].endswith(tuple(f"_{name}" for name in workflows.CONFLICTING)):
        answers[409] = openapi.SyneriseError
    return answers


api = openapi.SandboxApi(
    errors=error_answers,
    parser=wire.ExactNumbers(),
    title="Synerise (synadmin sandbox)",
    version="1",
    urls_namespace="sandbox-synerise",
    docs_url=None,
)
api.add_decorator(inputs.refuse_unstorable)


def error_response(request: HttpRequest, status: int, message: str, **extra: Any) -> HttpResponse:
    """The v4 error body: {timestamp, status, error, message, path} (spec §1.3, "Auth error bodies")."""
    body = {
        "timestamp": timezone.now().isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "status": status,
        "error": HTTPStatus(status).phrase,
        "message": message,
        "path": request.path,
        **extra,
    }
    return api.create_response(request, body, status=status)


@api.exception_handler(AuthenticationError)
def on_unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, 401, exc.message)


@api.exception_handler(ValidationError)
def on_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"field": ".".join(str(p) for p in e["loc"][1:] if p != "payload"), "message": e["msg"]}
        for e in exc.errors
    ]
    return error_response(request, 400, "Validation failed", errors=errors)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(request, exc.status_code, exc.message)


class TokenOut(Schema):
    token: str


class ApiKeyIn(Schema):
    apiKey: str


class UserLoginIn(Schema):
    username: str
    password: str
    deviceId: str | None = None
    externalProviderToken: str | None = None
    externalProviderType: Literal["GOOGLE"] | None = None  # §1.3 A1: the only value


class ConsumerOut(Schema):
    type: str
    businessProfileId: int
    name: str
    id: int
    authorities: list[str]
    roles: str


class UserLoginOut(Schema):
    consumer: ConsumerOut
    token: str


class WorkspaceOut(Schema):
    businessProfileGuid: str
    logo: str
    name: str
    id: int
    created: str
    subdomain: str
    ipRestricted: bool
    mfaRequired: bool


class CurrentWorkspaceData(Schema):
    id: int
    name: str
    logo: str
    businessProfileGuid: str
    created: str
    subdomain: str
    ipRestriction: str
    mfaRestriction: str
    labels: list[str]


class CurrentWorkspaceOut(Schema):
    selected: bool
    data: CurrentWorkspaceData | None


@api.post("/uauth/v2/auth/login/profile", response=TokenOut, tags=["auth"], summary="Obtain a Workspace JWT")
def login_workspace(request: HttpRequest, payload: ApiKeyIn) -> dict[str, str]:
    # Spec §1.3 A6.
    workspace = Workspace.objects.filter(api_key=payload.apiKey).first()
    if workspace is None:
        raise AuthenticationError(message="Invalid API key")
    return {"token": tokens.issue(workspace=workspace, user=None, ttl=workspace.token_ttl)}


@api.get(
    "/v4/auth/refresh/profile",
    response=TokenOut,
    auth=tokens.workspace_token,
    tags=["auth"],
    summary="Refresh a Workspace JWT",
)
def refresh_workspace(request: HttpRequest) -> dict[str, str]:
    # php-sdk's refresh (spec §1.2 note on A6): the current token must still be valid.
    principal: tokens.Principal = request.auth  # type: ignore[attr-defined]  # set by ninja's auth
    workspace = principal.workspace
    assert workspace is not None
    return {"token": tokens.issue(workspace=workspace, user=principal.user, ttl=workspace.token_ttl)}


@api.post("/uauth/auth/login/user", response=UserLoginOut, tags=["auth"], summary="Authenticate as a User")
def login_user(request: HttpRequest, payload: UserLoginIn) -> dict[str, Any]:
    # Spec §1.3 A1: the token is not scoped to a workspace until one is selected (A3).
    user = SyneriseUser.objects.filter(email__iexact=payload.username).first()
    if user is None or not user.check_password(payload.password):
        raise AuthenticationError(message="Invalid username or password")
    return _user_login(user, workspace=None)


@api.post(
    "/uauth/auth/login/user/profile/{businessProfileUUID}",
    response=UserLoginOut,
    auth=tokens.user_token,
    tags=["auth"],
    summary="Select a Workspace",
)
def select_workspace(request: HttpRequest, businessProfileUUID: str) -> dict[str, Any]:
    principal: tokens.Principal = request.auth  # type: ignore[attr-defined]  # set by ninja's auth
    assert principal.user is not None
    workspace = principal.user.workspaces.filter(guid=_uuid_or_404(businessProfileUUID)).first()
    if workspace is None:
        raise HttpError(404, "Workspace not found")
    return _user_login(principal.user, workspace=workspace)


@api.get(
    "/uauth/business-profile/",
    response=list[WorkspaceOut],
    auth=tokens.user_token,
    tags=["auth"],
    summary="List Workspaces available to the user",
)
def list_workspaces(request: HttpRequest) -> list[dict[str, Any]]:
    principal: tokens.Principal = request.auth  # type: ignore[attr-defined]  # set by ninja's auth
    assert principal.user is not None
    return [_workspace_out(w) for w in principal.user.workspaces.order_by("name")]


@api.get(
    "/uauth/business-profile/current",
    response=CurrentWorkspaceOut,
    auth=tokens.user_token,
    tags=["auth"],
    summary="Currently selected workspace",
)
def current_workspace(request: HttpRequest) -> dict[str, Any]:
    principal: tokens.Principal = request.auth  # type: ignore[attr-defined]  # set by ninja's auth
    workspace = principal.workspace
    if workspace is None:
        return {"selected": False, "data": None}
    data = _workspace_out(workspace)
    return {
        "selected": True,
        "data": {
            **{k: data[k] for k in ("id", "name", "logo", "businessProfileGuid", "created", "subdomain")},
            "ipRestriction": "OFF",
            "mfaRestriction": "OFF",
            "labels": [],
        },
    }


def _user_login(user: SyneriseUser, *, workspace: Workspace | None) -> dict[str, Any]:
    ttl = workspace.token_ttl if workspace else 7 * 24 * 3600
    return {
        "consumer": {
            "type": "USER",
            "businessProfileId": workspace.pk if workspace else 0,
            "name": user.name,
            "id": user.pk,
            "authorities": [],
            "roles": "ADMIN",
        },
        "token": tokens.issue(workspace=workspace, user=user, ttl=ttl),
    }


def _workspace_out(workspace: Workspace) -> dict[str, Any]:
    return {
        "businessProfileGuid": str(workspace.guid),
        "logo": "",
        "name": workspace.name,
        "id": workspace.pk,
        "created": workspace.created.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "subdomain": workspace.subdomain,
        "ipRestricted": False,
        "mfaRequired": False,
    }


def _uuid_or_404(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise HttpError(404, "Workspace not found") from None


# The Synerise APIs behind this gateway (spec §2, §3); each router brings its token rule.
api.add_router(workflows.PREFIX, workflows.router)
api.add_router(catalogs.PREFIX, catalogs.router)
