from __future__ import annotations

from django.contrib import admin

from apps.sandbox import models

admin.site.register(models.Workspace)
admin.site.register(models.SyneriseUser)
admin.site.register(models.CanvasKey)
admin.site.register(models.FlowsToken)
admin.site.register(models.Flow)
admin.site.register(models.FaultSettings)
