from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from apps.sandbox import seed


class Command(BaseCommand):
    help = "Seed the sandbox with demo data and the demo keys from settings (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.SANDBOX_ENABLED:
            self.stdout.write("The sandbox is off (SYNADMIN_SANDBOX=0); nothing to seed.")
            return
        seeded = seed.seed(showcase_content=True)
        self.stdout.write(f"Sandbox seeded: {seeded.workspace}, {seeded.canvas}, {seeded.flows}")
        self.stdout.write(
            f"Sandbox demo Synerise user: {seed.DEMO_USER_EMAIL} with password "
            f"{settings.SANDBOX_DEMO_PASSWORD}  (SYNADMIN_SANDBOX_DEMO_PASSWORD)"
        )
