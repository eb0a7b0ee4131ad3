"""Demo data of the sandbox. Safe to run again.

The demo keys come from settings (SANDBOX_API_KEY and the keys derived from it), which is how the
dashboard's demo connections know them without importing the sandbox; so does the demo user's password
(SANDBOX_DEMO_PASSWORD), which a run of the seed sets again when it changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction

from apps.sandbox.brickworks import seed as brickworks
from apps.sandbox.brickworks import showcase
from apps.sandbox.canvas import seed as canvas_seed
from apps.sandbox.catalogs import seed as catalogs
from apps.sandbox.flows import seed as flows_seed
from apps.sandbox.models import CanvasKey, FlowsToken, SyneriseUser, Workspace
from apps.sandbox.workflows import seed as workflows

DEMO_USER_EMAIL = "demo@synadmin.test"
DEMO_WORKSPACE = "Demo workspace"
DEMO_ORGANIZATION = "Demo organization"
DEMO_TOKEN = "Demo token"


@dataclass
class Seeded:
    workspace: Workspace
    canvas: CanvasKey
    flows: FlowsToken


@transaction.atomic
def seed(*, showcase_content: bool = False) -> Seeded:
    """The demo keys and data; `showcase_content` adds the marketer's demo content (seed_sandbox does).

    Tests seed without it: they count the small set exactly.
    """
    seeded = base()
    flows_seed.seed()
    brickworks.seed(seeded.workspace)
    if showcase_content:
        showcase.seed(seeded.workspace)
    workflows.seed(seeded.workspace)
    catalogs.seed(seeded.workspace)
    canvas_seed.seed(seeded.canvas)
    return seeded


@transaction.atomic
def base() -> Seeded:
    """The workspaces, keys and demo user every fake API's data hangs on (each API seeds its own:
    `apps/sandbox/<api>/seed.py`)."""
    workspace, _ = Workspace.objects.get_or_create(name=DEMO_WORKSPACE, defaults={"subdomain": "demo"})
    _keep(workspace, api_key=settings.SANDBOX_API_KEY)
    second, _ = Workspace.objects.get_or_create(name="Staging workspace", defaults={"subdomain": "staging"})
    user = SyneriseUser.objects.filter(email=DEMO_USER_EMAIL).first() or SyneriseUser(
        email=DEMO_USER_EMAIL, name="Demo User"
    )
    if user.pk is None or not user.check_password(settings.SANDBOX_DEMO_PASSWORD):
        user.set_password(settings.SANDBOX_DEMO_PASSWORD)
        user.save()
    user.workspaces.add(workspace, second)
    canvas, _ = CanvasKey.objects.get_or_create(organization=DEMO_ORGANIZATION)
    _keep(canvas, consumer=settings.SANDBOX_CANVAS_CONSUMER, secret_key=settings.SANDBOX_CANVAS_SECRET)
    flows_token, _ = FlowsToken.objects.get_or_create(name=DEMO_TOKEN)
    _keep(flows_token, token=settings.SANDBOX_FLOWS_TOKEN)
    return Seeded(workspace=workspace, canvas=canvas, flows=flows_token)


def _keep(row: models.Model, **values: str) -> None:
    """Give `row` the keys from settings, saving only when one changed."""
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    for name in changed:
        setattr(row, name, values[name])
    if changed:
        row.save(update_fields=changed)
