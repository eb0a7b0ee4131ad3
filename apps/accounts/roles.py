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
    "launches.view_launches",
]
EDITOR = [*VIEWER, "content.edit_content", "catalogs.edit_items", "launches.plan_launches"]
PUBLISHER = [*EDITOR, "content.publish_content", "launches.approve_launches"]
OPERATOR = [
    *VIEWER,
    "connections.test_connection",
    "jobs.cancel_job",
    "jobs.retry_job",
    "automations.operate_workflows",
    "automations.manage_flows",
    "canvas.operate_integrations",
    "launches.plan_launches",
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


def permission_names() -> dict[str, str]:
    """Every permission ("app.codename") in words, as the models declare them (Django's own for the
    add, change, delete and view permissions, in the plural)."""
    from django.apps import apps

    names = {}
    for model in apps.get_models():
        opts = model._meta
        for action in opts.default_permissions:
            names[f"{opts.app_label}.{action}_{opts.model_name}"] = f"Can {action} {opts.verbose_name_plural}"
        for codename, name in opts.permissions:
            names[f"{opts.app_label}.{codename}"] = name
    return names


def describe(role: str) -> str:
    """What `role` may do, made from its permissions: the largest roles it holds all of, then the words
    of each permission of its own. The one description of a role, so it cannot say more or less."""
    own = set(ROLES[role])
    inside = [other for other, perms in ROLES.items() if other != role and set(perms) < own]
    inside = [o for o in inside if not any(set(ROLES[o]) < set(ROLES[p]) for p in inside)]
    names = permission_names()
    rest = [names[p].removeprefix("Can ") for p in ROLES[role] if not any(p in ROLES[o] for o in inside)]
    said = "; ".join(rest)
    if not inside:
        return f"May {said}."
    held = " and ".join(f"{'an' if o[0] in 'aeiou' else 'a'} {o}" for o in inside)
    return f"What {held} may do, and: {said}."


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
