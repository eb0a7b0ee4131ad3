from __future__ import annotations

from django.contrib import admin

from apps.jobs.models import Job, JobLog


class JobLogInline(admin.TabularInline[JobLog, Job]):
    model = JobLog
    extra = 0
    readonly_fields = ["at", "level", "message"]


@admin.register(Job)
class JobAdmin(admin.ModelAdmin[Job]):
    list_display = ["pk", "label", "kind", "state", "progress", "created_by", "created_at"]
    list_filter = ["state", "kind"]
    inlines = [JobLogInline]
