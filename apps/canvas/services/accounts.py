"""Accounts of the Canvas organization: create one, and choose the one a person acts as."""

from __future__ import annotations

from typing import Any

from apps.canvas.client import Account, CanvasClient
from apps.canvas.models import ActingAccount
from apps.canvas.services.workspace import workspace_for
from apps.connections.workspace import Workspace
from apps.core import audit

ROLES = [("User", "User"), ("SuperPartner", "Super partner")]


def label_of(account: Account) -> str:
    name = f"{account.first_name} {account.last_name}".strip()
    return f"{name} ({account.email})" if name else account.email


def _as_owner(workspace: Workspace[CanvasClient]) -> Workspace[CanvasClient]:
    """The organization's accounts are the key owner's to list and create, whoever the person acts as."""
    return workspace_for(workspace.person, connection=workspace.connection, account_id="")


def list_accounts(workspace: Workspace[CanvasClient]) -> list[Account]:
    with _as_owner(workspace).client() as api:
        return sorted(api.list_accounts(), key=lambda a: (a.last_name.lower(), a.first_name.lower()))


def create_account(workspace: Workspace[CanvasClient], **fields: Any) -> str:
    """The new account's id; the remote refuses the Admin role and a known email."""
    target = audit.Ref("canvas.account", fields["email"], fields["email"])
    with (
        _as_owner(workspace).client() as api,
        audit.action(workspace.person, "canvas.account.create", target) as detail,
    ):
        account_id = api.create_account(**fields)
        detail["account_id"] = account_id
        detail["role"] = fields["role_name"]
    return account_id


def choose_account(workspace: Workspace[CanvasClient], *, account_id: str) -> ActingAccount | None:
    """Act as `account_id` from now on (an account of the organization), or as the key's owner when empty."""
    connection, user = workspace.connection, workspace.user
    if not account_id:
        with audit.action(user, "canvas.account.act_as", audit.Ref("canvas.account", "", "the key's owner")):
            ActingAccount.objects.filter(user_id=user.pk, connection=connection).delete()
        return None
    account = next((a for a in list_accounts(workspace) if a.id == account_id), None)
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
