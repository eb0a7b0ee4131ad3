"""On-commit callbacks in a rollback (`db`) test, run when the code under test would have committed.

A rollback test wraps everything in its own transaction, so `transaction.on_commit` callbacks (a job's
task sent after its row is saved) never run. `as_committed()` runs them where a real commit would: at
once when only the test's own atomic blocks are open, or when the outermost atomic block of the code
under test exits without error. Callbacks of a block rolled back are dropped by Django as usual.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

logger = logging.getLogger(__name__)


def _only_test_blocks(connection: BaseDatabaseWrapper) -> bool:
    return connection.in_atomic_block and all(block._from_testcase for block in connection.atomic_blocks)


def _call(func: Callable[[], Any], robust: bool) -> None:
    if not robust:
        func()
        return
    try:
        func()
    except Exception:
        logger.exception("Error calling %s in on_commit()", func.__qualname__)


@contextmanager
def as_committed() -> Iterator[None]:
    on_commit = BaseDatabaseWrapper.on_commit
    exit_atomic = transaction.Atomic.__exit__

    def on_commit_now(self: BaseDatabaseWrapper, func: Callable[[], Any], robust: bool = False) -> None:
        if _only_test_blocks(self):
            _call(func, robust)
        else:
            on_commit(self, func, robust)

    def exit_and_commit(self: transaction.Atomic, exc_type: Any, *args: Any) -> Any:
        result = exit_atomic(self, exc_type, *args)
        connection = transaction.get_connection(self.using)
        if exc_type is None and not self._from_testcase and _only_test_blocks(connection):
            open_ids = set(connection.savepoint_ids)
            ready = [entry for entry in connection.run_on_commit if not entry[0] <= open_ids]
            connection.run_on_commit = [entry for entry in connection.run_on_commit if entry[0] <= open_ids]
            for _, func, robust in ready:
                _call(func, robust)
        return result

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BaseDatabaseWrapper, "on_commit", on_commit_now)
        patch.setattr(transaction.Atomic, "__exit__", exit_and_commit)
        yield
