from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from apps.connections import services as connections
from apps.core.http import ApiError
from apps.core.serving import served
from apps.jobs import steps
from apps.launches.models import Launch
from apps.launches.services import launches

ORDERS = "b459cf22-ad18-44bf-80dc-6e8b78be1cc5"  # the sandbox's Canvas workflow "Order transferring"
# (name, description, stages of (step kind, what it acts on)); the first goes at once, the second next week.
DONE = (
    "Spring teaser",
    "The spring banner goes live, then the spring promotion mails start.",
    [
        [("content.publish", {"app_id": "home-banners", "record": "spring-teaser"})],
        [("automations.resume", {"workflow": "Spring promotion"})],
    ],
)
PLANNED = (
    "Summer collection",
    "The summer article and the shirt promo first; then the win-back mails and the weekday order feed.",
    [
        [
            ("content.publish", {"app_id": "blog-articles", "record": "packing-light-for-a-summer-weekend"}),
            ("content.publish", {"app_id": "product-promos", "record": "shrt-208"}),
        ],
        [
            ("automations.resume", {"workflow": "Winback campaign"}),
            ("canvas.schedule_on", {"workflow": ORDERS, "cron": "0 0 5 ? * MON-FRI"}),
        ],
    ],
)


class Command(BaseCommand):
    help = (
        "Plan two demo launches as the admin user (idempotent): one that goes as soon as the worker runs, "
        "so its results show, and one for next Monday morning."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url", default="", help="A running sandbox; by default one is served in this process"
        )

    def handle(self, *args: Any, base_url: str, **options: Any) -> None:
        if not settings.SANDBOX_ENABLED:
            self.stdout.write("The sandbox is off (SYNADMIN_SANDBOX=0); no demo launches.")
            return
        admin = get_user_model().objects.filter(username="admin").first()
        if admin is None or connections.current_workspace(admin) is None:
            self.stdout.write(
                "No admin user or demo workspace yet: run ensure_admin and create_demo_connections."
            )
            return
        if Launch.objects.filter(name__in=[DONE[0], PLANNED[0]]).exists():
            self.stdout.write("Demo launches: already there")
            return
        monday = timezone.localdate() + timedelta(days=7 - timezone.localdate().weekday())
        go = timezone.make_aware(datetime.combine(monday, time(9, 0)))
        with served(base_url, "/sandbox") as url:
            made = [
                self._plan(admin, url, *DONE, go_at=timezone.now()),
                self._plan(admin, url, *PLANNED, go_at=go),
            ]
        self.stdout.write(f"Demo launches: {', '.join(made)}")

    def _plan(
        self, admin: Any, url: str, name: str, about: str, stages: list[Any], *, go_at: datetime
    ) -> str:
        launch = launches.create_launch(admin, name=name, description=about, go_at=go_at)
        for number, stage in enumerate(stages, start=1):
            for key, params in stage:
                kind = steps.kind(key)
                # The saved connection keeps its address; this command's reads go to `url`.
                connection = connections.connection_for(admin, kind.connection_kind)
                connection.base_url = url + connection.base_url.partition("/sandbox")[2]
                workspace = kind.workspace(admin, connection, params)
                try:
                    target = kind.pick(workspace, self._named(workspace, key, params))
                except (ApiError, KeyError):
                    continue
                launches.add_step(admin, launch, kind=key, target=target, connection=connection, stage=number)
        return f"{name} ({launch.steps.count()} steps)"

    def _named(self, workspace: Any, key: str, params: dict[str, str]) -> dict[str, str]:
        """The ids the kinds pick by, from the names a person knows the demo workflows by (a record's slug
        does: Brickworks finds a record by it)."""
        if key.startswith("automations."):
            with workspace.client() as api:
                found = [
                    w
                    for w in api.list_workflows(search=params["workflow"]).data
                    if w.name == params["workflow"]
                ]
            return {"workflow": found[0].diagram_id} if found else {}
        return params
