"""The sandbox's demo data for a test: seeded once per process, then copied back (PostgreSQL's COPY).

A transactional test (a live server, a browser, a real worker) starts from an empty database and seeds
it again: 0.4 s each, the catalogs' 5,000 items most of it. The first seed into an empty sandbox is kept
as the rows it wrote, table by table, and the next seeds into an empty sandbox copy those rows back
(about 30 ms). The rows keep their ids, and each table's sequence is moved past them (the flush
command restarts the sequences), so nothing made later takes one. SQLite seeds every time.
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction

from apps.sandbox import seed as sandbox
from apps.sandbox.models import CanvasKey, FlowsToken, Workspace

# (table, its columns but the generated ones, its rows in COPY's binary format), parents first.
_kept: list[tuple[str, str, bytes]] = []


def seed() -> sandbox.Seeded:
    """`apps.sandbox.seed.seed()`, or the rows it wrote the first time copied back."""
    if connection.vendor != "postgresql":
        return sandbox.seed()
    tables = _tables()
    empty = not _rows_in(tables)
    if _kept and empty:
        with transaction.atomic(), connection.cursor() as cursor:  # foreign keys checked at the end
            for table, columns, rows in _kept:
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
                    copy.write(rows)
            models = list(apps.get_app_config("sandbox").get_models(include_auto_created=True))
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
        return lookup()
    seeded = sandbox.seed()
    if empty and not _kept:
        _kept.extend(_copied(tables))
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


def _rows_in(tables: list[str]) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            " OR ".join(f"EXISTS (SELECT 1 FROM {table})" for table in tables).join(("SELECT ", ""))
        )
        return bool(cursor.fetchone()[0])


def _copied(tables: list[str]) -> list[tuple[str, str, bytes]]:
    kept = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                "AND is_generated = 'NEVER' ORDER BY ordinal_position",
                [table],
            )
            columns = ", ".join(connection.ops.quote_name(name) for (name,) in cursor.fetchall())
            with cursor.copy(f"COPY {table} ({columns}) TO STDOUT (FORMAT BINARY)") as copy:
                rows = b"".join(bytes(block) for block in copy)
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")  # noqa: S608
            if cursor.fetchone()[0]:
                kept.append((table, columns, rows))
    return kept
