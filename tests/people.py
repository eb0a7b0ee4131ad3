"""People for tests: `make_user` is the one factory; `client_for` signs one in on a test client.

The named personas (tests/conftest.py) are built on it: Alice is an admin, Olive an operator, Paula a
publisher, Eddie an editor, Vera a viewer (read-only), and Sam a stranger with no role.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
from django.contrib.auth.models import Group, User, update_last_login
from django.test import Client

PASSWORD = "correct horse battery staple"
# Persona name -> role (a Group), and the fixture name of their signed-in client.
PERSONAS: dict[str, tuple[str | None, str]] = {
    "alice": ("admin", "admin_client"),
    "olive": ("operator", "operator_client"),
    "paula": ("publisher", "publisher_client"),
    "eddie": ("editor", "editor_client"),
    "vera": ("viewer", "viewer_client"),
    "sam": (None, "stranger_client"),
}


def make_user(username: str, role: str | None, *, superuser: bool = False) -> User:
    user = User.objects.create_user(username, password=PASSWORD, is_superuser=superuser, is_staff=superuser)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def client_for(user: User) -> Client:
    """A test client signed in as `user`: the session a sign-in leaves and its last_login stamp, made
    directly (force_login runs the whole sign-in, eight queries: a session key made twice, the lockout
    log; the sign-in itself is tested through its form, tests/accounts/test_login.py)."""
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = next(
        path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user")
    )
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    update_last_login(None, user)
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return client
