"""The sandbox's demo data for a test: seeded once per process, then copied back (PostgreSQL's COPY).

A transactional test (a live server, a browser, a real worker) starts from an empty database and seeds
it again: 0.4 s each, the catalogs' 5,000 items most of it. The first seed into an empty sandbox is kept
as the rows it wrote, table by table, and the next seeds into an empty sandbox copy those rows back
(about 30 ms). The rows keep their ids, and each table's sequence is moved past them (the flush
command restarts the sequences), so nothing made later takes one. SQLite seeds every time.
"""

from __future__ import annotations

from django.apps import apps
from django.db import connection

from apps.sandbox import seed as sandbox
from apps.sandbox.models import CanvasKey, FlowsToken, Workspace
from tests import database

_kept: database.Kept = []


def seed() -> sandbox.Seeded:
    """`apps.sandbox.seed.seed()`, or the rows it wrote the first time copied back."""
    if connection.vendor != "postgresql":
        return sandbox.seed()
    tables = _tables()
    empty = not database.rows_in(tables)
    if _kept and empty:
        database.copy_in(_kept, list(apps.get_app_config("sandbox").get_models(include_auto_created=True)))
        return lookup()
    seeded = sandbox.seed()
    if empty and not _kept:
        _kept.extend(database.copy_out(tables))
    return seeded


def lookup() -> sandbox.Seeded:
    return sandbox.Seeded(
        workspace=Workspace.objects.get(name=sandbox.DEMO_WORKSPACE),
        canvas=CanvasKey.objects.get(organization=sandbox.DEMO_ORGANIZATION),
        flows=FlowsToken.objects.get(name=sandbox.DEMO_TOKEN),
    )


def _tables() -> list[str]:
    models = apps.get_app_config("sandbox").get_models(include_auto_created=True)
    return [model._meta.db_table for model in models]
