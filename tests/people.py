"""People for tests: `make_user` is the one factory; `client_for` signs one in on a test client.

The named personas (tests/conftest.py) are built on it: Alice is an admin, Olive an operator, Paula a
publisher, Eddie an editor, Vera a viewer (read-only), and Sam a stranger with no role.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, User
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
    client = Client()
    client.force_login(user)
    return client
