"""Django's ModelBackend, reading a person's permissions in one query instead of two."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from apps.accounts.services import held_permissions


class RoleBackend(ModelBackend):
    """ModelBackend, except that the permissions a person holds (their roles' and their own) come in one
    query: every page asks for some of them (the menu, the header), and ModelBackend reads the two kinds
    apart."""

    def get_all_permissions(self, user_obj: Any, obj: object = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = set(held_permissions(user_obj))
        return user_obj._perm_cache  # type: ignore[no-any-return]
