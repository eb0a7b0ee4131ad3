"""Writing the audit log: every mutation a person makes goes through `record` or `action`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import models as auth
from django.db import models

from apps.core.http import ApiError
from apps.core.models import AuditEntry

# The person acting, as `request.user` is typed (the project keeps Django's own user model).
Person = auth.User | auth.AnonymousUser
User = Person | None


@dataclass(frozen=True)
class Ref:
    """A target that lives on a remote service (a remote record), named for the audit log."""

    type: str
    id: str
    name: str = ""

    def __str__(self) -> str:
        return self.name or self.id


Target = models.Model | Ref | None

# Who is acting in this request, for changes seen only by signals (users, groups): set by
# ActorMiddleware as a callable, so the lazy `request.user` is read only when something is recorded.
_actor: ContextVar[Callable[[], User] | None] = ContextVar("audit_actor", default=None)


@contextmanager
def acting(user: Callable[[], User]) -> Iterator[None]:
    """Within the block, `actor()` is the person `user()` returns."""
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)


def actor() -> User:
    """The person acting in the current request; None outside one (a command, a task)."""
    user = _actor.get()
    return user() if user is not None else None


def record(
    user: User,
    action: str,
    target: Target = None,
    *,
    outcome: str = AuditEntry.Outcome.OK,
    error: str = "",
    **detail: Any,
) -> AuditEntry:
    """Write one audit entry and return it."""
    known = user if user is not None and user.is_authenticated else None
    return AuditEntry.objects.create(
        user=known,
        username=known.get_username() if known else "",
        action=action,
        target_type=_label(target),
        target_id=_target_id(target),
        target_repr=str(target)[:300] if target is not None else "",
        outcome=outcome,
        error=error,
        detail=detail,
    )


@contextmanager
def action(
    user: User, name: str, target: Target | Callable[[], Target] = None, **detail: Any
) -> Iterator[dict[str, Any]]:
    """Record `name` as succeeded, or as failed with the error when the block raises.

    Use it outside `transaction.atomic`, so a failure's entry is not rolled back with the work.
    The yielded dict is merged into the entry's detail. A block that creates its own target passes a
    callable, asked once the block has ended: the new thing when it exists, else what it was made in.
    """
    extra: dict[str, Any] = {}
    try:
        yield extra
    except ApiError as exc:
        failed = {"outcome": AuditEntry.Outcome.FAILED, "error": exc.message}
        record(user, name, _named(target), **failed, **detail, **extra)
        raise
    except Exception as exc:
        failed = {"outcome": AuditEntry.Outcome.FAILED, "error": type(exc).__name__}
        record(user, name, _named(target), **failed, **detail, **extra)
        raise
    record(user, name, _named(target), **detail, **extra)


def _target_id(target: Target) -> str:
    """A remote id comes from the address: cut to the column, so a hostile one cannot fail the entry."""
    if target is None:
        return ""
    return (target.id if isinstance(target, Ref) else str(target.pk))[:200]


def _named(target: Target | Callable[[], Target]) -> Target:
    return target() if callable(target) else target


def _label(target: Target) -> str:
    if target is None:
        return ""
    return target.type if isinstance(target, Ref) else target._meta.label
