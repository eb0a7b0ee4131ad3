"""Emptying the test database after a transactional test with DELETE, not TRUNCATE, on PostgreSQL, and the
rows a flush makes again copied back (`post_migrate_copied`).

TRUNCATE costs PostgreSQL a few milliseconds a table whatever it holds: half a second for this project's
tables after every live-server, real-worker and browser test. DELETE of the few rows a test leaves costs
a few milliseconds in all. Django's foreign keys are DEFERRABLE INITIALLY DEFERRED and `flush` runs its
statements in one transaction, so the order of the tables does not matter. A flush that resets sequences
keeps TRUNCATE ... RESTART IDENTITY.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.apps import apps
from django.core.management.color import no_style
from django.core.management.commands import flush
from django.db import connection, transaction
from django.db.backends.postgresql.operations import DatabaseOperations
from django.db.models import Model


@contextmanager
def delete_to_flush() -> Iterator[None]:
    truncate = DatabaseOperations.sql_flush

    def sql_flush(
        self: DatabaseOperations,
        style: Any,
        tables: Any,
        *,
        reset_sequences: bool = False,
        allow_cascade: bool = False,
    ) -> list[str]:
        if reset_sequences or allow_cascade:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return [
            f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};"
            for table in tables
        ]

    DatabaseOperations.sql_flush = sql_flush  # type: ignore[method-assign]
    try:
        yield
    finally:
        DatabaseOperations.sql_flush = truncate  # type: ignore[method-assign]


# (table, its columns but the generated ones, its rows in COPY's binary format); the foreign keys are
# deferred, so their order does not matter.
Kept = list[tuple[str, str, bytes]]


def copy_out(tables: list[str]) -> Kept:
    """The rows of `tables` that have any, as COPY writes them."""
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


def copy_in(kept: Kept, models: list[type[Model]]) -> None:
    """Write `kept` back, with their ids, and move the sequences of `models` past them."""
    with transaction.atomic(), connection.cursor() as cursor:  # foreign keys checked at the end
        for table, columns, rows in kept:
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.write(rows)
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


def rows_in(tables: list[str]) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            " OR ".join(f"EXISTS (SELECT 1 FROM {table})" for table in tables).join(("SELECT ", ""))
        )
        return bool(cursor.fetchone()[0])


@contextmanager
def post_migrate_copied() -> Iterator[None]:
    """A flush on PostgreSQL writes back the rows that post_migrate made after the first one, instead of
    sending it again: its receivers (the content types, the permissions, the roles of apps.accounts.roles
    and their audit entries) made them anew after every transactional test, 0.3 s of queries each time."""
    emit = flush.emit_post_migrate_signal
    kept: Kept = []

    def emit_or_copy(verbosity: int, interactive: bool, db: str) -> None:
        if connection.vendor != "postgresql" or db != connection.alias:
            return emit(verbosity, interactive, db)
        tables = connection.introspection.django_table_names(only_existing=True)
        models = [m for m in apps.get_models(include_auto_created=True) if m._meta.db_table in tables]
        if kept and not rows_in(tables):
            return copy_in(kept, models)
        emit(verbosity, interactive, db)
        if not kept:
            kept.extend(copy_out(tables))

    flush.emit_post_migrate_signal = emit_or_copy
    try:
        yield
    finally:
        flush.emit_post_migrate_signal = emit
