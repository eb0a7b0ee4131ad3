"""JWTs the sandbox issues: HS256 with the claim names of Synerise's samples (spec §1.4), and the bearer
auth that reads them for every Synerise API (the gateway's auth, workflows, catalogs, Brickworks)."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import jwt
from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer

from apps.sandbox.models import SyneriseUser, Workspace, kept

AUDIENCE = "API"
ISSUER = "Synerise"


def _key() -> str:
    return f"sandbox-jwt:{settings.SECRET_KEY}"


def issue(*, workspace: Workspace | None, user: SyneriseUser | None, ttl: int) -> str:
    now = time.time()
    claims = {
        "sub": str(uuid.uuid4()),
        "aud": AUDIENCE,
        "iss": ISSUER,
        "rlm": "user" if user else "business_profile",
        "ctd": int(now * 1000),
        "exp": int(now + ttl),
        "bpi": workspace.pk if workspace else 0,
        "uid": user.pk if user else 0,
        "nme": user.name if user else (workspace.name if workspace else ""),
    }
    return jwt.encode(claims, _key(), algorithm="HS256")


@dataclass
class Principal:
    workspace: Workspace | None
    user: SyneriseUser | None
    claims: dict[str, object]


class InvalidToken(Exception):
    pass


def read(token: str) -> Principal:
    """The workspace and user a token stands for; InvalidToken with the reason otherwise."""
    try:
        claims = jwt.decode(token, _key(), algorithms=["HS256"], audience=AUDIENCE, issuer=ISSUER)
    except jwt.ExpiredSignatureError as exc:
        raise InvalidToken("Token expired") from exc
    except jwt.InvalidTokenError as exc:
        raise InvalidToken("Invalid token") from exc
    workspace = kept(Workspace, claims["bpi"]) if claims.get("bpi") else None
    user = kept(SyneriseUser, claims["uid"]) if claims.get("uid") else None
    if (claims.get("bpi") and workspace is None) or (claims.get("uid") and user is None):
        raise InvalidToken("Invalid token")
    return Principal(workspace=workspace, user=user, claims=claims)


class Bearer(HttpBearer):
    """A sandbox JWT; `workspace=True` also demands a workspace-scoped token."""

    def __init__(self, *, workspace: bool) -> None:
        super().__init__()
        self.workspace = workspace

    def authenticate(self, request: HttpRequest, token: str) -> Principal:
        try:
            principal = read(token)
        except InvalidToken as exc:
            raise AuthenticationError(message=str(exc)) from exc
        if self.workspace and principal.workspace is None:
            raise HttpError(403, "This operation needs a token scoped to a workspace")
        if not self.workspace and principal.user is None:
            raise HttpError(403, "This operation is available to Synerise users only")
        return principal


workspace_token = Bearer(workspace=True)
user_token = Bearer(workspace=False)
