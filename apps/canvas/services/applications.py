"""The application catalogue, connecting an application from its credential fields, and what uses each."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from apps.canvas.client import Application, CanvasClient, RegApplication, Workflow
from apps.connections.workspace import Workspace
from apps.core import audit


def search(applications: list[Application], query: str) -> list[Application]:
    """Applications whose name, short name, description or tags contain every word of `query`."""
    words = query.lower().split()

    def text(app: Application) -> str:
        return " ".join([app.name, app.short_name, app.description, app.tag]).lower()

    return [app for app in applications if all(word in text(app) for word in words)]


def application_of(api: CanvasClient, application_id: str) -> Application | None:
    return next((app for app in api.list_applications() if app.id == application_id), None)


def connect_application(
    workspace: Workspace[CanvasClient],
    *,
    application: Application,
    tag_text: str,
    credentials: dict[str, Any],
) -> str:
    """Register `application` for the acting account; the remote checks the credentials.

    Empty optional values are left out rather than sent as "", so the remote never stores blanks.
    """
    values = {name: value for name, value in credentials.items() if value not in ("", None)}
    target = audit.Ref("canvas.application", application.id, application.name)
    connecting = audit.action(workspace.person, "canvas.application.connect", target)
    with workspace.client() as api, connecting as detail:
        reg_id = api.register_application(application.id, tag_text=tag_text, credentials=values)
        # The audit keeps which fields were given, never their values.
        detail.update(registered=reg_id, fields=sorted(values), account=workspace.account_id or "owner")
    return reg_id


@dataclass
class Registered:
    """A registered application with its catalogue entry and the workflows that use it."""

    reg: RegApplication
    application: Application | None
    workflows: list[Workflow] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.reg.tag_text or self.reg.name


def registered_applications(api: CanvasClient) -> list[Registered]:
    catalogue = {app.id: app for app in api.list_applications()}
    workflows = api.list_workflows()
    rows = []
    for reg in api.list_reg_applications():
        users = [w for w in workflows if reg.id in w.reg_application_ids]
        rows.append(Registered(reg, catalogue.get(reg.application_id), users))
    return sorted(rows, key=lambda row: row.label.lower())
