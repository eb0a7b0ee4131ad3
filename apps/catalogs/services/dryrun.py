"""The dry run: every row of the file classified against the catalog as it is now, nothing written remotely.

A row is new (its key is not in the catalog), changed (with the properties that change), unchanged,
or invalid (with the reason). With reconcile on, the catalog's items whose keys the file lacks are
listed for deletion. Rules in docs/api-decisions.md, "Catalog import".
"""

from __future__ import annotations

import json
import re
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from itertools import islice
from pathlib import Path
from typing import Any

import jiter

from apps.catalogs.client import CatalogsClient
from apps.catalogs.models import CatalogImport
from apps.catalogs.services import csvfile
from apps.catalogs.services.csvfile import cell_text
from apps.catalogs.services.plan import Plan
from apps.core.json import MAX_JSON_DEPTH, ExactJSONDecoder, exact_dumps, exact_loads
from apps.jobs import services as jobs
from apps.jobs.models import Job

KEY_MAX = 255
CHUNK = 2000
READ_PAGE = 1000
READERS = 4  # pages read at a time
REPORT_EVERY = 1.0  # seconds
_decoder = ExactJSONDecoder()


# Values of text cells only are written by the standard encoder (faster); a JSON column's may hold a Decimal.
_plain_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def differences(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str | None, str | None]]:
    """What changes when `new` replaces `old` whole (C11 replaces the value): each property's name, its
    value before and after as cells read (None before: added; None after: removed)."""
    if old == new:
        return []
    changed: list[tuple[str, str | None, str | None]] = [
        (name, cell_text(old[name]) if name in old else None, cell_text(value))
        for name, value in new.items()
        if name not in old
        or (old[name] != value and not (isinstance(value, str) and value == cell_text(old[name])))
    ]
    return changed + [(name, cell_text(value), None) for name, value in old.items() if name not in new]


def read_catalog(api: CatalogsClient, imp: CatalogImport, plan: Plan, job: Job) -> int:
    """Copy the catalog's items (key and value) into the plan, READERS pages at a time; returns how many."""

    def read(offset: int) -> tuple[int, list[tuple[str, str]]]:
        page = api.list_item_values(imp.catalog_id, offset=offset, limit=READ_PAGE)
        total = page.get("metaData", {}).get("totalCount", 0)
        return total, [(item["itemKey"], item.get("value") or "{}") for item in page["data"]]

    total, items = read(0)
    plan.add_remote(items)
    done = len(items)
    offsets = iter(range(READ_PAGE, total, READ_PAGE))
    with ThreadPoolExecutor(READERS, thread_name_prefix=f"job{job.pk}-read") as pool:
        # A few pages ahead, never the whole catalog: pages read faster than they are stored wait in memory.
        ahead = deque(pool.submit(read, offset) for offset in islice(offsets, READERS * 2))
        while ahead:
            _, items = ahead.popleft().result()
            ahead.extend(pool.submit(read, offset) for offset in islice(offsets, 1))
            plan.add_remote(items)
            done += len(items)
            if done % (READ_PAGE * 20) == 0:
                jobs.report(
                    job,
                    progress=min(30, done * 30 // max(1, total)),
                    step=f"Read {done:,} of {total:,} items",
                )
    return done


class Classifier:
    """Turns the file's records into plan rows, a chunk at a time."""

    def __init__(self, imp: CatalogImport, header: list[str], plan: Plan, bad: Any) -> None:
        self.columns = [name.strip() for name in header]
        self.key_index = self.columns.index(imp.key_column)
        self.encoding = imp.encoding
        self.json_indexes = {self.columns.index(n) for n in imp.json_columns if n in self.columns}
        self.dumps = exact_dumps if self.json_indexes else _plain_dumps
        self.plan, self.bad = plan, bad
        self.counts = dict.fromkeys(("new", "changed", "unchanged", "invalid"), 0)
        self.ord = 0

    def classify(self, chunk: list[tuple[int, list[str]]]) -> None:
        parsed: list[tuple[int, list[str], str, dict[str, Any] | None, str]] = []
        for row, cells in chunk:
            key, value, problem = self._read(cells)
            parsed.append((row, cells, key, value, problem))
        keys = list({key for _, _, key, _, _ in parsed if key})
        seen = self.plan.seen_rows(keys)
        remote = self.plan.remote_values(keys)
        out: list[tuple[int, str, str, str, str | None, int | None]] = []
        for row, cells, key, value, problem in parsed:
            if not problem and key in seen:
                problem = f"The key {key} is already on row {seen[key]}"
            if key and key not in seen:
                seen[key] = row
            if problem or value is None:
                out.append((row, key, "invalid", problem, None, None))
                self.bad.writerow([str(row), problem, *cells])
                self.counts["invalid"] += 1
                continue
            old = remote.get(key)
            if old is None:
                fate, note = "new", ""
            else:
                changes = differences(_loads(old), value)
                note = exact_dumps(changes) if changes else ""
                fate = "changed" if note else "unchanged"
            self.counts[fate] += 1
            ordinal = None
            if fate != "unchanged":
                ordinal, self.ord = self.ord, self.ord + 1
            text = self.dumps({"itemKey": key, "value": value}) if ordinal is not None else None
            out.append((row, key, fate, note, text, ordinal))
        self.plan.add_rows(out)

    def _read(self, cells: list[str]) -> tuple[str, dict[str, Any] | None, str]:
        if len(cells) != len(self.columns):
            key = cells[self.key_index].strip() if self.key_index < len(cells) else ""
            return key, None, f"Has {len(cells)} cells; the header has {len(self.columns)}"
        key = cells[self.key_index].strip()
        if not key:
            return "", None, f"No value in the key column {self.columns[self.key_index]}"
        if len(key) > KEY_MAX:
            return key[:KEY_MAX], None, f"The key is longer than {KEY_MAX} characters"
        joined = "".join(cells)
        if "\x00" in joined:
            return key, None, "A cell holds a null character, which a catalog cannot store"
        if not joined.isascii() and csvfile.UNDECODABLE.search(joined):
            name = csvfile.ENCODINGS.get(self.encoding, self.encoding)
            return csvfile.shown(key), None, f"Holds bytes that are not valid {name} (shown as \ufffd)"
        value: dict[str, Any] = dict(zip(self.columns, cells, strict=False))  # as many: counted above
        for index in self.json_indexes:
            cell = cells[index]
            if cell.strip():
                try:
                    value[self.columns[index]] = read_json(cell)
                except ValueError as exc:
                    reason = str(exc).split(":")[0]
                    return key, None, f"Column {self.columns[index]} is not valid JSON: {reason}"
        return key, value, ""


# What jiter would take and the strict one refuses: a float too large (an exponent, or 309
# digits), half a character (only a \u escape makes one: the file's text was decoded strictly).
_UNSURE = re.compile(r"\d[eE]|\d{309}|\\u")


def read_json(text: str) -> Any:
    """JSON as a catalog stores it: finite numbers, no NaN, not nested too deep.

    jiter (pydantic's parser) takes the cells that cannot hold what the strict one refuses (three times
    faster: a JSON column is parsed on every row); the strict one reads the rest, and says why not.
    """
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH and not _UNSURE.search(text):
        try:
            return jiter.from_json(text.encode(), float_mode="decimal", allow_inf_nan=False)
        except ValueError:
            pass
    return _decoder.decode(text)


def _loads(text: str) -> dict[str, Any]:
    """A catalog item's value, its numbers as written."""
    try:
        value = jiter.from_json(text.encode(), float_mode="decimal")
    except ValueError:  # half a character (a lone \ud800 escape), which jiter refuses; or not JSON
        try:
            value = exact_loads(text)
        except ValueError:
            return {}
    return value if isinstance(value, dict) else {}


def classify_file(imp: CatalogImport, upload: Path, plan: Plan, bad_path: Path, job: Job) -> dict[str, int]:
    """Classify every record of the file into the plan; the bad ones go to `bad_path` too."""
    rows_read = 0
    reported = time.monotonic()
    with (
        csvfile.open_rows(upload, imp.encoding, imp.delimiter) as records,
        # A byte the encoding could not read goes into the bad rows as "?": the file stays UTF-8.
        bad_path.open("w", encoding="utf-8-sig", errors="replace", newline="") as bad_file,
    ):
        first = next(records, [])
        header = first if imp.has_header is not False else csvfile.column_names(len(first))
        bad = csvfile.SheetWriter(bad_file, delimiter=imp.delimiter)
        bad.writerow(["row", "reason", *header])
        classifier = Classifier(imp, header, plan, bad)
        chunk: list[tuple[int, list[str]]] = []
        if imp.has_header is False and first:
            chunk.append((1, first))  # no header: the first row is data, row 1
        row = 1
        for cells in records:
            row += 1
            if not cells:
                continue  # a blank line: nothing to import, nothing wrong
            chunk.append((row, cells))
            if len(chunk) == CHUNK:
                classifier.classify(chunk)
                rows_read += len(chunk)
                chunk = []
                if time.monotonic() - reported > REPORT_EVERY:
                    reported = time.monotonic()
                    percent = 30 + int(records.fraction * 69)
                    jobs.report(job, progress=percent, step=f"Checked {rows_read:,} rows")
        if chunk:
            classifier.classify(chunk)
            rows_read += len(chunk)
    return {**classifier.counts, "rows": rows_read}


def run(imp: CatalogImport, api: CatalogsClient, job: Job, folder: Path) -> dict[str, int]:
    """The whole dry run; returns the counts it also saves on `imp`."""
    catalog = api.get_catalog(imp.catalog_id).data
    started = time.monotonic()
    with Plan.fresh(folder / "plan.sqlite") as plan:
        jobs.report(job, progress=1, step=f"Reading the items of {catalog.name}")
        total = read_catalog(api, imp, plan, job)
        jobs.report(job, progress=30, step=f"Read {total:,} items; checking the file")
        counts = classify_file(imp, folder / "upload.csv", plan, folder / "bad-rows.csv", job)
        plan.index()
        counts["delete"] = plan.mark_deletes() if imp.reconcile else 0
        counts["catalog"] = total
    counts["seconds"] = round(time.monotonic() - started, 2)  # type: ignore[assignment]  # the one float
    imp.counts = counts
    imp.seen_modified, imp.seen_total = catalog.last_modified, total
    imp.save(update_fields=["counts", "seen_modified", "seen_total"])
    return counts
