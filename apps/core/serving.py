"""This process's own web app served on a free loopback port for the length of a block: for a management
command that must reach, over HTTP, a service this app also serves (before the web server is up)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

from django.core.wsgi import get_wsgi_application


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def served(base_url: str, path: str) -> Iterator[str]:
    """`base_url` when given (a server already running); else this app served here, at `path`."""
    if base_url:
        yield base_url
        return
    server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=_Quiet)
    # shutdown() waits for the server to look at it: every 0.05 s, not every half second.
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    requests = logging.getLogger("django.request")
    level = requests.level
    requests.setLevel(logging.ERROR)  # a 404 read on the way is an answer here, not a line of output
    try:
        yield f"http://127.0.0.1:{server.server_port}{path}"
    finally:
        requests.setLevel(level)
        server.shutdown()
        server.server_close()
