"""The four domains are built alike (docs/architecture.md, "The rooms of a domain"): the same rooms, the same
workspace helper, services that take the workspace first, and views that write only through services.

These read the source (ast) and the helpers' annotations; import-linter checks who imports whom."""

from __future__ import annotations

import ast
import inspect
import typing
from pathlib import Path

import pytest

from apps.automations.services.workspace import workspace_for as automations_workspace
from apps.canvas.services.workspace import workspace_for as canvas_workspace
from apps.catalogs.services.workspace import workspace_for as catalogs_workspace
from apps.connections.workspace import Workspace
from apps.content.services.workspace import workspace_for as content_workspace

APPS = Path(__file__).resolve().parent.parent / "apps"
DOMAINS = ["content", "automations", "canvas", "catalogs"]
HELPERS = {
    "content": content_workspace,
    "automations": automations_workspace,
    "canvas": canvas_workspace,
    "catalogs": catalogs_workspace,
}

# The rooms table of docs/architecture.md: every domain has the first set, may have the second.
ROOMS = {"apps", "client", "models", "services", "forms", "views", "tasks", "urls", "templates", "migrations"}
OPTIONAL_ROOMS = {"templatetags", "context_processors", "management", "quartz"}
# A client method is a read when its name starts so (`preview` and `generate` render a record without
# changing it, though they are POSTs); any other method changes something remote.
READS = ("get_", "list_", "last_run", "describe", "authenticate", "catalog_keys", "download_", "item_detail")
READS += ("preview", "generate")
# What a service must not take first: its client comes from the workspace.
NOT_FIRST = {"user", "connection", "scope", "client"}


def modules(domain: str, room: str) -> list[Path]:
    path = APPS / domain / room
    return sorted(path.rglob("*.py")) if path.is_dir() else [path.with_suffix(".py")]


def relative(path: Path) -> str:
    return str(path.relative_to(APPS.parent))


def test_every_domain_has_the_rooms_of_the_table_and_no_other_kind() -> None:
    for domain in DOMAINS:
        found = {p.stem for p in (APPS / domain).iterdir() if p.name not in ("__init__.py", "__pycache__")}
        missing, unknown = ROOMS - found, found - ROOMS - OPTIONAL_ROOMS
        assert not missing, f"apps/{domain} lacks the rooms {sorted(missing)} every domain has"
        assert not unknown, (
            f"apps/{domain} has {sorted(unknown)}, a kind of room the table in docs/architecture.md does not "
            "list: add the kind there (and to the rooms contract in pyproject.toml), or fold it into a room"
        )


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_domain_has_one_workspace_helper_of_the_same_shape(domain: str) -> None:
    module = APPS / domain / "services" / "workspace.py"
    functions = [n.name for n in ast.parse(module.read_text()).body if isinstance(n, ast.FunctionDef)]
    assert set(functions) == {"workspace_for"}, (  # its @overload variants aside
        f"{relative(module)} holds {functions}: it has one function, workspace_for(user, *, connection=None)"
    )
    helper = HELPERS[domain]
    returns = typing.get_type_hints(helper)["return"]
    assert typing.get_origin(returns) is Workspace, (
        f"apps.{domain}'s workspace_for returns {returns}, not a Workspace[its client]"
    )
    parameters = inspect.signature(helper).parameters
    assert list(parameters)[:2] == ["user", "connection"], (
        f"apps.{domain}'s workspace_for(user, *, connection)"
    )
    assert parameters["connection"].kind is inspect.Parameter.KEYWORD_ONLY


def test_the_domains_take_the_user_type_from_connections() -> None:
    defined = [
        relative(path)
        for domain in DOMAINS
        for path in (APPS / domain).rglob("*.py")
        for node in ast.parse(path.read_text()).body
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "User" for t in node.targets)
    ]
    assert not defined, f"User is defined again in {defined}: import it from apps.connections.workspace"


@pytest.mark.parametrize("domain", DOMAINS)
def test_services_take_the_workspace_first(domain: str) -> None:
    wrong = []
    for path in modules(domain, "services"):
        if path.name == "workspace.py":  # the one place that makes a workspace of a person
            continue
        for node in ast.parse(path.read_text()).body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            first = node.args.posonlyargs + node.args.args
            if first and first[0].arg in NOT_FIRST:
                wrong.append(f"{relative(path)}: {node.name}({first[0].arg}, ...)")
    assert not wrong, "these take their client another way than the workspace first:\n" + "\n".join(wrong)


def client_writes(domain: str) -> set[str]:
    """The public methods of the domain's API clients that change something remote."""
    client = APPS / domain / "client"
    paths = sorted(client.glob("*.py")) if client.is_dir() else [client.with_suffix(".py")]
    return {
        method.name
        for path in paths
        for node in ast.parse(path.read_text()).body
        if isinstance(node, ast.ClassDef)
        for method in node.body
        if isinstance(method, ast.FunctionDef) and not method.name.startswith("_")
        if not method.name.startswith(READS)
    }


def calls_to(tree: ast.AST, names: set[str]) -> list[ast.Call]:
    """The calls `x.name(...)` in `tree` whose `x` is not a module or name it imported."""
    imported = {a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in names
        if not (isinstance(node.func.value, ast.Name) and node.func.value.id in imported)
    ]


def service_writers(domain: str, writes: set[str]) -> dict[str, set[str]]:
    """Service module name -> its functions that call a client method which changes something remote."""
    return {
        path.stem: {
            node.name
            for node in ast.parse(path.read_text()).body
            if isinstance(node, ast.FunctionDef) and calls_to(node, writes)
        }
        for path in modules(domain, "services")
    }


@pytest.mark.parametrize("domain", DOMAINS)
def test_views_read_through_the_client_and_write_only_through_services(domain: str) -> None:
    """A view reads through the workspace's client; a write, and the read that decides it, is a service's:
    a view neither calls a client method that changes something nor hands its open client to a service
    that does."""
    writes = client_writes(domain)
    assert writes, f"apps/{domain}'s clients show no write: the READS prefixes are wrong"
    writers = service_writers(domain, writes)
    services = f"apps.{domain}.services"
    wrong = []
    for path in modules(domain, "views"):
        tree = ast.parse(path.read_text())
        for call in calls_to(tree, writes):
            wrong.append(f"{relative(path)}:{call.lineno} calls the client's {call.func.attr}")
        aliases = {
            alias.asname or alias.name: alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module == services
            for alias in node.names
        }
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            module = aliases.get(getattr(node.func.value, "id", ""), "")
            given = [*node.args, *(k.value for k in node.keywords)]
            if node.func.attr in writers.get(module, set()) and any(
                getattr(a, "id", "") == "api" for a in given
            ):
                wrong.append(f"{relative(path)}:{node.lineno} hands its client to {module}.{node.func.attr}")
    assert not wrong, "a view writes through the client; a service does it:\n" + "\n".join(wrong)


@pytest.mark.parametrize("domain", DOMAINS)
def test_a_view_gets_the_workspace_once(domain: str) -> None:
    wrong = []
    for path in modules(domain, "views"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef):
                calls = [
                    c
                    for c in ast.walk(node)
                    if isinstance(c, ast.Call) and getattr(c.func, "id", "") == "workspace_for"
                ]
                if len(calls) > 1:
                    wrong.append(f"{relative(path)}: {node.name} calls workspace_for {len(calls)} times")
    assert not wrong, "get the workspace once and pass it on:\n" + "\n".join(wrong)
