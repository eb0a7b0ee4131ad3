"""The Django admin's user and group pages, guarded like the Users screen."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest

from apps.accounts import services as people

PRIVILEGED = ["is_superuser", "is_staff"]

# Replaced below by admins that let only superusers grant what only superusers hold.
admin.site.unregister(User)
admin.site.unregister(Group)


def grantable_permissions(person: Any) -> QuerySet[Permission]:
    """The permissions this person may give or take away: a superuser any, anyone else those they hold."""
    every = Permission.objects.select_related("content_type")
    if person.is_superuser:
        return every
    held = person.get_all_permissions()
    return every.filter(pk__in=[p.pk for p in every if f"{p.content_type.app_label}.{p.codename}" in held])


def grantable_groups(person: Any) -> QuerySet[Group]:
    """The groups (roles) this person may give or take away: those granting nothing they do not hold."""
    if person.is_superuser:
        return Group.objects.all()
    beyond = Permission.objects.exclude(pk__in=grantable_permissions(person))
    return Group.objects.exclude(permissions__in=beyond)


class Guarded(admin.ModelAdmin[Any]):
    """Only superusers grant what they alone hold: a person with the admin role cannot raise anyone's
    privileges, their own included, beyond the permissions they have."""

    grantable: dict[str, Callable[[Any], QuerySet[Any]]] = {}

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name in self.grantable:
            kwargs["queryset"] = self.grantable[db_field.name](request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # What the person may not take away stays: the form showed only what they may grant.
        for name, grantable in self.grantable.items():
            if change and name in form.cleaned_data:
                kept = getattr(form.instance, name).exclude(pk__in=grantable(request.user))
                form.cleaned_data[name] = [*form.cleaned_data[name], *kept]
        super().save_related(request, form, formsets, change)


@admin.register(User)
class GuardedUserAdmin(Guarded, UserAdmin[User]):
    grantable = {"groups": grantable_groups, "user_permissions": grantable_permissions}

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        return fields if request.user.is_superuser else [*fields, *PRIVILEGED]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """An account (its password too) is changed only by someone the Users screen lets manage it."""
        if obj is not None and not people.may_manage(request.user, obj):
            return False
        return bool(super().has_change_permission(request, obj))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and not people.may_manage(request.user, obj):
            return False
        return bool(super().has_delete_permission(request, obj))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = User.objects.filter(pk=obj.pk).values(*PRIVILEGED).first() or dict.fromkeys(
            PRIVILEGED, False
        )
        if not request.user.is_superuser and any(before[name] != getattr(obj, name) for name in PRIVILEGED):
            raise PermissionDenied("Only a superuser grants or removes superuser or staff status.")
        super().save_model(request, obj, form, change)


@admin.register(Group)
class GuardedGroupAdmin(Guarded, GroupAdmin):
    grantable = {"permissions": grantable_permissions}
