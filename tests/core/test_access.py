"""Who may reach what, for every URL the dashboard has: found by walking the URL resolver, not listed by hand.

Every URL name is public (a short list below) or sends anonymous people to sign in; a viewer's POST to any
of them is refused (403, or 405 where the view takes no POST) and changes nothing that is not the viewer's
own; and every page an admin can open answers, with the Content-Security-Policy header. A new URL whose
arguments the table below cannot fill makes these tests fail, saying which argument is missing.

The Django admin (it has its own sign-in) and the sandbox (it serves remote APIs to API keys, and is mounted
only when SANDBOX_ENABLED) are left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from apps.automations import tasks as workflow_tasks
from apps.automations.services import bulk as workflow_bulk
from apps.automations.services import runs as workflow_runs
from apps.automations.services.workspace import workspace_for as workflows_workspace
from apps.catalogs import tasks as catalog_tasks
from apps.catalogs.client import CatalogsClient
from apps.catalogs.services import exports
from apps.catalogs.services import imports as catalog_imports
from apps.catalogs.services.workspace import workspace_for as catalogs_workspace
from apps.connections import services as connections
from apps.connections.models import Connection
from apps.content import tasks as content_tasks
from apps.content.client import BrickworksClient
from apps.content.models import DeletedRecord, SavedFilter, TestProfile
from apps.content.services import bulk, schedule
from apps.content.services.steps import publish_target
from apps.content.services.workspace import workspace_for
from apps.jobs.models import Job
from apps.launches.services import launches
from apps.sandbox import seed
from apps.sandbox.models import Workspace as SandboxWorkspace
from apps.sandbox.workflows import seed as workflow_seed
from tests.people import client_for

# Names an anonymous person may open. Anything else must send them to sign in.
PUBLIC = {"login", "healthz", "core:favicon", "accounts:set_password"}
# Signed links (an invite): a forged or used one is gone (410) for anyone, signed in or not.
TOKEN_LINKS = {"accounts:set_password"}
# POSTs a viewer may make, because they change only the viewer's own session, workspace or saved filters.
PERSONAL = {
    "login",
    "logout",
    "workspace_switch",
    "content:filter_save",
    "content:filter_delete",
    "catalogs:columns",
}
# POSTs a viewer may make that start a job of theirs which only reads (an export).
VIEWER_JOBS = {"catalogs:export_start"}
# What an admin's GET answers where it is not 200 (for a view that takes GET) or 405 (one that does not).
ADMIN_GET = {
    "login": 302,  # a signed-in person is sent on from the sign-in page
    "automations:suggestion_result": 302,  # without an apply in this session: back to the suggestion
    **dict.fromkeys(TOKEN_LINKS, 410),
    "catalogs:export_download": 302,  # the export is not written yet: its page follows the job
}
NOT_HTML = {
    "healthz",
    "core:favicon",
    "catalogs:import_bad_rows",
    "automations:live_log",
}  # JSON for the load balancer; the icon; CSV; a log file

# The query a GET needs to show its page (the readiness page goes back to the list without a choice).
QUERY: dict[str, dict[str, str]] = {
    "content:bulk_ready": {"operation": "publish", "id": "@record"},
    "catalogs:delete": {"id": "@catalog"},
    "automations:bulk": {"operation": "pause", "all": "1"},
    "launches:add_step": {"kind": "content.publish", "app_id": "home-banners", "record": "@record"},
}

SKIPPED_NAMESPACES = {"admin"}
SKIPPED_PREFIXES = ("sandbox/",)

# How to fill each URL argument: a fixed value, or a key of the `objects` fixture. `pk` names a row of
# the model that the path segment before it is about.
ARGUMENTS: dict[str, str] = {
    "app_id": "home-banners",
    "record_id": "@record",
    "source_id": "@source",
    "kind": "synerise",
    "number": "1",
    "source": "records",
    "flow_id": "welcome-series",
    "suggestion_id": "sugg-tier-3307",
    "canvas:workflow_id": "b459cf22-ad18-44bf-80dc-6e8b78be1cc5",  # Canvas sample workflows and catalogue
    "workflow_id": "@workflow",  # an automation workflow (Synerise)
    "template_id": "bbe52876-aca2-4ece-ba31-11e0d98ddc19",
    "application_id": "97cbc3b3-32c7-4e4a-b788-a332ea82aeff",
    "reg_id": "1710ff47-f590-43db-b0de-015676e99615",
    "uidb64": "MQ",
    "token": "forged-token",
    "catalog_id": "@catalog",
    "item_id": "@item",
    "key": "@mapping",
}
PK_AFTER_SEGMENT: dict[str, str] = {
    "operations": "@job",
    "connections": "@connection",
    "scheduled": "@scheduled",
    "deleted": "@deleted",
    "bulk": "@bulk",
    "automations:bulk": "@workflow_bulk",
    "filters": "@filter",
    "profiles": "@profile",
    "users": "@person",
    "exports": "@export",
    "imports": "@import",
    "runs": "@workflow_run",
    "launches": "@launch",
    "steps": "@step",
}


@dataclass(frozen=True)
class Route:
    name: str
    route: str  # the path as written in the URLconf, e.g. "operations/<int:pk>/retry/"
    arguments: tuple[str, ...]

    def fill(self, objects: dict[str, str]) -> str:
        """The path of this route with every argument filled, or a failure that names the missing one."""
        return reverse(self.name, kwargs=self.kwargs(objects))

    def kwargs(self, objects: dict[str, str]) -> dict[str, str]:
        kwargs = {}
        for argument in self.arguments:
            if argument == "pk":
                segment = re.search(r"([\w-]+)/(?:<[^>]+>/)*<int:pk>", self.route)
                before, namespace = segment.group(1) if segment else "", self.name.split(":")[0]
                # A segment named alike in two namespaces (each domain's bulk jobs) is told apart.
                key = PK_AFTER_SEGMENT.get(f"{namespace}:{before}") or PK_AFTER_SEGMENT.get(before)
                if key is None:
                    pytest.fail(f"{self.name} ({self.route}): add its `pk` segment to PK_AFTER_SEGMENT")
            else:
                # An argument named alike in two namespaces (a Canvas and a Synerise workflow) is told apart.
                key = ARGUMENTS.get(f"{self.name.split(':')[0]}:{argument}") or ARGUMENTS.get(argument)
                if key is None:
                    pytest.fail(f"{self.name} ({self.route}): add the argument `{argument}` to ARGUMENTS")
            kwargs[argument] = objects[key[1:]] if key.startswith("@") else key
        return kwargs


def dashboard_routes() -> list[Route]:
    """Every named URL of the dashboard, namespaced, with its arguments, walking through includes."""
    found: list[Route] = []

    def walk(patterns: list[Any], namespaces: list[str], prefix: str) -> None:
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                if entry.namespace in SKIPPED_NAMESPACES or route.startswith(SKIPPED_PREFIXES):
                    continue
                walk(
                    entry.url_patterns,
                    [*namespaces, entry.namespace] if entry.namespace else namespaces,
                    route,
                )
            elif isinstance(entry, URLPattern):
                assert entry.name, f"the URL {route!r} has no name: name it, so these tests can reach it"
                arguments = tuple(entry.pattern.regex.groupindex)
                parents = tuple(re.findall(r"<(?:\w+:)?(\w+)>", prefix))
                found.append(Route(":".join([*namespaces, entry.name]), route, parents + arguments))

    walk(get_resolver().url_patterns, [], "")
    return found


ROUTES = dashboard_routes()
NAMES = {route.name for route in ROUTES}


def test_the_walk_finds_every_url_name_once() -> None:
    assert len(NAMES) == len(ROUTES), "two URLs share a name"
    assert len(ROUTES) >= 53  # the dashboard's URL names when these tests were written; it only grows
    assert PUBLIC | PERSONAL | set(ADMIN_GET) | NOT_HTML | set(QUERY) <= NAMES, (
        "a listed name is no URL any more"
    )


def allowed_methods(client: Client, path: str) -> set[str]:
    """The methods the view takes, from the Allow header of its answer to OPTIONS (require_http_methods)."""
    response = client.options(path)
    allow = response.headers.get("Allow")
    assert allow, f"{path}: OPTIONS answered {response.status_code} without an Allow header"
    return {method.strip() for method in allow.split(",")}


# What reads write by design: the workflows a list or a lookup saw (the API has no call for one), and
# the sandbox's Canvas workflows, settled when read (runs advance and schedules fire as time passes).
READ_CACHES = {"automations.KnownWorkflow", "sandbox.CanvasWorkflow"}


def _compared(model: Any) -> bool:
    if not model._meta.managed or model._meta.app_label in {"sessions", "axes", "contenttypes", "admin"}:
        return False
    return model._meta.label not in READ_CACHES


def shared_state(me: User) -> dict[str, list[dict[str, Any]]]:
    """Every row of every model, less sessions and sign-in records, read caches, and `me`'s own rows."""
    state = {}
    for model in apps.get_models():
        if not _compared(model):
            continue
        rows = model._default_manager.all()
        if any(field.name == "user" for field in model._meta.fields):  # saved filters, preferences
            rows = rows.exclude(user=me)
        state[model._meta.label] = [
            {name: value for name, value in row.items() if name != "last_login"}  # signing in touches it
            for row in rows.order_by("pk").values()
        ]
    return state


# Statements that leave every row as it was; any other may have changed one, unless it writes to a
# table shared_state leaves out (a session touched by every request, for one).
_READS = ("SELECT", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")
_WRITE = re.compile(r'\s*(?:INSERT INTO|UPDATE|DELETE FROM)\s+"?(\w+)"?', re.IGNORECASE)
# Signing a person in stamps their last_login, which shared_state leaves out.
_SIGN_IN = re.compile(r'\s*UPDATE "auth_user" SET "last_login" = %s WHERE "auth_user"."id" = %s\s*$')


def _ignored_tables() -> set[str]:
    return {model._meta.db_table for model in apps.get_models() if not _compared(model)}


class StateWatch:
    """`shared_state(me)`, read again only after a statement that may write ran on the test's database
    connection (the in-process sandbox runs on it too): reading every table after each request was most
    of the time of the passes that check a refused request changed nothing."""

    def __init__(self, me: User) -> None:
        self.me = me
        self.state: dict[str, list[dict[str, Any]]] | None = None
        self.ignored = _ignored_tables()
        self.writes = 0  # statements that may have changed a compared row, so far

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if not sql.lstrip().upper().startswith(_READS) and not _SIGN_IN.match(sql):
            write = _WRITE.match(sql)
            if write is None or write.group(1) not in self.ignored:
                self.state = None
                self.writes += 1
        return execute(sql, params, many, context)

    def current(self) -> dict[str, list[dict[str, Any]]]:
        if self.state is None:
            self.state = shared_state(self.me)
        return self.state


@contextmanager
def watching(me: User) -> Iterator[StateWatch]:
    watch = StateWatch(me)
    with connection.execute_wrapper(watch):
        yield watch


@pytest.fixture
def objects(
    demo: dict[str, Connection], alice: User, paula: User, settings: Any, tmp_path: Path
) -> dict[str, str]:
    """One real row or remote object for each kind of argument, in the sandbox and the database."""
    bw = BrickworksClient(connections.http_for(demo["synerise"]))
    schema = bw.get_schema("home-banners")
    teaser = bw.get_record(schema.id, "spring-teaser")
    winter = bw.get_record(schema.id, "winter-sale")
    source = bw.create_external_source(name="Weather", properties={"url": "https://w.example.test"})
    as_user = Connection.objects.create(
        kind="synerise",
        name="User sign-in (sandbox)",  # after the demo workspace, which stays everyone's current one
        base_url=demo["synerise"].base_url,
        auth_mode="user",
        username=seed.DEMO_USER_EMAIL,
        password=settings.SANDBOX_DEMO_PASSWORD,
    )
    job = Job.objects.create(kind="test", label="A job", task_name="x", state=Job.State.FAILED)
    scheduled = schedule.schedule(
        workspace_for(paula),
        schema=schema,
        record=teaser,
        action="publish",
        at=timezone.now() + timedelta(days=1),
    )
    deleted = DeletedRecord.objects.create(
        connection=demo["synerise"],
        schema_id=schema.id,
        app_id=schema.app_id,
        record_id="gone",
        name="Gone",
        snapshot={"record": winter.model_dump(mode="json", by_alias=True), "versions": []},
        deleted_by=paula,
    )
    with transaction.atomic():  # queued; its task is never sent
        run = bulk.create_job(
            workspace_for(paula, connection=demo["synerise"]),
            schema,
            "publish",
            [teaser],
            task_name=content_tasks.run_bulk.name,
        )
    saved = SavedFilter.objects.create(
        user=alice, connection=demo["synerise"], app_id=schema.app_id, name="Drafts", query="status=DRAFT"
    )
    profile = TestProfile.objects.create(
        connection=demo["synerise"],
        name="Ann",
        identifier_type="email",
        identifier_value="ann@example.test",
        created_by=paula,
    )
    settings.CATALOG_IMPORT_DIR = tmp_path / "imports"
    catalogs = CatalogsClient(connections.http_for(demo["synerise"]))
    books = catalogs.create_catalog("books").data
    catalogs.add_item(books.id, item_key="dune", value={"title": "Dune"})
    mapping = catalogs.add_mapping(books.id, action="product.buy", param_key="isbn").data
    with transaction.atomic():  # queued; its task is never sent
        export = exports.start_export(
            catalogs_workspace(alice), catalog=books, search="", task_name=catalog_tasks.run_export.name
        )
    file = SimpleUploadedFile("items.csv", b"id,name\n1,One\n")
    imported = catalog_imports.upload(catalogs_workspace(alice), catalog=books, file=file)
    choices = {
        "encoding": "utf-8",
        "delimiter": ",",
        "key_column": "id",
        "json_columns": [],
        "reconcile": False,
    }
    check = catalog_imports.start_dry_run(
        catalogs_workspace(alice), imp=imported, choices=choices, task_name="x"
    )
    catalog_imports.check(check.pk)  # a checked import: its report and bad rows answer
    workflow = str(
        workflow_seed.diagram_id(
            SandboxWorkspace.objects.get(name="Demo workspace"), "Nightly product import"
        )
    )
    synerise = workflows_workspace(None, connection=demo["synerise"])
    with synerise.client() as api:
        stored = workflow_runs.capture(synerise, api=api, workflow_id=workflow, name="Nightly product import")
        listed = next(workflow_bulk.select(api))
    assert stored is not None
    paused = workflow_bulk.create_job(  # queued; its task is never sent
        workflows_workspace(paula, connection=demo["synerise"]),
        "pause",
        listed[:1],
        task_name=workflow_tasks.run_bulk.name,
    )
    launch = launches.create_launch(paula, name="Spring campaign", description="", go_at=None)
    step = launches.add_step(
        paula,
        launch,
        kind="content.publish",
        target=publish_target(schema, teaser),
        connection=demo["synerise"],
        stage=1,
    )
    return {
        "launch": str(launch.pk),
        "step": str(step.pk),
        "catalog": str(books.id),
        "item": str(catalogs.get_item_by_key(books.id, "dune").data.id),
        "mapping": mapping.bp_action_param_key,
        "export": str(export.pk),
        "import": str(imported.pk),
        "workflow": workflow,
        "workflow_run": str(stored.pk),
        "record": teaser.id,
        "source": str(source.id),
        "job": str(job.pk),
        "connection": str(as_user.pk),
        "scheduled": str(scheduled.pk),
        "deleted": str(deleted.pk),
        "bulk": str(run.pk),  # a bulk run's pages are its job's
        "workflow_bulk": str(paused.pk),
        "filter": str(saved.pk),
        "profile": str(profile.pk),
        "person": str(paula.pk),
    }


# Anonymous people never reach a view, so any id will do here.
ANY_ID = dict.fromkeys(
    {key[1:] for key in [*ARGUMENTS.values(), *PK_AFTER_SEGMENT.values()] if key.startswith("@")}, "1"
)


@pytest.mark.parametrize("route", ROUTES, ids=[route.name for route in ROUTES])
def test_it_sends_anonymous_people_to_sign_in(client: Client, db: None, route: Route) -> None:
    path = route.fill(ANY_ID)
    response = client.get(path)
    to_sign_in = response.status_code == 302 and response["Location"].startswith(reverse("login"))
    if route.name in PUBLIC:
        assert not to_sign_in, f"{route.name} is listed as public but asks to sign in"
    else:
        assert to_sign_in, (
            f"{route.name} answered {response.status_code} to an anonymous GET: list it in PUBLIC?"
        )
        assert response["Location"] == f"{reverse('login')}?next={path}"


def test_it_sends_anonymous_people_to_the_admins_own_sign_in(client: Client, db: None) -> None:
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_watch_sees_a_write_but_not_a_sign_in(vera: User, alice: User) -> None:
    with watching(vera) as watch:
        before = watch.current()
        client_for(alice).get("/")
        assert watch.state is before  # a sign-in stamps last_login only: nothing is read again
        Job.objects.create(kind="test", label="A job", task_name="x")
        assert watch.current()["jobs.Job"] != before["jobs.Job"]


def test_it_refuses_every_mutation_to_a_viewer(vera: User, objects: dict[str, str]) -> None:
    with watching(vera) as watch:
        problems = viewer_posts(vera, objects, watch)
    assert not problems, "\n".join(problems)


def viewer_posts(vera: User, objects: dict[str, str], watch: StateWatch) -> list[str]:
    before = watch.current()
    problems = []
    for route in ROUTES:
        viewer = client_for(vera)  # afresh each time: a POST to logout signs the viewer out
        path = route.fill(objects)
        personal = route.name in PERSONAL | VIEWER_JOBS
        expected = None if personal else 403 if "POST" in allowed_methods(viewer, path) else 405
        expected = 410 if route.name in TOKEN_LINKS else expected
        response = viewer.post(path, {"name": "x", "confirm": "home-banners", "action": "publish"})
        if expected is None and response.status_code >= 400:
            problems.append(f"{route.name}: a viewer's own POST answered {response.status_code}")
        elif expected is not None and response.status_code != expected:
            problems.append(f"{route.name}: a viewer's POST answered {response.status_code}, not {expected}")
        after = watch.current()
        if route.name in VIEWER_JOBS:
            before = after
        if after != before:
            changed = sorted(label for label in after if after[label] != before.get(label))
            problems.append(f"{route.name}: a viewer's POST changed {changed}")
            before = after
    return problems


def test_every_page_an_admin_opens_answers_with_the_csp(
    admin_client: Client, objects: dict[str, str]
) -> None:
    problems, pages = [], 0
    for route in ROUTES:
        path = route.fill(objects)
        if route.name in ADMIN_GET:
            expected = ADMIN_GET[route.name]
        else:
            expected = 200 if "GET" in allowed_methods(admin_client, path) else 405
        query = {
            key: objects[value[1:]] if value.startswith("@") else value
            for key, value in QUERY.get(route.name, {}).items()
        }
        response = admin_client.get(path, query)
        if response.status_code != expected:
            problems.append(f"{route.name}: an admin's GET answered {response.status_code}, not {expected}")
        if response.status_code != 200 or route.name in NOT_HTML:
            continue
        pages += 1
        if not response["Content-Type"].startswith("text/html"):
            problems.append(f"{route.name}: answered {response['Content-Type']}: list it in NOT_HTML?")
        csp = response.headers.get("Content-Security-Policy", "")
        if "script-src 'self'" not in csp or "unsafe-inline" in csp:
            problems.append(f"{route.name}: the Content-Security-Policy is {csp!r}")
        html = response.content.decode()
        if (
            re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
            or "<style" in html
            or re.search(r"\sstyle=", html)
        ):
            problems.append(f"{route.name}: inline script or style would break the CSP")
        if re.search(r"\son[a-z]+=", html):
            problems.append(f"{route.name}: inline event handlers would break the CSP")
    assert not problems, "\n".join(problems)
    assert pages >= 33  # the HTML pages among the URL names when these tests were written


def test_it_refuses_pages_to_a_stranger_without_a_role(
    stranger_client: Client, objects: dict[str, str]
) -> None:
    problems = []
    for route in ROUTES:
        if route.name in PUBLIC:
            continue
        path = route.fill(objects)
        if "GET" not in allowed_methods(stranger_client, path):
            continue
        response = stranger_client.get(path)
        # The home page is open to anyone signed in; everything else needs a role.
        expected = 200 if route.name == "dashboard:home" else 403
        if response.status_code != expected:
            problems.append(f"{route.name}: a stranger's GET answered {response.status_code}, not {expected}")
    assert not problems, "\n".join(problems)


def test_it_shows_a_viewer_no_mutating_buttons(viewer_client: Client, db: None) -> None:
    connection = Connection.objects.create(
        kind="synerise", name="Prod", base_url="https://api.synerise.com", auth_mode="api_key", api_key="k"
    )
    html = viewer_client.get(reverse("connections:detail", args=[connection.pk])).content.decode()
    assert "Test connection</button>" not in html
    assert "Edit</a>" not in html
    assert "Delete</a>" not in html


def test_it_rejects_get_on_post_only_urls(admin_client: Client, db: None) -> None:
    job = Job.objects.create(kind="test", label="A job", task_name="x", state=Job.State.FAILED)
    connection = Connection.objects.create(
        kind="synerise", name="Prod", base_url="https://api.synerise.com", auth_mode="api_key", api_key="k"
    )
    for name, pk in (("jobs:cancel", job.pk), ("jobs:retry", job.pk), ("connections:test", connection.pk)):
        response = admin_client.get(reverse(name, args=[pk]))
        assert (response.status_code, response["Allow"]) == (405, "POST")
        assert "Nothing to open here" in response.content.decode()  # a page in words, not a blank one
        # A program's OPTIONS reads the Allow header: no page is rendered for it.
        asked = admin_client.options(reverse(name, args=[pk]))
        assert (asked.status_code, asked["Allow"], asked.content) == (405, "POST", b"")


def test_it_lets_anyone_reach_login_and_health(client: Client, db: None) -> None:
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200
