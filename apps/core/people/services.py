"""People: create (a one-time password or an invite link), roles, deactivate. Never delete.

Users and their groups are audited by signals (apps.core.accounts), with the acting person from
ActorMiddleware; only what signals cannot see (an invite link was made) is recorded here.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, Group, User
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from apps.core import audit
from apps.core.roles import ROLES

# One sentence per role, in the order of ROLES, shown where roles are chosen.
ROLE_SENTENCES = {
    "viewer": "Sees content, schedules, operations and connections, and changes nothing.",
    "editor": "Writes content records and saves drafts, but does not put them live.",
    "publisher": "Edits, publishes, unpublishes and schedules content, and runs bulk actions.",
    "operator": "Tests connections and cancels or retries operations.",
    "admin": "Does everything: connections, schemas, the audit log and the people on this screen.",
}


class Refused(Exception):
    """A change this screen does not make (deactivating yourself)."""


@dataclass(frozen=True)
class Access:
    """How a new person gets in, shown once: a password, or a link to choose one."""

    password: str = ""
    link: str = ""


def role_names(user: User) -> list[str]:
    return [name for name in ROLES if name in {g.name for g in user.groups.all()}]


@transaction.atomic
def create_person(
    actor: AbstractBaseUser,
    *,
    username: str,
    email: str,
    first_name: str,
    last_name: str,
    roles: list[str],
    invite: bool,
) -> tuple[User, Access]:
    """The new person with their roles, and the one-time password or invite link to hand them."""
    user = User(username=username, email=email, first_name=first_name, last_name=last_name)
    password = "" if invite else secrets.token_urlsafe(12)
    if invite:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save()
    set_roles(actor, user, roles=roles)
    return user, Access(password=password, link=invite_link(actor, user) if invite else "")


def invite_link(actor: AbstractBaseUser, user: User) -> str:
    """A path that lets `user` choose a password once, until PASSWORD_RESET_TIMEOUT passes.

    The token hashes the password and the last login, so choosing a password (or signing in) kills it.
    """
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    audit.record(actor, "user.invite", user)
    return reverse("core:set_password", args=[uid, default_token_generator.make_token(user)])


def invited(uidb64: str, token: str) -> User | None:
    """The person a live invite link is for, else None (unknown, expired or already used)."""
    try:
        user = User.objects.get(pk=int(urlsafe_base64_decode(uidb64)), is_active=True)
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        return None
    return user if default_token_generator.check_token(user, token) else None


def set_roles(actor: AbstractBaseUser, user: User, *, roles: list[str]) -> None:
    user.groups.set(Group.objects.filter(name__in=[r for r in roles if r in ROLES]))


def set_active(actor: AbstractBaseUser, user: User, *, active: bool) -> None:
    if not active and user.pk == actor.pk:
        raise Refused("You cannot deactivate yourself: ask another admin.")
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
