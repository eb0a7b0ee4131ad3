"""Quartz schedules: parse and evaluate (`expression`), say in words (`words`), presets (`presets`)."""

from __future__ import annotations

from apps.canvas.quartz.expression import Cron, CronError, parse

__all__ = ["Cron", "CronError", "parse"]
