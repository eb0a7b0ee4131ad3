"""gunicorn's settings for the web process, read from the environment (Procfile, Procfile.dev).

    gunicorn -c gunicorn.conf.py synadmin.wsgi

WEB_CONCURRENCY worker processes (default 2: one per core of a small host) of WEB_THREADS threads each
(default 16). A thread that waits for a remote service costs little CPU, so threads, not processes, carry
the waiting; a process per core carries the CPU. Remote calls made by a page are bounded well below
WEB_TIMEOUT (settings.REMOTE_PAGE_TIMEOUT and REMOTE_PAGE_BUDGET), and at most half the threads of a
process wait for one remote service at a time (settings.REMOTE_PAGE_SLOTS), so a slow service cannot
take the threads of the pages that do not call it. Command-line flags win over this file: `make run`
starts the sandbox with the same file and its own --bind.
"""

from __future__ import annotations

import os
from pathlib import Path

import environ

# As settings.py does: the environment wins, then .env, so both read the same WEB_THREADS.
environ.Env.read_env(Path(__file__).with_name(".env"))

bind = (
    os.environ.get("WEB_BIND") or f"{os.environ.get('WEB_HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
)  # noqa: S104 -- a server's address; the Procfile.dev binds loopback
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("WEB_THREADS", "16"))
worker_class = "gthread"
# A worker silent this long is restarted; a page's remote calls end well before it (settings.py).
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
# On a restart or deploy, requests in flight get this long to finish.
graceful_timeout = int(os.environ.get("WEB_GRACEFUL_TIMEOUT", "30"))
# Seconds an idle connection is kept open; behind a load balancer keep it above the balancer's idle
# timeout, so the balancer closes an idle connection first and never reuses one gunicorn has closed.
keepalive = int(os.environ.get("WEB_KEEPALIVE", "75"))
# A worker is replaced after this many requests (with jitter), so slow leaks cannot pile up.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
accesslog = "-"
# No gunicornc control socket: its default path is one per user, so the web server and the sandbox of
# `make run` (and any other gunicorn on the host) would take it from each other.
control_socket_disable = True
