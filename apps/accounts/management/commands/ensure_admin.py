from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the `admin` user once, with SYNADMIN_ADMIN_PASSWORD or a generated password printed once."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--welcome",
            metavar="FILE",
            help="Write a generated password to FILE (readable by you alone) instead of printing it: "
            "`make run` prints it once the dashboard answers, then deletes the file.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        if User.objects.filter(username="admin").exists():
            self.stdout.write("User admin exists; its password is unchanged.")
            return
        password = os.environ.get("SYNADMIN_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        user = User.objects.create_superuser("admin", email="", password=password)
        user.groups.add(Group.objects.get(name="admin"))
        if os.environ.get("SYNADMIN_ADMIN_PASSWORD"):
            self.stdout.write("Created user admin with the password from SYNADMIN_ADMIN_PASSWORD.")
        elif options.get("welcome"):
            welcome = Path(options["welcome"])
            welcome.parent.mkdir(parents=True, exist_ok=True)
            welcome.touch(mode=0o600)
            welcome.write_text(password)
            self.stdout.write("Created user admin; its password is shown when the dashboard answers.")
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Created user admin with password: {password}  (shown once)")
            )
