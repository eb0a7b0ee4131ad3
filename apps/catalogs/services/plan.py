"""The dry run's plan: every row's fate, kept on disk in a SQLite file beside the upload.

Memory stays bounded whatever the size of the file or the catalog: the catalog's current items and
the file's rows are compared through this file, a chunk at a time.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

FATES = ("new", "changed", "unchanged", "invalid", "delete")
# SQLite's older limit of host parameters in one statement is 999.
IN_CHUNK = 900

SCHEMA = """
CREATE TABLE remote (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE seen (key TEXT PRIMARY KEY, row INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE rows (
    row INTEGER PRIMARY KEY, key TEXT NOT NULL, fate TEXT NOT NULL, note TEXT NOT NULL,
    value TEXT, ord INTEGER
);
CREATE TABLE deletes (ord INTEGER PRIMARY KEY, key TEXT NOT NULL);
"""


class Plan:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(path, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")

    @classmethod
    def fresh(cls, path: Path) -> Plan:
        path.unlink(missing_ok=True)
        plan = cls(path)
        plan.db.executescript(SCHEMA)
        return plan

    def close(self) -> None:
        self.db.commit()
        self.db.close()

    def __enter__(self) -> Plan:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # Writing (the dry run)

    def add_remote(self, items: Iterable[tuple[str, str]]) -> None:
        self.db.executemany("INSERT OR REPLACE INTO remote VALUES (?, ?)", items)

    def remote_values(self, keys: list[str]) -> dict[str, str]:
        return self._in("SELECT key, value FROM remote WHERE key IN ({})", keys)

    def seen_rows(self, keys: list[str]) -> dict[str, int]:
        return self._in("SELECT key, row FROM seen WHERE key IN ({})", keys)

    def _in(self, sql: str, keys: list[str]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for start in range(0, len(keys), IN_CHUNK):
            chunk = keys[start : start + IN_CHUNK]
            found.update(self.db.execute(sql.format(",".join("?" * len(chunk))), chunk))
        return found

    def add_rows(self, rows: list[tuple[int, str, str, str, str | None, int | None]]) -> None:
        self.db.executemany("INSERT INTO rows VALUES (?, ?, ?, ?, ?, ?)", rows)
        self.db.executemany(
            "INSERT OR IGNORE INTO seen VALUES (?, ?)", [(row[1], row[0]) for row in rows if row[1]]
        )

    def index(self) -> None:
        """Once every row is in: the indexes the report and the import read by (faster built at the end)."""
        self.db.executescript(
            "CREATE INDEX rows_fate ON rows (fate, row);"
            "CREATE UNIQUE INDEX rows_ord ON rows (ord) WHERE ord IS NOT NULL;"
        )

    def mark_deletes(self) -> int:
        self.db.execute(
            "INSERT INTO deletes (ord, key) SELECT row_number() OVER (ORDER BY key) - 1, key FROM remote "
            "WHERE key NOT IN (SELECT key FROM seen)"
        )
        marked: int = self.db.execute("SELECT count(*) FROM deletes").fetchone()[0]
        return marked

    # Reading (the report and the import)

    def count(self, fate: str) -> int:
        if fate == "delete":
            counted: int = self.db.execute("SELECT count(*) FROM deletes").fetchone()[0]
        else:
            counted = self.db.execute("SELECT count(*) FROM rows WHERE fate = ?", [fate]).fetchone()[0]
        return counted

    def rows(self, fate: str | None, offset: int, limit: int) -> list[dict[str, Any]]:
        if fate == "delete":
            found = self.db.execute("SELECT key FROM deletes ORDER BY ord LIMIT ? OFFSET ?", [limit, offset])
            return [{"row": None, "key": key, "fate": "delete", "note": ""} for (key,) in found]
        where, params = ("WHERE fate = ?", [fate]) if fate else ("", [])
        found = self.db.execute(
            f"SELECT row, key, fate, note FROM rows {where} ORDER BY row LIMIT ? OFFSET ?",  # noqa: S608
            [*params, limit, offset],
        )
        # A changed row's note is each change as [name, before, after] (dryrun.differences).
        return [
            {"row": row, "key": key, "fate": f, "note": "" if f == "changed" else note}
            | ({"changes": json.loads(note)} if f == "changed" else {})
            for row, key, f, note in found
        ]

    def upserts(self, first: int, last: int) -> tuple[int, bytes]:
        """How many, and the C11 body of, the rows numbered `first` to `last` (by `ord`) among the new
        and changed: their items as the dry run encoded them."""
        found = self.db.execute(
            "SELECT value FROM rows WHERE ord BETWEEN ? AND ? ORDER BY ord", [first, last]
        )
        items = [value for (value,) in found]
        return len(items), ("[" + ",".join(items) + "]").encode()

    def deletes(self, first: int, last: int) -> list[str]:
        found = self.db.execute(
            "SELECT key FROM deletes WHERE ord BETWEEN ? AND ? ORDER BY ord", [first, last]
        )
        return [key for (key,) in found]

    def batches(self, size: int, table: str) -> list[tuple[int, int, int, int | None, int | None]]:
        """(number, first ord, last ord, first row, last row) per batch of `size`."""
        if table == "rows":
            sql = (
                "SELECT ord / ?, min(ord), max(ord), min(row), max(row) FROM rows "
                "WHERE ord IS NOT NULL GROUP BY 1"
            )
        else:
            sql = "SELECT ord / ?, min(ord), max(ord), NULL, NULL FROM deletes GROUP BY 1"
        return list(self.db.execute(sql + " ORDER BY 1", [size]))


class PlanPage:
    """A fate's rows as a sequence Django's Paginator can page through."""

    def __init__(self, plan: Plan, fate: str | None, total: int) -> None:
        self.plan, self.fate, self.total = plan, fate, total

    def __len__(self) -> int:
        return self.total

    def count(self) -> int:
        return self.total

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        start = index.start or 0
        return self.plan.rows(self.fate, start, (index.stop or self.total) - start)
