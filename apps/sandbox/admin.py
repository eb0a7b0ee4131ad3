from __future__ import annotations

from django.contrib import admin

from apps.sandbox import models
from apps.sandbox.brickworks.models import RecordVersion
from apps.sandbox.flows.models import Flow

admin.site.register(models.Workspace)
admin.site.register(models.SyneriseUser)
admin.site.register(models.CanvasKey)
admin.site.register(models.FlowsToken)
admin.site.register(Flow)
admin.site.register(models.FaultSettings)


@admin.register(RecordVersion)
class RecordVersionAdmin(admin.ModelAdmin[RecordVersion]):
    """Brickworks record versions; also the reference point of bench/records_list.py."""

    list_display = ["title", "record", "number", "status", "updated_at"]
    list_filter = ["status", "schema"]
    search_fields = ["search_text"]
    list_per_page = 25
    list_select_related = ["record"]
    raw_id_fields = ["record", "schema"]
