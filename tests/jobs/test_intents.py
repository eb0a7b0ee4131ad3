"""send_once: the intent is recorded before the call, the confirmation after; a run that finds an intent
alone asks the remote before it sends again."""

from __future__ import annotations

from typing import Any

import pytest

from apps.jobs import intents
from apps.jobs.models import RemoteCall

pytestmark = pytest.mark.usefixtures("db")


class Remote:
    """A remote with one counter: how many times the call reached it."""

    def __init__(self) -> None:
        self.received = 0

    def send(self) -> dict[str, Any]:
        self.received += 1
        return {"run": self.received}

    def already_done(self, call: RemoteCall) -> dict[str, Any] | None:
        return {"run": self.received, "seen": call.before} if self.received else None


def test_the_intent_is_recorded_before_the_call_leaves() -> None:
    seen: list[RemoteCall] = []

    def send() -> dict[str, Any]:
        seen.append(RemoteCall.objects.get(key="k"))
        return {"ok": True}

    sent = intents.send_once("k", send, lambda call: None, before=lambda: {"last": "r1"})
    assert sent.sent_now and sent.answer == {"ok": True}
    assert (
        seen[0].intended_at is not None and seen[0].confirmed_at is None and seen[0].before == {"last": "r1"}
    )
    call = RemoteCall.objects.get(key="k")
    assert call.confirmed_at is not None and call.answer == {"ok": True} and call.sends == 1


def test_a_confirmed_call_is_not_sent_again() -> None:
    remote = Remote()
    intents.send_once("k", remote.send, remote.already_done)
    again = intents.send_once("k", remote.send, remote.already_done)
    assert remote.received == 1 and not again.sent_now and again.answer == {"run": 1}


def test_an_intent_alone_is_checked_on_the_remote_and_not_sent_when_it_took_effect() -> None:
    remote = Remote()
    remote.received = 1  # the call arrived, then the worker died before the confirmation
    RemoteCall.objects.create(key="k", intended_at="2026-12-06T00:00:00Z", sends=1, before={"last": "r0"})
    sent = intents.send_once("k", remote.send, remote.already_done)
    assert remote.received == 1 and not sent.sent_now
    call = RemoteCall.objects.get(key="k")
    assert call.found and call.answer == {"run": 1, "seen": {"last": "r0"}}


def test_an_intent_alone_is_sent_when_the_remote_shows_nothing() -> None:
    remote = Remote()
    RemoteCall.objects.create(key="k", intended_at="2026-12-06T00:00:00Z", sends=1, before={"last": "r0"})
    sent = intents.send_once("k", remote.send, remote.already_done, before=lambda: {"last": "changed"})
    assert remote.received == 1 and sent.sent_now
    call = RemoteCall.objects.get(key="k")
    assert call.sends == 2 and call.before == {"last": "r0"}  # what the remote showed before the first send


def test_forget_drops_a_confirmed_call_but_keeps_an_intent_alone() -> None:
    remote = Remote()
    intents.send_once("done", remote.send, remote.already_done)
    RemoteCall.objects.create(key="unsure", intended_at="2026-12-06T00:00:00Z", sends=1)
    intents.forget("done")
    intents.forget("unsure")
    assert list(RemoteCall.objects.values_list("key", flat=True)) == ["unsure"]
