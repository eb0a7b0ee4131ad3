"""Reading an uploaded CSV file: its encoding, delimiter, header and first rows, guessed from the bytes.

Decisions (docs/api-decisions.md, "Catalog import"): UTF-8 with or without a BOM, else Windows-1250,
else Latin-1, decided by decoding the whole file; the delimiter by csv.Sniffer on the first 64 KB.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SAMPLE = 64 * 1024
CHUNK = 1024 * 1024
PREVIEW_ROWS = 10
# What a person can choose, in the order tried; Latin-1 decodes any byte, so it is the last resort.
ENCODINGS = {
    "utf-8-sig": "UTF-8 with a byte order mark",
    "utf-8": "UTF-8",
    "cp1250": "Windows-1250 (Central European)",
    "cp1252": "Windows-1252 (Western European)",
    "latin-1": "Latin-1 (ISO-8859-1)",
}
DELIMITERS = {",": "Comma (,)", ";": "Semicolon (;)", "\t": "Tab", "|": "Vertical bar (|)"}
KEY_NAMES = ("itemkey", "item_key", "key", "id", "sku")
# What a spreadsheet runs as a formula at the start of a cell (OWASP, "CSV Injection"); a plain number is
# left alone, so -12.5 stays a number. Rules: docs/api-decisions.md, "Catalog export".
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _formula_like(text: str) -> bool:
    bare = text.lstrip("'")
    return bare.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(bare)


def neutralised(text: str) -> str:
    """The cell as a spreadsheet shows it as text: a quote before what would be a formula. A cell that
    already starts with quotes before one gets one more, so `restored` gives back every value exactly."""
    return "'" + text if text[:1] in "=+-@\t\r'" and text and _formula_like(text) else text


def restored(text: str) -> str:
    """The value `neutralised` was given: the quote taken off a cell that would otherwise be a formula."""
    return text[1:] if text[:1] == "'" and _formula_like(text) else text


class SheetWriter:
    """A CSV writer for files people open in a spreadsheet: every cell `neutralised`, and a row holding a
    carriage return written with every cell quoted (Python's csv quotes a lone CR only when the line
    terminator holds one, and an unquoted CR splits the row for most readers)."""

    def __init__(self, out: Any, **dialect: Any) -> None:
        self.plain = csv.writer(out, **dialect)
        self.quoted = csv.writer(out, quoting=csv.QUOTE_ALL, **dialect)

    def writerow(self, cells: list[str]) -> None:
        row = [neutralised(cell) for cell in cells]
        (self.quoted if any("\r" in cell for cell in row) else self.plain).writerow(row)


@dataclass
class Sniffed:
    encoding: str
    delimiter: str
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)  # each row's number as a spreadsheet shows it
    error: str = ""

    @property
    def preview(self) -> list[tuple[int, list[str], str]]:
        """The first rows as the header's columns (short ones padded), with a note on a ragged one."""
        width = len(self.header)
        shown = []
        for number, row in zip(self.numbers, self.rows, strict=True):
            note = f"Has {len(row)} cells; the header has {width}" if len(row) != width else ""
            shown.append((number, (row + [""] * width)[:width], note))
        return shown

    @property
    def key_guess(self) -> str:
        for name in self.header:
            if name.strip().lower() in KEY_NAMES:
                return name
        return self.header[0] if self.header else ""

    @property
    def json_guess(self) -> list[str]:
        """Columns whose first non-empty cells all look like JSON objects or lists."""
        found = []
        for index, name in enumerate(self.header):
            cells = [row[index].strip() for row in self.rows if index < len(row) and row[index].strip()]
            if cells and all(cell[0] in "[{" for cell in cells) and any(_is_json(c) for c in cells):
                found.append(name)
        return found


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def detect_encoding(path: Path) -> str:
    with path.open("rb") as file:
        if file.read(3) == codecs.BOM_UTF8:
            return "utf-8-sig"
    for encoding in ("utf-8", "cp1250"):
        if decodes(path, encoding):
            return encoding
    return "latin-1"


def decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as file:
            while chunk := file.read(CHUNK):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def detect_delimiter(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        first = sample.split("\n", 1)[0]
        counts = {delimiter: first.count(delimiter) for delimiter in DELIMITERS}
        best = max(counts, key=counts.__getitem__)
        return best if counts[best] else ","


def sniff(path: Path, *, encoding: str | None = None, delimiter: str | None = None) -> Sniffed:
    """What the file looks like: detected (or chosen) encoding and delimiter, header, first rows."""
    encoding = encoding or detect_encoding(path)
    with path.open("rb") as file:
        raw = file.read(SAMPLE)
    sample = raw.decode(encoding, errors="replace")
    if len(raw) == SAMPLE and "\n" in sample:
        sample = sample[: sample.rindex("\n") + 1]
    sniffed = Sniffed(encoding=encoding, delimiter=delimiter or detect_delimiter(sample))
    if not raw:
        sniffed.error = "The file is empty."
        return sniffed
    try:
        with open_rows(path, sniffed.encoding, sniffed.delimiter) as rows:
            sniffed.header = next(rows, [])
            for number, row in enumerate(rows, start=2):
                if not row:
                    continue  # a blank line, skipped by the dry run too
                sniffed.rows.append(row)
                sniffed.numbers.append(number)
                if len(sniffed.rows) == PREVIEW_ROWS:
                    break
    except UnicodeDecodeError:
        sniffed.error = (
            f"The file is not valid {ENCODINGS.get(encoding, encoding)} everywhere; choose another encoding."
        )
    except csv.Error as exc:
        sniffed.error = f"The file cannot be read as CSV: {exc}."
    if not sniffed.header and not sniffed.error:
        sniffed.error = "The file has no header row."
    return sniffed


def header_problem(header: list[str]) -> str:
    """Why a header cannot name a catalog's properties, or ''."""
    names = [name.strip() for name in header]
    if any(not name for name in names):
        return "Every column needs a name in the header row; some are empty."
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        return f"Column names must differ; the header repeats {', '.join(duplicates)}."
    return ""


class Rows:
    """The records of a CSV file after its header, with how far into the file reading has come."""

    def __init__(self, path: Path, encoding: str, delimiter: str) -> None:
        self.raw = path.open("rb")
        self.size = path.stat().st_size
        self.text = io.TextIOWrapper(self.raw, encoding=encoding, newline="")
        self.reader = csv.reader(self.text, delimiter=delimiter, strict=False)
        self.records = (self._restored(row) for row in self.reader)

    @staticmethod
    def _restored(row: list[str]) -> list[str]:
        # An export's neutralised cells read back as the values they were (docs: "Catalog export").
        return [restored(cell) if cell[:1] == "'" else cell for cell in row]

    def __iter__(self) -> Iterator[list[str]]:
        return self.records

    def __next__(self) -> list[str]:
        return next(self.records)

    def __enter__(self) -> Rows:
        return self

    def __exit__(self, *exc: object) -> None:
        self.text.close()

    @property
    def fraction(self) -> float:
        return self.raw.tell() / self.size if self.size else 1.0


def open_rows(path: Path, encoding: str, delimiter: str) -> Rows:
    csv.field_size_limit(16 * 1024 * 1024)
    return Rows(path, encoding, delimiter)
