"""Synerise catalogs (spec §3), served under /sandbox/synerise/catalogs/ by the Synerise gateway.

This module is the API's entry: the gateway (apps/sandbox/synerise.py) mounts `router` at `PREFIX`; every
operation takes a token scoped to a workspace. Refusals are ninja's HttpError and ValidationError, which
the gateway answers in its v4 body {timestamp, status, error, message, path}. What the doc leaves open is
decided in docs/api-decisions.md ("Synerise catalogs").
"""

from __future__ import annotations

from ninja import Router

from apps.sandbox import tokens
from apps.sandbox.catalogs import routes

PREFIX = "/catalogs"

router = Router(auth=tokens.workspace_token)
router.add_router("", routes.router)
