"""What the sandbox's flows API holds: flows, suggestions, and the entities suggestions are applied to.

Its bearer tokens are `FlowsToken`s, kept with the other APIs' keys in apps/sandbox/models.py.
"""

from __future__ import annotations

from django.db import models


class Flow(models.Model):
    """A flow of the flows API (flows.md §3); `data` keeps the body's other fields as they were sent."""

    id = models.CharField(primary_key=True, max_length=200)
    title = models.CharField(max_length=500)
    type = models.CharField(max_length=50)
    is_active = models.BooleanField(default=True)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class Suggestion(models.Model):
    """A suggestion of the flows API (flows.md §4); `data` keeps the body as it was sent."""

    id = models.CharField(primary_key=True, max_length=200)
    title = models.CharField(max_length=500)
    data = models.JSONField(default=dict)
    last_applied_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class FlowEntity(models.Model):
    """The state of an entity a suggestion is applied to (flows.md §5, inferred)."""

    id = models.CharField(primary_key=True, max_length=200)
    state = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "flow entities"

    def __str__(self) -> str:
        return self.id
