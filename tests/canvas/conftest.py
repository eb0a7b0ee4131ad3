from __future__ import annotations

from typing import Any

import pytest

from apps.canvas.services import runs


@pytest.fixture(autouse=True)
def _short_blocks(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each block of a sandbox run takes 0.5 s, not 3, and a run job reads the workflow every 0.05 s: a run
    still shows each of its blocks going (tests/canvas/test_runs.py), in a sixth of the time."""
    settings.SANDBOX_BLOCK_SECONDS = 0.5
    monkeypatch.setattr(runs, "POLL_SECONDS", 0.05)
