"""Canvas integrations live in Canvas; here are their permissions and what we keep."""

from __future__ import annotations

from django.db import models


class Integrations(models.Model):
    """No table: the holder of the Canvas permissions that the roles hand out."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_integrations", "Can see Canvas applications, templates, workflows and runs"),
            ("operate_integrations", "Can create, run, schedule and pause Canvas workflows"),
            ("manage_integrations", "Can manage Canvas accounts and application credentials"),
        ]

    def __str__(self) -> str:
        return "integrations"
