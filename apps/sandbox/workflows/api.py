"""Synerise automation workflows (spec §2: W1–W6), served under /sandbox/synerise/ by the Synerise gateway.

This module is the API's entry: the gateway (apps/sandbox/synerise.py) mounts `router` at `PREFIX`; every
operation takes a token scoped to a workspace. Refusals are ninja's HttpError, which the gateway answers in
its v4 body {timestamp, status, error, message, path}. What the doc leaves open (statuses, codes, the
limit's maximum, stage statuses) is in docs/api-decisions.md.
"""

from __future__ import annotations

from ninja import Router

from apps.sandbox import tokens
from apps.sandbox.workflows import routes

PREFIX = ""
# The operations that meet a workflow's state (a stopped one can't run again) and so can answer 409.
CONFLICTING = ("run_workflow", "pause_workflow", "stop_workflow")

router = Router(auth=tokens.workspace_token)
router.add_router("", routes.router)
