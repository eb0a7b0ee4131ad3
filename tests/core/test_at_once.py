"""`apps.core.threads.at_once`: the calls are made at the same time, in the caller's context, and their
results come back in order."""

from __future__ import annotations

import contextvars
import threading

import pytest

from apps.core.threads import at_once

asking = contextvars.ContextVar("asking", default="")


def test_the_calls_are_made_at_the_same_time_and_answer_in_order() -> None:
    # Each call waits for the other two: one after the other, the first would wait for ever (BrokenBarrier).
    meeting = threading.Barrier(3, timeout=5)

    def call(answer: str) -> str:
        meeting.wait()
        return answer

    assert at_once(lambda: call("a"), lambda: call("b"), lambda: call("c")) == ("a", "b", "c")


def test_each_call_runs_in_the_callers_context() -> None:
    asking.set("paula")
    assert at_once(asking.get, lambda: asking.get().upper()) == ("paula", "PAULA")


def test_a_failure_is_raised_once_every_call_has_ended() -> None:
    ended = threading.Event()

    def slow() -> str:
        ended.wait(0.2)
        ended.set()
        return "done"

    def fails() -> str:
        raise LookupError("not found")

    with pytest.raises(LookupError, match="not found"):
        at_once(fails, slow)
    assert ended.is_set()
