"""A Redis of a test's own, as broker and cache, that the test stops and starts: an outage on demand.

It listens on a free loopback port, so the machine's Redis (6379) and the other xdist workers' are never
touched, and keeps nothing on disk.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis
from django.conf import settings

from synadmin.celery import app as celery_app


class RedisServer:
    def __init__(self, folder: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.folder = folder
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        options = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(self.folder)]
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), *options], stdout=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                self.client().ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        """Stop this server (by its own process, never by name)."""
        if self.process is not None:
            # Killed, as a crash would end it: a terminated Redis reads the signal on its next tick, 0.1 s on.
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def freeze(self) -> None:
        """Stop the server without closing its port: connections open, and nothing answers."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)

    def client(self, db: int = 0) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, db=db, socket_timeout=2)

    def messages(self) -> int:
        """How many task messages wait in the broker (db 0): the length of every queue's list."""
        r = self.client()
        return sum(r.llen(key) for key in r.scan_iter() if r.type(key) == b"list")


@contextmanager
def broker_at(url: str) -> Iterator[None]:
    """Send Celery's messages to `url` with the production Redis timeouts, then back to the session's broker.

    The connection and producer pools keep the broker they were made for, so both are dropped each way.
    """
    conf = celery_app.conf
    saved = {name: conf.get(name) for name in ("broker_url", "broker_write_url", "broker_transport_options")}
    conf.broker_url = conf.broker_write_url = url
    conf.broker_transport_options = dict(settings.REDIS_BROKER_OPTIONS)
    _drop_pools()
    try:
        yield
    finally:
        for name, value in saved.items():
            conf[name] = value
        _drop_pools()


def _drop_pools() -> None:
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
