from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.sandbox.models import FaultSettings


class Command(BaseCommand):
    help = (
        "Make the sandbox slow or flaky: latency and a share of 5xx / 429 / dropped connections / "
        "lost answers (the write is made, then the connection drops)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--latency-ms", type=int, default=0)
        parser.add_argument("--error-rate", type=float, default=0.0, help="0 to 1")
        parser.add_argument("--faults", nargs="*", default=[], choices=FaultSettings.Fault.values)
        parser.add_argument("--retry-after", type=int, default=1)
        parser.add_argument("--path", default="", help="Only requests whose path holds this")

    def handle(
        self,
        *args: Any,
        latency_ms: int,
        error_rate: float,
        faults: list[str],
        retry_after: int,
        path: str,
        **options: Any,
    ) -> None:
        if not 0 <= error_rate <= 1:
            raise CommandError("--error-rate takes a number from 0 to 1.")
        settings, _ = FaultSettings.objects.update_or_create(
            pk=1,
            defaults={
                "latency_ms": latency_ms,
                "error_rate": error_rate,
                "faults": faults,
                "retry_after": retry_after,
                "path_contains": path,
            },
        )
        self.stdout.write(f"Sandbox faults: {settings}")
