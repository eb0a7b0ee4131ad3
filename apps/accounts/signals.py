"""The audit of accounts: every change to a user, a group or their permissions, wherever it is made.

Signals see every change (the Django admin, the shell, a command), but not who made it: that comes from
`audit.actor()`, set per request by ActorMiddleware; outside a request the entry has no person (system).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission, User
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from apps.core import audit

WATCHED = ["username", "first_name", "last_name", "email", "is_active", "is_staff", "is_superuser"]
PRIVILEGES = ["is_active", "is_staff", "is_superuser"]


def connect() -> None:
    pre_save.connect(_before_user_save, sender=User, dispatch_uid="accounts.user_pre_save")
    post_save.connect(_user_saved, sender=User, dispatch_uid="accounts.user_saved")
    post_delete.connect(_user_deleted, sender=User, dispatch_uid="accounts.user_deleted")
    post_save.connect(_group_saved, sender=Group, dispatch_uid="accounts.group_saved")
    post_delete.connect(_group_deleted, sender=Group, dispatch_uid="accounts.group_deleted")
    m2m_changed.connect(_memberships, sender=User.groups.through, dispatch_uid="accounts.groups")
    m2m_changed.connect(
        _user_permissions, sender=User.user_permissions.through, dispatch_uid="accounts.uperms"
    )
    m2m_changed.connect(_group_permissions, sender=Group.permissions.through, dispatch_uid="accounts.gperms")


def _before_user_save(sender: Any, instance: User, update_fields: Any = None, **kwargs: Any) -> None:
    # A save of fields the audit does not watch (a sign-in's last_login) need not read the row first.
    watched = update_fields is None or not {*WATCHED, "password"}.isdisjoint(update_fields)
    before = (
        User.objects.filter(pk=instance.pk).values(*WATCHED, "password").first()
        if instance.pk and watched
        else None
    )
    instance._audit_before = before  # type: ignore[attr-defined]  # read by the post_save handler


def _user_saved(sender: Any, instance: User, created: bool, update_fields: Any = None, **kwargs: Any) -> None:
    if created:
        audit.record(audit.actor(), "user.create", instance, **_privileges(instance))
        return
    before = getattr(instance, "_audit_before", None) or {}
    changed = [name for name in WATCHED if name in before and before[name] != getattr(instance, name)]
    if changed:
        detail: dict[str, Any] = {
            name: [before[name], getattr(instance, name)] for name in changed if name in PRIVILEGES
        }
        audit.record(audit.actor(), "user.change", instance, changed=changed, **detail)
    if "password" in before and before["password"] != instance.password:
        audit.record(audit.actor(), "user.password", instance)


def _user_deleted(sender: Any, instance: User, **kwargs: Any) -> None:
    audit.record(audit.actor(), "user.delete", instance, **_privileges(instance))


def _group_saved(sender: Any, instance: Group, created: bool, **kwargs: Any) -> None:
    audit.record(audit.actor(), "group.create" if created else "group.change", instance)


def _group_deleted(sender: Any, instance: Group, **kwargs: Any) -> None:
    audit.record(audit.actor(), "group.delete", instance)


def _memberships(sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **_: Any) -> None:
    """`user.groups` changed, from either side: one entry per user, naming the groups."""
    if reverse:  # group.user_set.add(...): the instance is the group
        for user in _changing(User, instance, action, pk_set, lambda g: g.user_set.all()):
            _membership_entry(user, action, [instance.name])
    else:
        groups = _changing(Group, instance, action, pk_set, lambda u: u.groups.all())
        _membership_entry(instance, action, sorted(g.name for g in groups))


def _membership_entry(user: User, action: str, names: list[str]) -> None:
    if names and action in ("post_add", "post_remove", "pre_clear"):
        detail: dict[str, Any] = {_verb(action): names}
        audit.record(audit.actor(), "user.groups", user, **detail)


def _user_permissions(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any
) -> None:
    if reverse:  # permission.user_set.add(...)
        for user in _changing(User, instance, action, pk_set, lambda p: p.user_set.all()):
            _permission_entry("user.permissions", user, action, [instance])
    else:
        perms = _changing(Permission, instance, action, pk_set, lambda u: u.user_permissions.all())
        _permission_entry("user.permissions", instance, action, perms)


def _group_permissions(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any
) -> None:
    if reverse:  # permission.group_set.add(...)
        for group in _changing(Group, instance, action, pk_set, lambda p: p.group_set.all()):
            _permission_entry("group.permissions", group, action, [instance])
    else:
        perms = _changing(Permission, instance, action, pk_set, lambda g: g.permissions.all())
        _permission_entry("group.permissions", instance, action, perms)


def _permission_entry(name: str, target: Any, action: str, perms: Any) -> None:
    labels = sorted(f"{p.content_type.app_label}.{p.codename}" for p in perms)
    if labels and action in ("post_add", "post_remove", "pre_clear"):
        detail: dict[str, Any] = {_verb(action): labels}
        audit.record(audit.actor(), name, target, **detail)


def _changing(model: Any, instance: Any, action: str, pk_set: Any, current: Any) -> list[Any]:
    """The rows on the other side of the change: those in pk_set, or all of them before a clear."""
    if action == "pre_clear":
        return list(current(instance))
    if action in ("post_add", "post_remove") and pk_set:
        rows = model.objects.filter(pk__in=pk_set)
        return list(rows.select_related("content_type") if model is Permission else rows)
    return []


def _verb(action: str) -> str:
    return "added" if action == "post_add" else "removed"


def _privileges(user: User) -> dict[str, Any]:  # Any: it is passed as **detail, beside typed arguments
    return {name: getattr(user, name) for name in PRIVILEGES}
