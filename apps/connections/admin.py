from __future__ import annotations

from django.contrib import admin

from apps.connections.models import Connection


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin[Connection]):
    list_display = ["name", "kind", "base_url", "last_check_ok", "last_checked_at"]
    list_filter = ["kind"]
    # Secrets stay out of the admin; they are edited on the dashboard's write-only forms.
    exclude = list(Connection.SECRET_FIELDS)
