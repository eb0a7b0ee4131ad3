"""Personas and shared fixtures.

One person per role: Alice is an admin, Olive an operator, Paula a publisher, Eddie an editor, Vera a
viewer (read-only), and Sam a stranger with no role. Each has a signed-in client: `admin_client`,
`operator_client`, `publisher_client`, `editor_client`, `viewer_client`, `stranger_client`.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from apps.connections.models import Connection
from apps.sandbox import seed
from synadmin.celery import app as celery_app
from tests.outage import RedisServer, broker_at

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _test_settings(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # No test checks which hasher is used; PBKDF2's many rounds cost a third of a second per password.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.REMOTE_BACKOFF = 0.01
    settings.REMOTE_TIMEOUT = 5.0
    cache.clear()
    yield
    cache.clear()


def make_user(username: str, role: str | None, *, superuser: bool = False) -> User:
    user = User.objects.create_user(username, password=PASSWORD, is_superuser=superuser, is_staff=superuser)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def alice(db: None) -> User:
    return make_user("alice", "admin")


@pytest.fixture
def olive(db: None) -> User:
    return make_user("olive", "operator")


@pytest.fixture
def paula(db: None) -> User:
    return make_user("paula", "publisher")


@pytest.fixture
def eddie(db: None) -> User:
    return make_user("eddie", "editor")


@pytest.fixture
def vera(db: None) -> User:
    return make_user("vera", "viewer")


@pytest.fixture
def sam(db: None) -> User:
    return make_user("sam", None)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin_client(alice: User) -> Client:  # noqa: PT004 -- overrides pytest-django's superuser client
    return client_for(alice)


@pytest.fixture
def operator_client(olive: User) -> Client:
    return client_for(olive)


@pytest.fixture
def publisher_client(paula: User) -> Client:
    return client_for(paula)


@pytest.fixture
def editor_client(eddie: User) -> Client:
    return client_for(eddie)


@pytest.fixture
def viewer_client(vera: User) -> Client:
    return client_for(vera)


@pytest.fixture
def stranger_client(sam: User) -> Client:
    return client_for(sam)


@pytest.fixture
def sandbox(live_server: Any, transactional_db: None) -> seed.Seeded:
    """The sandbox served over real HTTP, seeded, with the demo connections pointing at it."""
    seeded = seed.seed()
    call_command("create_demo_connections", base_url=f"{live_server.url}/sandbox", stdout=io.StringIO())
    return seeded


@pytest.fixture
def demo(sandbox: seed.Seeded) -> dict[str, Connection]:
    """The three demo connections, by kind."""
    return {c.kind: c for c in Connection.objects.all()}


@pytest.fixture
def eager_celery() -> Iterator[None]:
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture(autouse=True, scope="session")
def _private_broker(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep the session's messages apart from a `make run` on the same checkout, and from the other
    xdist workers of this run: each has its own folder (tmp_path_factory is per worker), or on Redis and
    RabbitMQ its own queue, so no worker takes another's task (whose job lives in the other worker's
    test database).

    Set before the first task is sent: the producer pool keeps the options it was created with.
    """
    if celery_app.conf.broker_url.startswith("filesystem://"):
        folder = tmp_path_factory.mktemp("celery-broker")
        (folder / "control").mkdir()
        celery_app.conf.broker_transport_options = {
            "data_folder_in": str(folder),
            "data_folder_out": str(folder),
            "control_folder": str(folder / "control"),
            "store_processed": False,
        }
    else:
        # Redis and RabbitMQ alike: a queue per database (one per checkout on a shared machine) and worker.
        database = django_settings.DATABASES["default"]["NAME"]
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        celery_app.conf.task_default_queue = f"synadmin-tests-{Path(str(database)).name}-{worker}"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that runs a real worker is marked `real_worker`: CI runs them once more on RabbitMQ."""
    for item in items:
        if "celery_worker" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.real_worker)


@pytest.fixture
def celery_worker(transactional_db: None) -> Iterator[None]:
    """A real Celery worker in a thread, on the configured broker (Redis and RabbitMQ in CI, a folder
    otherwise)."""
    from celery.contrib.testing.worker import start_worker

    celery_app.control.purge()
    with start_worker(celery_app, pool="solo", concurrency=1, perform_ping_check=False, loglevel="WARNING"):
        yield


@pytest.fixture
def outage(settings: Any, tmp_path: Any) -> Iterator[RedisServer]:
    """A Redis of this test's own as the broker and the cache: `outage.stop()` and `outage.start()`."""
    if shutil.which("redis-server") is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server not found; .ci/run uses Debian's redis-server")
        pytest.skip("redis-server is not installed (apt-get install -y redis-server)")
    server = RedisServer(tmp_path)
    server.start()
    caches = settings.CACHES
    settings.CACHES = {
        "default": {
            "BACKEND": "apps.core.cache.RedisCache",  # as settings.py makes a redis:// CACHE_URL
            "LOCATION": server.url(1),
            "OPTIONS": dict(settings.REDIS_CACHE_OPTIONS),
        }
    }
    try:
        with broker_at(server.url(0)):
            yield server
    finally:
        settings.CACHES = caches  # before the autouse clear of the cache, which this server may not answer
        server.stop()
