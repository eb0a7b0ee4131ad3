"""People: create (a one-time password or an invite link), roles, deactivate. Never delete.

Users and their groups are audited by signals (apps.accounts.signals), with the acting person from
ActorMiddleware; only what signals cannot see (an invite link was made) is recorded here.

Who manages whom is decided by `refusal` alone: a person manages only people holding no permission they
do not hold themselves, and only a superuser manages a superuser. Every change below asks it first.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission, User
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from apps.accounts.roles import ROLES
from apps.core import audit


class Refused(Exception):
    """A change this person may not make (deactivating yourself, managing someone holding more)."""


@dataclass(frozen=True)
class Access:
    """How a new person gets in, shown once: a password, or a link to choose one."""

    password: str = ""
    link: str = ""


def role_names(user: User) -> list[str]:
    return [name for name in ROLES if name in {g.name for g in user.groups.all()}]


def held_permissions(user: audit.Person) -> frozenset[str]:
    """Every permission `user` holds, through roles, given directly, or as a superuser.

    Read from the tables rather than `get_all_permissions()`, which is empty for a deactivated person:
    reactivating them gives back everything they held, so that is what is compared.
    """
    rows: QuerySet[Permission] = Permission.objects.order_by()  # a set: the default order is a wasted sort
    if not getattr(user, "is_superuser", False):
        rows = rows.filter(Q(user=user) | Q(group__user=user))
    return frozenset(
        f"{app}.{codename}" for app, codename in rows.values_list("content_type__app_label", "codename")
    )


def refusal(actor: audit.Person, target: User, *, actor_holds: frozenset[str] | None = None) -> str:
    """Why `actor` may not change `target`'s account, in a sentence; empty when they may.

    `actor_holds` is `held_permissions(actor)` when the caller already has it (a list of people).
    """
    name = target.get_username()
    if getattr(actor, "is_superuser", False):
        return ""
    if target.is_superuser:
        return f"Only a superuser can change {name}, who is a superuser."
    held = actor_holds if actor_holds is not None else held_permissions(actor)
    if not held_permissions(target) <= held:
        return f"{name} holds permissions you do not hold, so only someone holding them too can change them."
    return ""


def may_manage(actor: audit.Person, target: User, *, actor_holds: frozenset[str] | None = None) -> bool:
    return not refusal(actor, target, actor_holds=actor_holds)


def grantable_roles(actor: audit.Person) -> list[str]:
    """The roles `actor` may give: those holding no permission the actor does not hold."""
    held = held_permissions(actor)
    groups = Group.objects.filter(name__in=ROLES).prefetch_related("permissions__content_type")
    fits = {g.name for g in groups if _labels(g.permissions.all()) <= held}
    return [name for name in ROLES if name in fits]


def _labels(perms: Iterable[Permission]) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in perms}


def _check_roles(actor: audit.Person, roles: list[str]) -> None:
    beyond = [name for name in roles if name in ROLES and name not in grantable_roles(actor)]
    if beyond:
        names = ", ".join(name.capitalize() for name in beyond)
        role = "role holds" if len(beyond) == 1 else "roles hold"
        raise Refused(f"The {names} {role} permissions you do not hold, so you cannot give it to anyone.")


def _check_manage(actor: audit.Person, target: User) -> None:
    reason = refusal(actor, target)
    if reason:
        raise Refused(reason)


@transaction.atomic
def create_person(
    actor: audit.Person,
    *,
    username: str,
    email: str,
    first_name: str,
    last_name: str,
    roles: list[str],
    invite: bool,
) -> tuple[User, Access]:
    """The new person with their roles, and the one-time password or invite link to hand them."""
    _check_roles(actor, roles)
    user = User(username=username, email=email, first_name=first_name, last_name=last_name)
    password = "" if invite else secrets.token_urlsafe(12)
    if invite:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save()
    set_roles(actor, user, roles=roles)
    return user, Access(password=password, link=invite_link(actor, user) if invite else "")


def invite_link(actor: audit.Person, user: User) -> str:
    """A path that lets `user` choose a password once, until PASSWORD_RESET_TIMEOUT passes.

    The token hashes the password and the last login, so choosing a password (or signing in) kills it.
    A link is only for someone who has never signed in: for anyone else it would be a way into an
    account whose owner did not ask for one.
    """
    _check_manage(actor, user)
    if user.last_login is not None:
        raise Refused(
            f"{user.get_username()} has already signed in, and an invite link is only for someone who never"
            " has. A person who forgot their password asks a superuser to set a new one."
        )
    if not user.is_active:
        raise Refused(f"{user.get_username()} is deactivated: reactivate them first.")
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    audit.record(actor, "user.invite", user)
    return reverse("accounts:set_password", args=[uid, default_token_generator.make_token(user)])


def invited(uidb64: str, token: str) -> User | None:
    """The person a live invite link is for, else None (unknown, expired or already used)."""
    try:
        pk = int(urlsafe_base64_decode(uidb64))
        user = User.objects.get(pk=pk, is_active=True, last_login__isnull=True)
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        return None
    return user if default_token_generator.check_token(user, token) else None


def set_roles(actor: audit.Person, user: User, *, roles: list[str]) -> None:
    _check_manage(actor, user)
    _check_roles(actor, roles)
    user.groups.set(Group.objects.filter(name__in=[r for r in roles if r in ROLES]))


def set_active(actor: audit.Person, user: User, *, active: bool) -> None:
    if not active and user.pk == actor.pk:
        raise Refused("You cannot deactivate yourself: ask another admin.")
    _check_manage(actor, user)
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
