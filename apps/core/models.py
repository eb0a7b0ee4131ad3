from __future__ import annotations

from django.conf import settings
from django.db import models

# The verb of an action name (`noun.verb`) in plain words; an unknown one is shown with spaces.
VERBS = {
    "create": "created",
    "update": "changed",
    "change": "changed",
    "delete": "deleted",
    "save": "saved",
    "publish": "published",
    "unpublish": "unpublished",
    "duplicate": "duplicated",
    "restore": "restored from an earlier version",
    "undo_delete": "brought back after a delete",
    "schedule_publish": "publish scheduled",
    "schedule_unpublish": "unpublish scheduled",
    "schedule_pause": "pause scheduled",
    "schedule_resume": "resume scheduled",
    "schedule_stop": "stop scheduled",
    "schedule_cancel": "scheduled action cancelled",
    "schedule_retry": "scheduled action retried",
    "reschedule": "rescheduled",
    "cancel": "cancelled",
    "retry": "retried",
    "test": "tested",
    "switch": "switched",
    "choose_workspace": "workspace chosen",
    "password": "password changed",
    "groups": "roles changed",
    "permissions": "permissions changed",
    "pause": "paused",
    "resume": "resumed",
    "stop": "stopped",
    "run": "run",
    "activate": "switched on",
    "deactivate": "switched off",
    "apply": "applied",
    "add": "added",
    "invite": "invited",
    "connect": "connected",
    "act_as": "chosen to act as",
    "save_off": "saved, left off",
    "roll_back": "rolled back",
    "import_upload": "file uploaded",
    "import_undo": "import taken back",
    "filtering": "filterable keys changed",
    "add_step": "step added",
    "remove_step": "step removed",
    "renew_step": "step brought up to date",
    "approve": "approved",
    "policy": "approval rule changed",
    "step_done": "step run",
    "step_undone": "step taken back",
    "start": "started",
    "check": "checked before its time",
    "continue": "continued past a failed step",
}


def describe(action: str) -> str:
    """An action's code name in plain words: `record.create` is "Record created", `item.price.change`
    "Item price changed"."""
    noun, _, verb = action.rpartition(".") if "." in action else (action, "", "")
    words = noun.replace("_", " ").replace(".", " ").capitalize()
    if not verb:
        return words
    return f"{words} {VERBS.get(verb, verb.replace('_', ' '))}"


class AuditEntry(models.Model):
    """One mutation a person made: who, when, what, on which target, and how it ended."""

    class Outcome(models.TextChoices):
        OK = "ok", "Succeeded"
        FAILED = "failed", "Failed"

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=200, blank=True)
    target_repr = models.CharField(max_length=300, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.OK)
    error = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.username} {self.action} {self.target_repr}"

    @property
    def action_words(self) -> str:
        return describe(self.action)

    @property
    def person(self) -> str:
        """Who did it, as people are named on screens: their full name, else the name they sign in with
        (kept in `username` after the account is gone)."""
        if self.user is None:
            return self.username
        return self.user.get_full_name() or self.user.get_username()
