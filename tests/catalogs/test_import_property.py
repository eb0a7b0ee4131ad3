"""Generated CSV files: what the dry run counts is what the import then does to the catalog."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.catalogs.client import CatalogsClient
from tests.catalogs.conftest import dry_run, items_of, run_import, upload

pytestmark = pytest.mark.usefixtures("eager_celery")

KEYS = st.sampled_from(["a", "b", "c", "d", "e", " a", "", "ł"])
TEXT = st.one_of(st.sampled_from(["same", ""]), st.text(alphabet='ab ,;"\nł\t', max_size=6))
JSON = st.sampled_from(["", '{"n": 1}', "[1, 2]", "{bad", "NaN", "1e400", '"s"', "{}"])
ROW = st.tuples(KEYS, TEXT, JSON, st.sampled_from([0, 0, 0, 1, -1]))
_names = itertools.count(1)


def encode(rows: list[tuple[str, str, str, int]], delimiter: str, bom: bool) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(["id", "v", "j"])
    for key, text, cell, ragged in rows:
        cells = [key, text, cell] + ["x"] * max(0, ragged)
        writer.writerow(cells[: len(cells) + min(0, ragged)])
    return (codecs.BOM_UTF8 if bom else b"") + out.getvalue().encode()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    existing=st.dictionaries(st.sampled_from(["a", "b", "c", "z"]), st.sampled_from(["same", "old"])),
    rows=st.lists(ROW, max_size=12),
    delimiter=st.sampled_from([",", ";"]),
    bom=st.booleans(),
    reconcile=st.booleans(),
)
def test_dry_run_counts_are_what_the_import_does(
    editor_client: Client,
    cat: CatalogsClient,
    existing: dict[str, str],
    rows: list[tuple[str, str, str, int]],
    delimiter: str,
    bom: bool,
    reconcile: bool,
) -> None:
    catalog = cat.create_catalog(f"generated-{next(_names)}").data.id
    if existing:
        cat.add_items(catalog, {key: {"id": key, "v": text, "j": ""} for key, text in existing.items()})
    before = items_of(cat, catalog)
    imp = upload(editor_client, catalog, encode(rows, delimiter, bom))
    imp = dry_run(
        editor_client,
        imp,
        delimiter=delimiter,
        key_column="id",
        json_columns=["j"],
        reconcile="on" if reconcile else "",
    )
    counts: dict[str, Any] = imp.counts
    assert counts["rows"] == len(rows)
    assert counts["new"] + counts["changed"] + counts["unchanged"] + counts["invalid"] == counts["rows"]
    if counts["new"] or counts["changed"] or counts["delete"]:
        imp = run_import(editor_client, imp)
        assert imp.run.state == "succeeded", imp.run.error
    after = items_of(cat, catalog)
    assert len(set(after) - set(before)) == counts["new"]
    assert sum(1 for key in before if key in after and after[key] != before[key]) == counts["changed"]
    assert len(set(before) - set(after)) == (counts["delete"] if reconcile else 0)
