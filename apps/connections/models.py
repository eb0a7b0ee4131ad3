from __future__ import annotations

from django.conf import settings
from django.db import models

from apps.core.fields import EncryptedTextField


class Connection(models.Model):
    """Where and how the dashboard reaches one remote service. Secrets are encrypted at rest."""

    class Kind(models.TextChoices):
        SYNERISE = "synerise", "Synerise workspace"
        CANVAS = "canvas", "Canvas account"
        FLOWS = "flows", "Flows API"

    class AuthMode(models.TextChoices):
        API_KEY = "api_key", "Workspace API key"
        USER = "user", "User login and workspace"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=100, unique=True)
    base_url = models.CharField("Base URL", max_length=300)
    # Synerise
    auth_mode = models.CharField(max_length=10, choices=AuthMode.choices, blank=True)
    api_key = EncryptedTextField("Workspace API key", blank=True)
    username = models.CharField(max_length=200, blank=True)
    password = EncryptedTextField(blank=True)
    workspace_uuid = models.CharField("Workspace UUID", max_length=64, blank=True)
    workspace_name = models.CharField(max_length=200, blank=True)
    # Canvas
    consumer = EncryptedTextField("Consumer key", blank=True)
    secret_key = EncryptedTextField("Secret key", blank=True)
    managed_account_id = models.CharField("Managed account id", max_length=64, blank=True)
    # Flows
    token = EncryptedTextField("API token", blank=True)

    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_check_ok = models.BooleanField(null=True)
    last_check_message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    SECRET_FIELDS = ("api_key", "password", "consumer", "secret_key", "token")

    class Meta:
        ordering = ["kind", "name"]
        permissions = [("test_connection", "Can test a connection")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_sandbox(self) -> bool:
        return "/sandbox/" in f"{self.base_url}/"


class Preference(models.Model):
    """A person's choices that persist across sessions."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference")
    workspace = models.ForeignKey(
        Connection,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        limit_choices_to={"kind": Connection.Kind.SYNERISE},
    )

    def __str__(self) -> str:
        return f"{self.user}: {self.workspace}"
