"""Bulk items become the jobs app's generic JobItem rows; bulk jobs link to their results page."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def forwards(apps: Any, schema_editor: Any) -> None:
    BulkRun = apps.get_model("content", "BulkRun")
    BulkItem = apps.get_model("content", "BulkItem")
    Job = apps.get_model("jobs", "Job")
    JobItem = apps.get_model("jobs", "JobItem")
    for run in BulkRun.objects.all():
        Job.objects.filter(pk=run.job_id).update(result_url=f"/content/bulk/{run.job_id}/")
        JobItem.objects.bulk_create(
            JobItem(
                job_id=run.job_id,
                key=item.record_id,
                name=item.name,
                url=f"/content/records/{run.app_id}/{item.record_id}/",
                state=item.state,
                message=item.message,
                attempts=item.attempts,
                finished_at=item.finished_at,
            )
            for item in BulkItem.objects.filter(run=run).order_by("pk")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0005_test_profiles"),
        ("jobs", "0003_items_and_result_url"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.DeleteModel(name="BulkItem"),
    ]
