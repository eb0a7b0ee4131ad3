"""Pausing, resuming or stopping a workflow at a time."""

from __future__ import annotations

from django import forms

from apps.automations.models import ScheduledWorkflowAction
from apps.jobs.forms import WhenForm


class WorkflowScheduleForm(WhenForm):
    action = forms.ChoiceField(choices=ScheduledWorkflowAction.Action.choices, initial="pause")

    field_order = ["action", "at"]
