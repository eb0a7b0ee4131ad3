"""The flows API of the sandbox, mounted at /sandbox/flows/api/v1/. Reference: shared/spec/flows.md."""

from __future__ import annotations

from apps.sandbox.flows import routes  # noqa: F401  (registers the operations on the api)
from apps.sandbox.flows.api import api

__all__ = ["api"]
