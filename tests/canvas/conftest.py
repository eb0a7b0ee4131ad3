from __future__ import annotations

from typing import Any

import pytest

from apps.canvas.services import runs


@pytest.fixture(autouse=True)
def _short_blocks(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each block of a sandbox run takes 0.4 s, not 3, and a run job reads the workflow every 0.1 s."""
    settings.SANDBOX_BLOCK_SECONDS = 0.4
    monkeypatch.setattr(runs, "POLL_SECONDS", 0.1)


@pytest.fixture
def blocks_seen_going(settings: Any) -> None:
    """Blocks of 1 s, for a test that checks the job saw each block going (half a second let a busy
    machine's job miss one)."""
    settings.SANDBOX_BLOCK_SECONDS = 1.0
