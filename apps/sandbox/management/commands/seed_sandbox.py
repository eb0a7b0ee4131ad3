from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from apps.sandbox import seed


class Command(BaseCommand):
    help = "Seed the sandbox with demo data and point one connection of each kind at it (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--base-url", default=settings.SANDBOX_BASE_URL, help="Where the sandbox answers")

    def handle(self, *args: Any, base_url: str, **options: Any) -> None:
        if not settings.SANDBOX_ENABLED:
            self.stdout.write("The sandbox is off (SYNADMIN_SANDBOX=0); nothing to seed.")
            return
        seeded = seed.seed_with_connections(base_url)
        self.stdout.write(
            f"Sandbox seeded: {seeded.workspace}, {seeded.canvas}, {seeded.flows}; "
            f"demo connections point at {base_url}"
        )
