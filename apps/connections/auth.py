"""httpx.Auth for the Synerise JWT shared by Brickworks, automations and catalogs."""

from __future__ import annotations

import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Protocol

import httpx
import jwt

from apps.core.http import ApiError

# A token without a readable expiry is trusted for this long (docs/api-decisions.md, "Token lifetime").
DEFAULT_TOKEN_LIFETIME = 3600.0


@dataclass(frozen=True)
class Token:
    value: str
    expires_at: float

    @classmethod
    def from_jwt(cls, value: str) -> Token:
        """The token with its `exp` claim read (not verified); an hour from now when unreadable."""
        try:
            claims = jwt.decode(value, options={"verify_signature": False})
            expires_at = float(claims["exp"])
        except (jwt.PyJWTError, KeyError, TypeError, ValueError):
            expires_at = time.time() + DEFAULT_TOKEN_LIFETIME
        return cls(value=value, expires_at=expires_at)

    def expires_within(self, seconds: float) -> bool:
        return self.expires_at - time.time() < seconds


class TokenStore(Protocol):
    def get(self) -> Token | None: ...
    def set(self, token: Token) -> None: ...
    def clear(self) -> None: ...


class MemoryTokenStore:
    """A store for one process; the dashboard passes a cache-backed one shared by web and workers."""

    def __init__(self) -> None:
        self.token: Token | None = None

    def get(self) -> Token | None:
        return self.token

    def set(self, token: Token) -> None:
        self.token = token

    def clear(self) -> None:
        self.token = None


class SyneriseAuth(httpx.Auth):
    """Sends `Authorization: Bearer <jwt>`, logging in when there is no token.

    A token that expires within `margin` seconds is refreshed first (or replaced by a new login when
    refreshing fails), and a 401 clears the token, logs in again and repeats the request once.
    """

    def __init__(
        self,
        *,
        login: Callable[[], Token],
        refresh: Callable[[Token], Token] | None,
        store: TokenStore,
        margin: float = 300.0,
    ) -> None:
        self.login = login
        self.refresh = refresh
        self.store = store
        self.margin = margin

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self.current_token().value}"
        response = yield request
        if response.status_code == 401:
            self.store.clear()
            request.headers["Authorization"] = f"Bearer {self.new_token().value}"
            yield request

    def current_token(self) -> Token:
        token = self.store.get()
        if token is None or token.expires_within(0):
            return self.new_token()
        if token.expires_within(self.margin) and self.refresh is not None:
            try:
                token = self.refresh(token)
            except ApiError:
                return self.new_token()
            self.store.set(token)
        return token

    def new_token(self) -> Token:
        token = self.login()
        self.store.set(token)
        return token
