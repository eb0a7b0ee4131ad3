from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from apps.connections import services


class Command(BaseCommand):
    help = "Point one connection of each kind at the built-in sandbox, with its demo keys (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--base-url", default=settings.SANDBOX_BASE_URL, help="Where the sandbox answers")

    def handle(self, *args: Any, base_url: str, **options: Any) -> None:
        if not settings.SANDBOX_ENABLED:
            self.stdout.write("The sandbox is off (SYNADMIN_SANDBOX=0); no demo connections.")
            return
        # The keys `seed_sandbox` gave the sandbox: both read them from settings.
        services.create_demo_connections(
            base_url=base_url,
            api_key=settings.SANDBOX_API_KEY,
            consumer=settings.SANDBOX_CANVAS_CONSUMER,
            secret_key=settings.SANDBOX_CANVAS_SECRET,
            token=settings.SANDBOX_FLOWS_TOKEN,
        )
        self.stdout.write(f"Demo connections point at {base_url}")
