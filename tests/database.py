"""Emptying the test database after a transactional test with DELETE, not TRUNCATE, on PostgreSQL.

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

from django.db.backends.postgresql.operations import DatabaseOperations


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
