from __future__ import annotations

import os
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the `admin` user once, with SYNADMIN_ADMIN_PASSWORD or a generated password printed once."

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
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Created user admin with password: {password}  (shown once)")
            )
