"""The fuzz pass reuses the access tests' objects: one real row or remote object per kind of URL argument."""

from __future__ import annotations

from tests.core.test_access import objects  # noqa: F401 -- a fixture, found by pytest here
