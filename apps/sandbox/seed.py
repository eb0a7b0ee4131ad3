"""Demo data of the sandbox, and the dashboard connections that point at it. Safe to run again."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from apps.connections import services as connections
from apps.sandbox.brickworks import seed as brickworks
from apps.sandbox.models import CanvasKey, Flow, FlowsToken, SyneriseUser, Workspace

DEMO_USER_EMAIL = "demo@synadmin.test"
DEMO_USER_PASSWORD = "sandbox-demo"  # a user of the fake remote service, documented in README

DEMO_FLOWS = [
    ("welcome-series", "Welcome series", "automation"),
    ("abandoned-cart", "Abandoned cart reminder", "automation"),
    ("update-consents", "Update my consents", "self-service"),
]


@dataclass
class Seeded:
    workspace: Workspace
    canvas: CanvasKey
    flows: FlowsToken


@transaction.atomic
def seed() -> Seeded:
    workspace, _ = Workspace.objects.get_or_create(name="Demo workspace", defaults={"subdomain": "demo"})
    if settings.SANDBOX_API_KEY and workspace.api_key != settings.SANDBOX_API_KEY:
        workspace.api_key = settings.SANDBOX_API_KEY
        workspace.save(update_fields=["api_key"])
    second, _ = Workspace.objects.get_or_create(name="Staging workspace", defaults={"subdomain": "staging"})
    user = SyneriseUser.objects.filter(email=DEMO_USER_EMAIL).first()
    if user is None:
        user = SyneriseUser(email=DEMO_USER_EMAIL, name="Demo User")
        user.set_password(DEMO_USER_PASSWORD)
        user.save()
    user.workspaces.add(workspace, second)
    canvas, _ = CanvasKey.objects.get_or_create(organization="Demo organization")
    flows_token, _ = FlowsToken.objects.get_or_create(name="Demo token")
    for flow_id, title, kind in DEMO_FLOWS:
        Flow.objects.get_or_create(id=flow_id, defaults={"title": title, "type": kind})
    brickworks.seed(workspace)
    return Seeded(workspace=workspace, canvas=canvas, flows=flows_token)


def seed_with_connections(base_url: str) -> Seeded:
    seeded = seed()
    connections.create_demo_connections(
        base_url=base_url,
        api_key=seeded.workspace.api_key,
        consumer=seeded.canvas.consumer,
        secret_key=seeded.canvas.secret_key,
        token=seeded.flows.token,
    )
    return seeded
