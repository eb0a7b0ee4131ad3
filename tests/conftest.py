"""Personas and shared fixtures.

One person per role (tests/people.py): Alice is an admin, Olive an operator, Paula a publisher, Eddie
an editor, Vera a viewer (read-only), and Sam a stranger with no role. Each has a signed-in client:
`admin_client`, `operator_client`, `publisher_client`, `editor_client`, `viewer_client`, `stranger_client`.
"""

from __future__ import annotations

import gc
import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.test import Client, override_settings
from django.utils import timezone

from apps.connections.models import Connection
from apps.core import http
from apps.jobs import runner
from apps.sandbox import seed
from apps.sandbox.models import Workspace
from synadmin.celery import app as celery_app
from tests import commits, database, sandboxes, seeds, static
from tests.outage import RedisServer, broker_at
from tests.people import PERSONAS, client_for, make_user

pytest_plugins = ["tests.meeting"]


@pytest.fixture(autouse=True)
def _test_settings(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.REMOTE_BACKOFF = 0.01
    # A launch's steps in threads would not see a rollback test's open transaction: one at a time here,
    # together in tests/launches/test_at_once.py (transactional).
    settings.LAUNCH_STEPS_AT_ONCE = 1
    settings.REMOTE_TIMEOUT = 5.0
    cache.clear()
    # A page's TimezoneMiddleware activates the person's zone for the thread and leaves it: the next
    # request sets it again, but a later test in this thread would otherwise run in that zone.
    timezone.deactivate()
    yield
    cache.clear()
    timezone.deactivate()


# No test checks which hasher is used; PBKDF2's many rounds cost a third of a second per password.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _persona(name: str, role: str | None) -> Any:
    @pytest.fixture(name=name)
    def person(db: None) -> User:
        return make_user(name, role)

    return person


def _signed_in(client_name: str, name: str) -> Any:
    @pytest.fixture(name=client_name)
    def signed_in(request: pytest.FixtureRequest, db: None) -> Client:  # db: `_database_as_expected` sees it
        return client_for(request.getfixturevalue(name))

    return signed_in


# alice, olive, paula, eddie, vera, sam and their clients (admin_client overrides pytest-django's).
for _name, (_role, _client) in PERSONAS.items():
    globals()[_name] = _persona(_name, _role)
    globals()[_client] = _signed_in(_client, _name)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """pytest-django's, and before it drops the test database, the sessions that threads which have ended
    (a live server's, a real worker's) left open on it are ended: their connection objects outlive them
    (still referenced, not yet freed), and PostgreSQL drops no database that has a session."""
    yield
    home = connections[DEFAULT_DB_ALIAS]
    if home.vendor == "postgresql":
        with django_db_blocker.unblock(), home.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.fixture(autouse=True, scope="session")
def _static_files_read_once() -> Iterator[None]:
    with static.read_once():
        yield


@pytest.fixture(autouse=True, scope="session")
def _flush_by_delete() -> Iterator[None]:
    with database.delete_to_flush(), database.post_migrate_copied():
        yield


@pytest.fixture(autouse=True, scope="session")
def _in_process_sandbox() -> Iterator[None]:
    """Clients whose base URL is on `testserver` reach the sandbox in this thread (tests/sandboxes.py)."""
    transport = sandboxes.InProcessTransport()
    http.IN_PROCESS[sandboxes.HOST] = transport
    # The batch runner's threads reach the sandbox on this thread's connection (see InProcessTransport);
    # the runner's own writes (its settling and recording of items) must not interleave with a request's
    # savepoints on it.
    record, settle = runner._record, runner._settle

    def alone(step: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            with transport.lock:
                return step(*args, **kwargs)

        return call

    runner._record, runner._settle = alone(record), alone(settle)
    yield
    runner._record, runner._settle = record, settle
    del http.IN_PROCESS[sandboxes.HOST]


def demo_connections(base_url: str = sandboxes.BASE_URL) -> None:
    call_command("create_demo_connections", base_url=base_url, stdout=io.StringIO())


# Whether this process's test database holds the sandbox's demo data, committed (`_database_as_expected`).
_committed = {"seed": False}


@pytest.fixture(autouse=True)
def _database_as_expected(request: pytest.FixtureRequest, django_db_blocker: Any) -> None:
    """A rollback test that asks for the sandbox starts from its demo data and the demo connections,
    committed before the test's transaction opens (and left as it was: the transaction rolls back); any
    other test that uses the database starts from an empty one. The data is seeded or emptied only when
    the next test wants the other state: pytest_collection_modifyitems orders the tests so that it changes
    twice per worker, and an xdist worker that takes queued tests from the other (worksteal) changes it
    again when it must.

    An autouse fixture, so it runs before `db` opens the test's transaction: rollback tests ask for the
    database with the `db` fixture, not the django_db mark, whose own autouse fixture would run first.
    """
    item = request.node
    fixtures = set(getattr(item, "fixturenames", ()))
    if not (_transactional(item) or "db" in fixtures):
        return
    wanted = "seeded" in fixtures and not _transactional(item)
    if wanted == _committed["seed"]:
        return
    request.getfixturevalue("django_db_setup")
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        if wanted:
            seeds.seed()
            demo_connections()  # the `sandbox` fixture's, committed with the data they reach
        else:
            call_command("flush", interactive=False, verbosity=0)
    _committed["seed"] = wanted


@pytest.fixture
def seeded(request: pytest.FixtureRequest, db: None) -> seed.Seeded:
    """The sandbox's demo data: committed before a rollback test (`_database_as_expected`), or seeded in a
    transactional test (emptied after it)."""
    return seeds.seed() if _transactional(request.node) else seeds.lookup()


@pytest.fixture
def sandbox(request: pytest.FixtureRequest, seeded: seed.Seeded) -> seed.Seeded:
    """The sandbox, seeded, served in-process, with the demo connections pointing at it.

    A test with a real worker or a live server gets it over HTTP instead (`live_sandbox`): their
    threads read the database on connections of their own, and call the sandbox as production does.
    """
    if {"celery_worker", "live_server"} & set(request.fixturenames):
        return request.getfixturevalue("live_sandbox")
    if _transactional(request.node):
        demo_connections()
    return seeded


def _transactional(item: pytest.Item) -> bool:
    """As pytest-django decides it (its pytest_collection_modifyitems)."""
    marker = item.get_closest_marker("django_db")
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(
        (marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
        or {"transactional_db", "live_server"} & fixtures
    )


@pytest.fixture
def live_sandbox(request: pytest.FixtureRequest, live_server: Any, transactional_db: None) -> seed.Seeded:
    """The sandbox served over real HTTP, seeded, with the demo connections pointing at it: for tests of
    what only a socket shows (timeouts, slow answers, a real worker, a browser)."""
    # Reached through `sandbox`, the test's `seeded` has seeded it already.
    seeded = request.getfixturevalue("seeded") if "seeded" in request.fixturenames else seeds.seed()
    demo_connections(f"{live_server.url}/sandbox")
    return seeded


@pytest.fixture
def demo(sandbox: seed.Seeded) -> dict[str, Connection]:
    """The three demo connections, by kind."""
    return {c.kind: c for c in Connection.objects.all()}


@pytest.fixture
def live_demo(live_sandbox: seed.Seeded) -> dict[str, Connection]:
    """The three demo connections to the sandbox over real HTTP, by kind."""
    return {c.kind: c for c in Connection.objects.all()}


@pytest.fixture
def staging(demo: dict[str, Connection]) -> Connection:
    """A second workspace of the same sandbox (empty: no schemas), reached with its own API key."""
    Workspace.objects.filter(name="Staging workspace").update(api_key="staging-key")
    return Connection.objects.create(
        name="Staging",
        kind=Connection.Kind.SYNERISE,
        base_url=demo["synerise"].base_url,
        auth_mode=Connection.AuthMode.API_KEY,
        api_key="staging-key",
    )


@pytest.fixture
def eager_celery() -> Iterator[None]:
    """Tasks run in the test's thread when sent; sent on commit, they run where the commit would be
    (a rollback test never commits: tests/commits.py)."""
    celery_app.conf.task_always_eager = True
    try:
        with commits.as_committed():
            yield
    finally:
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


def pytest_collection_finish(session: pytest.Session) -> None:
    """What a test process has made by the time its tests start (Django, the test modules) lives to its
    end: the cyclic collector need not walk it again, and runs a tenth as often (it took 5% of a run)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that runs a real worker is marked `real_worker`: CI runs them once more on RabbitMQ.

    Among the rollback tests (pytest-django put them first), those that do not ask for the sandbox run
    before those that do: the demo data is then committed once per worker (`_database_as_expected`).
    Tests marked `long(seconds)` run first of all, the longest first: the short ones left at the end are
    shared out between the workers (worksteal), where a long one would keep one worker busy while the
    other waits.
    """
    for item in items:
        if "celery_worker" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.real_worker)

    def seeded_later(item: pytest.Item) -> bool:
        return "seeded" in getattr(item, "fixturenames", ()) and not _transactional(item)

    # pytest-django's rollback group is the first run of items (then transactional, then no database).
    end = next((i for i, item in enumerate(items) if _transactional(item)), len(items))
    items[:end] = sorted(items[:end], key=seeded_later)
    items.sort(key=lambda item: -_seconds(item))


def _seconds(item: pytest.Item) -> float:
    long = item.get_closest_marker("long")
    return float(long.args[0]) if long else 0.0


@pytest.fixture
def celery_worker(transactional_db: None) -> Iterator[None]:
    """A real Celery worker in a thread, on the configured broker (Redis and RabbitMQ in CI, a folder
    otherwise)."""
    from celery.contrib.testing.worker import start_worker
    from celery.worker import state

    celery_app.control.purge()
    options = celery_app.conf.broker_transport_options
    if celery_app.conf.broker_url.startswith("redis"):
        # The worker waits on Redis a tenth of a second at a time, not a whole one: it hears the stop sooner.
        celery_app.conf.broker_transport_options = {**(options or {}), "polling_interval": 0.1}
    try:
        with start_worker(
            celery_app, pool="solo", concurrency=1, perform_ping_check=False, loglevel="WARNING"
        ):
            yield
            # On RabbitMQ the worker sees that it should stop only when its next message comes (ten seconds a
            # test): tell it, then wake it with a control message.
            state.should_terminate = 0
            celery_app.control.broadcast("ping")
    finally:
        celery_app.conf.broker_transport_options = options


@pytest.fixture
def outage(settings: Any, tmp_path: Any) -> Iterator[RedisServer]:
    """A Redis of this test's own as the broker and the cache: `outage.stop()` and `outage.start()`.

    A task is sent on commit: in a rollback test, where the code under test would have committed
    (tests/commits.py), so a refused send reaches the view as it does in production.
    """
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
        with broker_at(server.url(0)), commits.as_committed():
            yield server
    finally:
        settings.CACHES = caches  # before the autouse clear of the cache, which this server may not answer
        server.stop()
