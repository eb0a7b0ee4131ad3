"""The sandbox is one shape per fake API (docs/architecture.md): a package each, with the same rooms."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from ninja import NinjaAPI, Router

import apps.sandbox

ROOT = Path(apps.sandbox.__file__).parent
ROOMS = {"api", "models", "routes", "wire", "seed"}
# What an API truly needs besides the rooms; a module added here is a choice made on purpose.
OWN = {
    "brickworks": {"egress", "errors", "fields", "generate", "inserts", "records", "rsql", "showcase"},
    "canvas": {"describe", "errors", "listing", "quartz", "runs"},
    "catalogs": set(),
    "flows": set(),
    "workflows": set(),
}
# Django's own modules, the entry of the demo data, and what every API shares (Synerise auth among them).
TOP = {"admin", "apps", "models", "urls", "seed", "faults", "inputs", "openapi", "tokens", "synerise"}
DJANGO_PACKAGES = {"management", "migrations"}


def modules(path: Path) -> dict[str, bool]:
    return {module.name: module.ispkg for module in pkgutil.iter_modules([str(path)])}


def test_every_fake_api_is_a_package_with_the_same_rooms() -> None:
    packages = {name for name, is_package in modules(ROOT).items() if is_package} - DJANGO_PACKAGES
    assert packages == set(OWN)
    for name in packages:
        assert set(modules(ROOT / name)) == ROOMS | OWN[name], name


def test_the_shared_pieces_are_at_the_top() -> None:
    assert {name for name, is_package in modules(ROOT).items() if not is_package} == TOP


def test_each_api_module_is_an_entry_the_urls_or_the_synerise_gateway_mount() -> None:
    for name in OWN:
        api = importlib.import_module(f"apps.sandbox.{name}.api")
        entry = getattr(api, "api", None) or getattr(api, "router", None)
        assert isinstance(entry, NinjaAPI | Router), name
        assert isinstance(entry, NinjaAPI) or isinstance(api.PREFIX, str), name


def test_routes_past_about_400_lines_are_a_package_split_by_resource() -> None:
    for name in OWN:
        routes = ROOT / name / "routes.py"
        if routes.exists():
            assert len(routes.read_text().splitlines()) <= 420, name
        else:
            assert len(modules(ROOT / name / "routes")) > 1, name
