"""Accounts of the Canvas organization: create one, and choose the one a person acts as."""

from __future__ import annotations

from typing import Any

from apps.canvas.client import Account
from apps.canvas.models import ActingAccount
from apps.canvas.services.workspace import User, canvas_connection, client_of
from apps.core import audit

ROLES = [("User", "User"), ("SuperPartner", "Super partner")]


def label_of(account: Account) -> str:
    name = f"{account.first_name} {account.last_name}".strip()
    return f"{name} ({account.email})" if name else account.email


def list_accounts(user: User) -> list[Account]:
    with client_of(canvas_connection(user)) as api:
        return sorted(api.list_accounts(), key=lambda a: (a.last_name.lower(), a.first_name.lower()))


def create_account(user: User, **fields: Any) -> str:
    """The new account's id; the remote refuses the Admin role and a known email."""
    target = audit.Ref("canvas.account", fields["email"], fields["email"])
    with (
        client_of(canvas_connection(user)) as api,
        audit.action(user, "canvas.account.create", target) as detail,
    ):
        account_id = api.create_account(**fields)
        detail["account_id"] = account_id
        detail["role"] = fields["role_name"]
    return account_id


def choose_account(user: User, account_id: str) -> ActingAccount | None:
    """Act as `account_id` from now on (an account of the organization), or as the key's owner when empty."""
    connection = canvas_connection(user)
    if not account_id:
        with audit.action(user, "canvas.account.act_as", audit.Ref("canvas.account", "", "the key's owner")):
            ActingAccount.objects.filter(user_id=user.pk, connection=connection).delete()
        return None
    account = next((a for a in list_accounts(user) if a.id == account_id), None)
    if account is None:
        raise LookupError(f"There is no account {account_id} in this organization.")
    target = audit.Ref("canvas.account", account.id, label_of(account))
    with audit.action(user, "canvas.account.act_as", target):
        acting, _ = ActingAccount.objects.update_or_create(
            user_id=user.pk,
            connection=connection,
            defaults={"account_id": account.id, "label": label_of(account)},
        )
    return acting
