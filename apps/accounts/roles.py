"""The five roles as groups, and the permissions each one holds. One place for all apps."""

from __future__ import annotations

from typing import Any

VIEWER = [
    "connections.view_connection",
    "jobs.view_job",
    "content.view_content",
    "automations.view_workflows",
    "canvas.view_integrations",
    "catalogs.view_catalogs",
]
EDITOR = [*VIEWER, "content.edit_content", "catalogs.edit_items"]
PUBLISHER = [*EDITOR, "content.publish_content"]
OPERATOR = [
    *VIEWER,
    "connections.test_connection",
    "jobs.cancel_job",
    "jobs.retry_job",
    "automations.operate_workflows",
    "automations.manage_flows",
    "canvas.operate_integrations",
]
ADMIN = [
    *PUBLISHER,
    *OPERATOR,
    "connections.add_connection",
    "connections.change_connection",
    "connections.delete_connection",
    "content.manage_schemas",
    "canvas.manage_integrations",
    "catalogs.manage_catalogs",
    "core.view_auditentry",
    "auth.view_user",
    "auth.add_user",
    "auth.change_user",
    "auth.view_group",
]

ROLES: dict[str, list[str]] = {
    "viewer": VIEWER,
    "editor": EDITOR,
    "publisher": PUBLISHER,
    "operator": OPERATOR,
    "admin": ADMIN,
}


def sync_roles(**kwargs: Any) -> None:
    """Create the role groups and give each exactly its permissions (run after every migrate).

    post_migrate is sent once per app, and each app's permissions are created by its own signal, so
    the roles are synced once, after the last app's: earlier runs would set partial permissions and
    fill the audit log with changes nobody made.
    """
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    app_config = kwargs.get("app_config")
    if app_config is not None and app_config is not list(apps.get_app_configs())[-1]:
        return

    for name, perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = set(perms)
        found = [
            p
            for p in Permission.objects.select_related("content_type").filter(
                codename__in={perm.split(".")[1] for perm in wanted}
            )
            if f"{p.content_type.app_label}.{p.codename}" in wanted
        ]
        group.permissions.set(found)
