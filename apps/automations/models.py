"""Workflows and flows live in Synerise and the flows API; here are their permissions and what we keep."""

from __future__ import annotations

from django.db import models


class Automations(models.Model):
    """No table: the holder of the workflow and flow permissions that the roles hand out."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_workflows", "Can see workflows, their runs, flows and suggestions"),
            ("operate_workflows", "Can run, pause, stop and schedule workflows"),
            ("manage_flows", "Can create, change and delete flows and suggestions, and apply suggestions"),
        ]

    def __str__(self) -> str:
        return "automations"
