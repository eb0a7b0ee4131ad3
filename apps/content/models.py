"""Content lives in Brickworks; here are only the permissions of the people who work on it."""

from __future__ import annotations

from django.db import models


class Content(models.Model):
    """No table: the holder of the content permissions that the roles hand out."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_content", "Can read schemas and records"),
            ("edit_content", "Can create and edit drafts, duplicate records"),
            ("publish_content", "Can publish, unpublish, schedule and delete records"),
            ("manage_schemas", "Can create, change and delete schemas and external sources"),
        ]

    def __str__(self) -> str:
        return "content"
