from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from apps.connections.services import current_workspace
from apps.content.models import TestProfile
from apps.content.services import schedule
from apps.content.services.workspace import workspace_for
from apps.core.http import ApiNotFound
from apps.core.serving import served

# What the demo has coming up: (schema, record slug, action, from now). All within a few days, so the
# calendar's current week shows them; a draft over a live version shows the draft's name going live.
DEMO = [
    ("blog-articles", "coffee-at-home-done-well", "publish", timedelta(hours=6)),
    ("homepage-heroes", "hero-2", "publish", timedelta(days=1, hours=2)),
    ("store-announcements", "notice-5", "publish", timedelta(days=2, hours=1)),
    ("product-promos", "boot-101", "unpublish", timedelta(days=3, hours=4)),
]

# Test profiles of the workspace: two of the sandbox's profiles.
PROFILES = [("Ann, loyal customer", "ann@example.test"), ("Bob, new visitor", "bob@example.test")]


class Command(BaseCommand):
    help = (
        "Schedule a few publishes of the demo content this week, as the admin user, and save two test "
        "profiles for previews (idempotent)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url", default="", help="A running sandbox; by default one is served in this process"
        )

    def handle(self, *args: Any, base_url: str, **options: Any) -> None:
        if not settings.SANDBOX_ENABLED:
            self.stdout.write("The sandbox is off (SYNADMIN_SANDBOX=0); nothing to schedule.")
            return
        admin = get_user_model().objects.filter(username="admin").first()
        connection = current_workspace(admin) if admin else None
        if admin is None or connection is None:
            self.stdout.write(
                "No admin user or demo workspace yet: run ensure_admin and create_demo_connections."
            )
            return
        for name, email in PROFILES:  # so that previews, a launch's among them, show people's names
            TestProfile.objects.get_or_create(
                connection=connection,
                name=name,
                defaults={"identifier_type": "email", "identifier_value": email, "created_by": admin},
            )
        with served(base_url, "/sandbox") as url:
            # The saved connection keeps its address (never saved here); this command's reads go to `url`.
            connection.base_url = url + connection.base_url.partition("/sandbox")[2]
            workspace = workspace_for(admin, connection=connection)
            with workspace.client() as api:
                made = sum(self._schedule(api, workspace, *item) for item in DEMO)
        self.stdout.write(f"Demo schedule: {made} new, {len(DEMO) - made} already there or not found")

    def _schedule(
        self, api: Any, workspace: Any, app_id: str, slug: str, action: str, later: timedelta
    ) -> bool:
        try:
            schema = api.get_schema(app_id)
            record = schedule.version_acted_on(api, schema, slug, action)
        except ApiNotFound:
            return False
        at = (timezone.now() + later).replace(second=0, microsecond=0)
        try:
            schedule.schedule(workspace, schema=schema, record=record, action=action, at=at)
        except schedule.AlreadyScheduled:
            return False
        return True
