"""synadmin settings: one file, driven by environment variables (see .env.example)."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from datetime import timedelta
from pathlib import Path

import django_stubs_ext
import environ
from csp.constants import NONE, SELF

# Django's generic classes (ModelAdmin[Job], ModelForm[Connection]) are generic in the type stubs only;
# this lets the code name their parameters at run time too.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")


def _derived_hex(key: str, purpose: str) -> str:
    return hmac.new(key.encode(), purpose.encode(), hashlib.sha256).hexdigest()


def _derived_uuid(key: str, purpose: str) -> str:
    return str(uuid.UUID(_derived_hex(key, purpose)[:32]))


DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Fernet keys, newest first; older keys still decrypt, so a key can be rotated.
ENCRYPTION_KEYS = env.list("SYNADMIN_ENCRYPTION_KEYS")

# The built-in server of the remote APIs, mounted at /sandbox/: on by default with the embedded
# SQLite database, off by default once DATABASE_URL points at a real one (production).
SANDBOX_ENABLED = env.bool("SYNADMIN_SANDBOX", default=not env.str("DATABASE_URL", default=""))
# The sandbox's demo keys. The sandbox seeds them and the demo connections use them, so both sides
# read them here and neither imports the other. Unless set, the API key is derived from SECRET_KEY
# and the other keys from the API key (one-way, so none of them reveals SECRET_KEY).
SANDBOX_API_KEY = env.str("SYNADMIN_SANDBOX_API_KEY", default="") or _derived_uuid(
    SECRET_KEY, "sandbox-api-key"
)
SANDBOX_CANVAS_CONSUMER = _derived_hex(SANDBOX_API_KEY, "canvas-consumer").upper()
SANDBOX_CANVAS_SECRET = _derived_uuid(SANDBOX_API_KEY, "canvas-secret")
SANDBOX_FLOWS_TOKEN = _derived_uuid(SANDBOX_API_KEY, "flows-token")
# The password of the sandbox's demo Synerise user: generated into .env, derived from SECRET_KEY when
# unset (a .env older than it), so each install has its own and `seed_sandbox` prints it.
SANDBOX_DEMO_PASSWORD = (
    env.str("SYNADMIN_SANDBOX_DEMO_PASSWORD", default="")
    or _derived_hex(SECRET_KEY, "sandbox-demo-password")[:24]
)
# Whether the sandbox's Brickworks external sources may call loopback and private-network addresses
# (link-local and cloud metadata addresses are refused always): on by default with the embedded
# SQLite database, where sources on this machine are handy; off once DATABASE_URL is set.
SANDBOX_ALLOW_PRIVATE_SOURCES = env.bool(
    "SYNADMIN_SANDBOX_ALLOW_PRIVATE_SOURCES", default=not env.str("DATABASE_URL", default="")
)
# The hosts and networks connections may reach although they are not public addresses (names as
# typed in a base URL, addresses, or CIDRs like 10.0.0.0/8). Everything else that resolves to a
# loopback, private or reserved address is refused, when saved and at each connection; link-local and
# cloud metadata addresses always. With the sandbox on, this machine's loopback is allowed for it.
CONNECTION_ALLOWED_HOSTS = env.list(
    "SYNADMIN_CONNECTION_ALLOWED_HOSTS",
    default=["127.0.0.0/8", "::1", "localhost"] if SANDBOX_ENABLED else [],
)
# Where the dashboard reaches its own sandbox over HTTP (the demo connections point here). `make run`
# serves the sandbox from a server process of its own on SYNADMIN_SANDBOX_PORT (default: the web port
# plus one): served by the dashboard's own threads, pages waiting for it held the threads it needed.
# The dashboard's own address: the demo pictures point here, since the CSP's img-src is 'self'.
SITE_URL = env.str("SYNADMIN_SITE_URL", default=f"http://127.0.0.1:{env.int('SYNADMIN_PORT', default=8000)}")
# Mail (launch notices): the console unless SYNADMIN_EMAIL_URL names a server, e.g. smtp+tls://user:pw@host:587.
vars().update(env.email_url("SYNADMIN_EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("SYNADMIN_EMAIL_FROM", default="synadmin <synadmin@localhost>")
SANDBOX_PORT = env.int("SYNADMIN_SANDBOX_PORT", default=env.int("SYNADMIN_PORT", default=8000) + 1)
SANDBOX_BASE_URL = env.str("SYNADMIN_SANDBOX_BASE_URL", default=f"http://127.0.0.1:{SANDBOX_PORT}/sandbox")

REMOTE_TIMEOUT = env.float("SYNADMIN_REMOTE_TIMEOUT", default=15.0)
REMOTE_RETRIES = env.int("SYNADMIN_REMOTE_RETRIES", default=3)
REMOTE_BACKOFF = env.float("SYNADMIN_REMOTE_BACKOFF", default=0.5)
# Steps of one launch stage carried out at the same time (they do not depend on each other).
LAUNCH_STEPS_AT_ONCE = env.int("SYNADMIN_LAUNCH_STEPS_AT_ONCE", default=4)
# Remote calls made while serving a page (jobs keep the limits above). Each call waits at most
# REMOTE_PAGE_TIMEOUT and the retries of one call stop after REMOTE_PAGE_BUDGET, both well below the
# web server's worker timeout (gunicorn.conf.py). At most REMOTE_PAGE_SLOTS pages at once in one web
# process call one remote service (default: half its threads, WEB_THREADS, the same variable
# gunicorn.conf.py reads); a page that finds every slot taken for REMOTE_PAGE_WAIT seconds answers "the
# service is slow" instead of queueing, so a slow or stuck service leaves the other half of the
# threads to the pages that do not call it.
WEB_THREADS = env.int("WEB_THREADS", default=16)
REMOTE_PAGE_TIMEOUT = env.float("SYNADMIN_REMOTE_PAGE_TIMEOUT", default=10.0)
REMOTE_PAGE_BUDGET = env.float("SYNADMIN_REMOTE_PAGE_BUDGET", default=20.0)
REMOTE_PAGE_SLOTS = env.int("SYNADMIN_REMOTE_PAGE_SLOTS", default=max(1, WEB_THREADS // 2))
REMOTE_PAGE_WAIT = env.float("SYNADMIN_REMOTE_PAGE_WAIT", default=0.25)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "django_htmx",
    "template_partials",
    "django_prose_editor",  # the rich-text editor's scripts and styles (static files only)
    "apps.core",
    "apps.accounts",
    "apps.dashboard",
    "apps.connections",
    "apps.content",
    "apps.jobs",
    "apps.canvas",
    "apps.automations",
    "apps.catalogs",
    "apps.launches",
    "apps.sandbox",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "apps.accounts.signin.IdleSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apps.core.middleware.ActorMiddleware",
    "apps.core.middleware.MemoMiddleware",
    "apps.core.middleware.LoginRequiredMiddleware",
    "apps.core.middleware.BadInputMiddleware",
    "apps.core.middleware.TimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "apps.core.middleware.RemotePageMiddleware",
    "apps.core.middleware.ApiErrorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "synadmin.urls"
WSGI_APPLICATION = "synadmin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.connections.context_processors.workspaces",
                "apps.canvas.context_processors.acting_account",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one file: WAL lets readers run beside the writer.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file, not memory: the live server and the Celery worker thread of the tests share it.
    _db_file = Path(DATABASES["default"]["NAME"])
    DATABASES["default"]["TEST"] = {"NAME": str(_db_file.with_name(f"test-{_db_file.name}"))}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default=f"filecache://{VAR_DIR / 'cache'}")}
# A Redis that is down or frozen fails a cache call within a second instead of holding a web thread.
REDIS_CACHE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Ours answers like an empty cache while Redis is down, instead of a 500 on every page that reads it.
    CACHES["default"]["BACKEND"] = "apps.core.cache.RedisCache"
    CACHES["default"]["OPTIONS"] = {**REDIS_CACHE_OPTIONS, **CACHES["default"].get("OPTIONS", {})}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "apps.accounts.backends.RoleBackend",  # ModelBackend, one query for the permissions
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
# Paths served to API clients that bring their own keys (the sandbox), not to people: no sign-in, and
# they check their own input (apps.core.middleware).
LOGIN_EXEMPT_PREFIXES = ["/sandbox/"]
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "login"

# Login rate limit, two limits (apps.accounts.signin): AXES_FAILURE_LIMIT failures lock out a username at
# one address, and AXES_IP_FAILURE_LIMIT failures, whatever the usernames, lock out the address. One
# person's typos do not lock out everyone behind their office's address, and nobody can lock a person
# out from elsewhere.
AXES_HANDLER = "apps.accounts.signin.SignInLimits"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_IP_FAILURE_LIMIT = env.int("AXES_IP_FAILURE_LIMIT", default=50)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Which address a failure counts against (django-ipware). By default REMOTE_ADDR: right when browsers
# connect directly. Behind a reverse proxy REMOTE_ADDR is the proxy's, so five failures by anyone would
# lock out everyone: read the client's address from a header the proxy overwrites (a header a client
# can add itself would let it choose its address). README, "Behind a proxy".
AXES_IPWARE_META_PRECEDENCE_ORDER = env.list("AXES_IPWARE_META_PRECEDENCE_ORDER", default=["REMOTE_ADDR"])
AXES_IPWARE_PROXY_ORDER = env.str("AXES_IPWARE_PROXY_ORDER", default="left-most")
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=None)
AXES_IPWARE_PROXY_TRUSTED_IPS = env.list("AXES_IPWARE_PROXY_TRUSTED_IPS", default=None)

SESSION_COOKIE_HTTPONLY = True
# A session ends after this many hours without a request (the sign-in page says so). The expiry moves
# on at most every five minutes, not on every request (apps.accounts.signin.IdleSessionMiddleware).
SESSION_IDLE_HOURS = env.int("SESSION_IDLE_HOURS", default=12)
SESSION_COOKIE_AGE = SESSION_IDLE_HOURS * 3600
# SECURE_COOKIES=1 says "served over HTTPS": secure cookies, and by default HTTPS redirects and HSTS.
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=SESSION_COOKIE_SECURE)
# A load balancer probes /healthz over plain HTTP; it gets the answer, not a redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Behind a proxy that terminates TLS, the header it sets to "https" (e.g. X-Forwarded-Proto). Only set it
# when the proxy always sets or strips that header, or clients could claim HTTPS themselves.
_proxy_ssl_header = env.str("SECURE_PROXY_SSL_HEADER", default="")
if _proxy_ssl_header:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https")
# HSTS is sent on HTTPS responses only. Subdomains are included unless turned off; preloading (a
# browser-shipped list, slow to leave) is the domain owner's call, so it is off unless asked for.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if SESSION_COOKIE_SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# W021 only says "without preload you cannot join the browser preload list": that is a deliberate default
# (see above), not an oversight, so `check --deploy` need not repeat it.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Content images live on the customer's CDN: the editor and preview show them.
        "img-src": [SELF, "data:", "https:"],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEBUG or env.bool("SYNADMIN_PLAIN_STATIC", default=False):
    STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    # kombu's serverless transport: web, worker and beat exchange messages through one folder.
    _broker_dir = VAR_DIR / "broker"
    (_broker_dir / "control").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
# A broker that is down or frozen fails a publish within about two seconds, so the person gets "the task
# queue cannot be reached" (apps.jobs.enqueue) instead of a web thread waiting forever. socket_timeout stays
# above the worker's 1 s BRPOP.
REDIS_BROKER_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 2}
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = dict(REDIS_BROKER_OPTIONS)
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "beat-heartbeat": {"task": "apps.jobs.tasks.beat_heartbeat", "schedule": 60.0},
    # Both sweeps run every 10 s, so a worker that died is made up for within a minute (architecture.md).
    "schedule": {"task": "apps.jobs.tasks.sweep_schedules", "schedule": 10.0},
    "purge-deleted-records": {"task": "apps.content.tasks.purge_deleted", "schedule": 3600.0},
    "requeue-stale-jobs": {"task": "apps.jobs.tasks.requeue_stale_jobs", "schedule": 10.0},
    "canvas-runs": {"task": "apps.canvas.tasks.poll_runs", "schedule": 30.0},
    "purge-catalog-exports": {"task": "apps.catalogs.tasks.purge_exports", "schedule": 3600.0},
    "purge-catalog-imports": {"task": "apps.catalogs.tasks.purge_imports", "schedule": 3600.0},
    # A poll not started within its interval is dropped: the next one reads the same runs.
    "workflow-runs-poll": {
        "task": "apps.automations.tasks.poll_runs",
        "schedule": 30.0,
        "options": {"expires": 30.0},
    },
    "workflow-runs-purge": {"task": "apps.automations.tasks.purge_runs", "schedule": 3600.0},
}
# Workflow run history: how long runs are kept, and how long a going run's log may stay silent
# before the home page calls it stuck.
WORKFLOW_RUNS_KEPT_DAYS = env.int("WORKFLOW_RUNS_KEPT_DAYS", default=90)
WORKFLOW_STUCK_MINUTES = env.int("WORKFLOW_STUCK_MINUTES", default=15)

# Catalog exports are CSV files written here by a job and downloadable for CATALOG_EXPORT_DAYS.
CATALOG_EXPORT_DIR = Path(env.str("SYNADMIN_CATALOG_EXPORT_DIR", default=str(VAR_DIR / "exports")))
CATALOG_EXPORT_DAYS = 7

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusal_without_traceback": {"()": "apps.core.logs.RefusalWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # httpx logs every request line at INFO; keep that out of production logs.
    "loggers": {
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # Every 403 carried a traceback into the log; it stays one line (5xx keep theirs).
        "django.request": {"filters": ["refusal_without_traceback"]},
    },
}

# Catalog CSV imports: uploaded files and their dry-run plans, a folder each (docs/api-decisions.md).
CATALOG_IMPORT_DIR = Path(env.str("SYNADMIN_CATALOG_IMPORT_DIR", default=str(VAR_DIR / "imports")))
CATALOG_IMPORT_MAX_BYTES = env.int("SYNADMIN_CATALOG_IMPORT_MAX_BYTES", default=1024**3)
# All uploads and their dry runs together; an upload that would go past it is refused.
CATALOG_IMPORT_DIR_MAX_BYTES = env.int("SYNADMIN_CATALOG_IMPORT_DIR_MAX_BYTES", default=20 * 1024**3)
