from __future__ import annotations

from typing import Any

import pytest

from apps.canvas.services import runs


@pytest.fixture(autouse=True)
def _short_blocks(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each block of a sandbox run takes 1 s, not 3, and a run job reads the workflow every 0.1 s: a run
    still shows each of its blocks going (tests/canvas/test_runs.py), in a third of the time (half a second
    let a busy machine's job miss a block)."""
    settings.SANDBOX_BLOCK_SECONDS = 1.0
    monkeypatch.setattr(runs, "POLL_SECONDS", 0.1)
