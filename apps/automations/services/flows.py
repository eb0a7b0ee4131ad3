"""Flows of the flows API: save (create or replace whole), switch on and off, delete; every write audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from apps.automations.client import Flow, FlowInput, FlowsClient
from apps.connections.workspace import Workspace
from apps.core import audit
from apps.core.http import ApiConflict, ApiNotFound
from apps.core.models import AuditEntry
from apps.jobs import intents
from apps.jobs.models import RemoteCall

KEEP = object()  # "leave the stored secrets as they are": the form never shows them back

TYPE_LABELS = {
    "automation": "Automation",
    "selfServiceAction": "Self-service action",
    "scorecard": "Scorecard",
    "reference": "Reference",
}


def type_label(value: str) -> str:
    return TYPE_LABELS.get(value, value)


def flow_ref(flow_id: str, title: str = "") -> audit.Ref:
    return audit.Ref("flows.flow", flow_id, title or flow_id)


# Our audit entry of a change is written after the service's answer: a later time of change on the flow
# is someone else's change, allowing this much for the service's clock.
SAME_CHANGE = timedelta(seconds=5)


def created_by(flow: Flow) -> str:
    """Who created the flow: the person, when it was created through this dashboard (the flows API knows
    only the token it was sent with); else, plainly, someone outside it."""
    entry = (
        AuditEntry.objects.filter(
            action="flow.create", target_type="flows.flow", target_id=flow.id, outcome=AuditEntry.Outcome.OK
        )
        .select_related("user")
        .first()
    )
    if entry is not None:
        return entry.person
    return f"someone outside this dashboard (with the API token {flow.created_by})" if flow.created_by else ""


def changed_by(flow: Flow) -> str:
    """Who made the flow's last change: the person, when this dashboard's last change to it is that one
    (the flows API again knows only the token); else, plainly, someone outside it."""
    entry = (
        AuditEntry.objects.filter(
            action__in=["flow.create", "flow.update", "flow.activate", "flow.deactivate"],
            target_type="flows.flow",
            target_id=flow.id,
            outcome=AuditEntry.Outcome.OK,
        )
        .select_related("user")
        .order_by("-created_at")
        .first()
    )
    if entry is not None and (flow.updated_at is None or entry.created_at >= flow.updated_at - SAME_CHANGE):
        return entry.person
    return f"someone outside this dashboard (with the API token {flow.updated_by})" if flow.updated_by else ""


def input_of(flow: Flow) -> FlowInput:
    """The body that replaces `flow` with itself (an upsert replaces every field, §3.1)."""
    fields = FlowInput.model_fields
    return FlowInput.model_validate({name: getattr(flow, name) for name in fields})


def save_flow(
    workspace: Workspace[FlowsClient],
    *,
    body: FlowInput,
    existing: str | None = None,
    secrets: Any = KEEP,
    submission: str = "",
) -> Flow:
    """Create the flow (no `existing`), or replace the one with that id.

    `secrets` is KEEP to send back what the server holds now (read just before the write), None to
    remove them, or the new value. `submission` names the form a create came from: the same form posted
    again creates nothing more and answers the flow it created.
    """
    name = "flow.update" if existing else "flow.create"
    with audit.action(workspace.person, name, flow_ref(body.id, body.title)), workspace.client() as api:
        if existing is None:
            new = body.model_copy(update={"secrets": None if secrets is KEEP else secrets})
            if not submission:
                return api.create_flow(new)
            return _create_once(api, new, submission)
        kept = api.get_flow(existing).secrets if secrets is KEEP else secrets
        return api.upsert_flow(body.model_copy(update={"id": existing, "secrets": kept}))


def _create_once(api: FlowsClient, body: FlowInput, submission: str) -> Flow:
    """Create the flow through `intents.send_once`, keyed by the form it came from."""
    created: list[Flow] = []

    def ours(flow: Flow) -> bool:
        return (flow.title, flow.type) == (body.title, body.type)

    def send() -> intents.Answer:
        try:
            created.append(api.create_flow(body))
        except ApiConflict:
            # A repeat of this create (its first answer lost) finds the id in use: read it back. A flow
            # that is not the one we sent is someone else's, and the conflict stands.
            flow = api.get_flow(body.id)
            if not ours(flow):
                raise
            created.append(flow)
        return {"id": body.id}

    def already_done(call: RemoteCall) -> intents.Answer | None:
        try:
            flow = api.get_flow(body.id)
        except ApiNotFound:
            return None
        return {"id": body.id} if ours(flow) else None

    sent = intents.send_once(f"flows.create:{submission}", send, already_done)
    return created[0] if created else api.get_flow(sent.answer["id"])


def set_active(workspace: Workspace[FlowsClient], *, flow_id: str, active: bool) -> Flow:
    """Switch a flow on or off: re-read it, then replace it with only `isActive` changed."""
    name = "flow.activate" if active else "flow.deactivate"
    with audit.action(workspace.person, name, flow_ref(flow_id)) as detail, workspace.client() as api:
        current = api.get_flow(flow_id)
        detail["title"] = current.title
        return api.upsert_flow(input_of(current).model_copy(update={"is_active": active}))


def delete_flow(workspace: Workspace[FlowsClient], *, flow: Flow) -> None:
    with (
        audit.action(workspace.person, "flow.delete", flow_ref(flow.id, flow.title)),
        workspace.client() as api,
    ):
        api.delete_flow(flow.id)
