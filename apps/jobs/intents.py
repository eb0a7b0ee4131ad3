"""Sending a remote call once: record the intent, send, record the confirmation.

A job can die at any point (a worker killed, a host lost) and is then run again from the start. A call
that is not idempotent (run a workflow, create with a client id) is sent through `send_once`: its
intent is committed before the request leaves and its confirmation after the remote answered. A run
that finds an intent without a confirmation asks the remote whether the call took effect
(`already_done`) and sends again only when it did not. What "took effect" means per call is in
docs/api-decisions.md ("Remote calls sent once").

Call it outside a transaction: the intent must be committed before the request leaves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from apps.jobs.models import RemoteCall

Answer = dict[str, Any]


@dataclass(frozen=True)
class Sent:
    answer: Answer
    sent_now: bool  # False: an earlier run sent it (confirmed, or found on the remote)


def send_once(
    key: str,
    send: Callable[[], Answer],
    already_done: Callable[[RemoteCall], Answer | None],
    *,
    before: Callable[[], Answer] | None = None,
) -> Sent:
    """Send the call named `key` unless an earlier run did.

    `send` makes the call and returns what to keep of the answer. `already_done(call)` reads the remote
    and returns what it shows of the call's effect, or None when the call did not take effect; it is
    asked only about an intent without a confirmation. `before` reads what the remote shows before the
    first send (kept in `call.before`) so that `already_done` can tell our effect from an older one.
    Remote errors propagate; the intent stays, so the next run reads the remote first.
    """
    call, _ = RemoteCall.objects.get_or_create(key=key)
    if call.confirmed_at is not None:
        return Sent(call.answer, sent_now=False)
    if call.intended_at is not None:
        found = already_done(call)
        if found is not None:
            _confirm(call, found, found=True)
            return Sent(found, sent_now=False)
    elif before is not None:
        call.before = before()
    call.intended_at, call.sends = timezone.now(), call.sends + 1
    call.save(update_fields=["before", "intended_at", "sends"])
    answer = send()
    _confirm(call, answer, found=False)
    return Sent(answer, sent_now=True)


def forget(key: str) -> None:
    """A person asked for the call again (a retry of a finished job): a confirmed call is forgotten, so
    the next send_once sends anew. An intent without a confirmation stays (the call may have taken effect
    while its answer was lost): the next send_once reads the remote first."""
    RemoteCall.objects.filter(key=key, confirmed_at__isnull=False).delete()


def _confirm(call: RemoteCall, answer: Answer, *, found: bool) -> None:
    call.confirmed_at, call.answer, call.found = timezone.now(), answer, found
    call.save(update_fields=["confirmed_at", "answer", "found"])
