from django.db import migrations


def bulk_jobs_take_publishing(apps, schema_editor):
    """Bulk jobs from before: cancelling or retrying them takes the publish permission, as for new ones."""
    Job = apps.get_model("jobs", "Job")
    Job.objects.filter(bulk__isnull=False, permission="").update(permission="content.publish_content")


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0006_bulk_items_move_to_jobs"),
        ("jobs", "0004_run_by_and_permission"),
    ]

    operations = [migrations.RunPython(bulk_jobs_take_publishing, migrations.RunPython.noop)]
