"""Reading an uploaded CSV file: its encoding, delimiter, header and first rows, guessed from the bytes.

Decisions (docs/api-decisions.md, "Catalog import"): UTF-8 with or without a BOM, else Windows-1252 or
Windows-1250, whichever reads more of the file's non-ASCII bytes as letters, else Latin-1; the delimiter by
csv.Sniffer on the first 64 KB. Bytes the chosen encoding cannot read make their rows invalid, not the file.
UTF-16 and UTF-32 with a BOM are turned into UTF-8 as they are stored; archives, images and anything
holding null bytes are refused by what their first bytes are, whatever their name.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from apps.core.json import exact_dumps

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
# Bytes the encoding could not read, kept as Python's surrogateescape keeps them; shown as U+FFFD.
UNDECODABLE = re.compile("[\udc80-\udcff]")
KEY_NAMES = ("itemkey", "item_key", "key", "id", "sku", "isbn", "ean", "gtin", "upc", "product_id")
NAME_MAX = 255  # a catalog's property names (docs/api-decisions.md, "Synerise catalogs: the dashboard's …")
# Text with a byte order mark, turned into UTF-8 on upload; UTF-32 first: its LE mark starts like UTF-16's.
BOMS = {
    codecs.BOM_UTF32_LE: "utf-32-le",
    codecs.BOM_UTF32_BE: "utf-32-be",
    codecs.BOM_UTF16_LE: "utf-16-le",
    codecs.BOM_UTF16_BE: "utf-16-be",
}
TRANSCODED = {
    "utf-16-le": "UTF-16 (little-endian) with a byte order mark",
    "utf-16-be": "UTF-16 (big-endian) with a byte order mark",
    "utf-32-le": "UTF-32 (little-endian) with a byte order mark",
    "utf-32-be": "UTF-32 (big-endian) with a byte order mark",
}
SAVE_AS_CSV = "Save it as a CSV file (in Excel: File, Save As, “CSV UTF-8”) and upload that."
# What a file is by its first bytes; none of these starts a text file.
MAGIC = {
    b"PK\x03\x04": "a zip archive (an Excel or Numbers workbook is one)",
    b"PK\x05\x06": "a zip archive",
    b"\x1f\x8b": "a file compressed with gzip",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document",
    b"\xd0\xcf\x11\xe0": "an Excel 97-2003 workbook",
    b"7z\xbc\xaf": "a 7-Zip archive",
    b"BZh": "a file compressed with bzip2",
    b"\xfd7zXZ": "a file compressed with xz",
}
# What a spreadsheet runs as a formula at the start of a cell (OWASP, "CSV Injection"); a plain number is
# left alone, so -12.5 stays a number. Rules: docs/api-decisions.md, "Catalog export".
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def cell_text(value: Any) -> str:
    """A property as a CSV cell, as C1 writes it: text as is, anything else as JSON (numbers as
    written: 3299.00), nothing empty."""
    if value is None:
        return ""
    return value if isinstance(value, str) else exact_dumps(value, spaced=True)


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


class NotText(Exception):
    """The upload is not a text file we can read; the message says what it is and what to do."""


def inspect(head: bytes) -> str:
    """The encoding to turn the file into UTF-8 from ('' for none), judged by its first bytes; raises
    NotText for a binary file: a known kind, or null bytes in text that has no UTF-16/32 mark."""
    for bom, encoding in BOMS.items():
        if head.startswith(bom):
            return encoding
    for magic, kind in MAGIC.items():
        if head.startswith(magic):
            raise NotText(f"This file is {kind}, not a CSV file. {SAVE_AS_CSV}")
    if b"\x00" in head:
        raise NotText(
            "This file holds null bytes, so it is not a CSV file: it is a binary file, or text in UTF-16 "
            f"without a byte order mark. {SAVE_AS_CSV}"
        )
    return ""


def transcode(chunks: Iterable[bytes], target: Path, encoding: str) -> None:
    """Write the text of `chunks` (in `encoding`, starting with its BOM) to `target` as UTF-8, a chunk at a
    time; raises NotText when it does not decode or holds a null character."""
    decoder = codecs.getincrementaldecoder(encoding)()
    name = TRANSCODED[encoding].split(" with")[0]
    first = True
    with target.open("w", encoding="utf-8", newline="") as out:
        try:
            for chunk in chunks:
                text = decoder.decode(chunk)
                if first and text:
                    text, first = text.removeprefix("\ufeff"), False
                if "\x00" in text:
                    raise NotText(f"This {name} file holds null characters, which a catalog cannot store.")
                out.write(text)
            out.write(decoder.decode(b"", final=True))
        except UnicodeError as exc:
            raise NotText(
                f"This file starts as {name} text but is not valid {name} further on. {SAVE_AS_CSV}"
            ) from exc


def column_names(width: int) -> list[str]:
    """The names of the columns of a file without a header row."""
    return [f"column_{n}" for n in range(1, width + 1)]


def looks_like_data(row: list[str]) -> bool:
    """Whether a first row reads as data rather than column names: one of its cells is empty, starts with
    a digit or a sign and a digit (numbers, dates, codes), holds JSON, a web address or an e-mail address."""
    for cell in (cell.strip() for cell in row):
        if not cell or cell[0].isdigit() or NUMBER.fullmatch(cell) or cell[0] in "[{":
            return True
        if "://" in cell or ("@" in cell and "." in cell.rsplit("@", 1)[1]):
            return True
    return False


def usable(name: str) -> bool:
    """Whether a header name can name a catalog property (and be stored as a choice)."""
    return 0 < len(name.strip()) <= NAME_MAX and "\x00" not in name


@dataclass
class Sniffed:
    encoding: str
    delimiter: str
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)  # each row's number as a spreadsheet shows it
    error: str = ""
    fault: str = ""  # the choice that `error` asks to change: encoding, delimiter, or '' for the file
    first_row: list[str] = field(default_factory=list)
    undecodable: list[int] = field(default_factory=list)  # the rows shown holding bytes it cannot read

    @property
    def preview(self) -> list[tuple[int, list[str], str]]:
        """The first rows as the header's columns (short ones padded), with a note on a ragged one or one
        the encoding cannot read."""
        width = len(self.header)
        rows = []
        for number, row in zip(self.numbers, self.rows, strict=True):
            note = f"Has {len(row)} cells; the header has {width}" if len(row) != width else ""
            if number in self.undecodable:
                note = f"Holds bytes that are not valid {self.encoding_name} (shown as \ufffd)"
            rows.append((number, (row + [""] * width)[:width], note))
        return rows

    @property
    def encoding_name(self) -> str:
        return ENCODINGS.get(self.encoding, self.encoding)

    @property
    def key_guess(self) -> str:
        """The column named like a key, else '': the person chooses (never the first column unasked)."""
        for name in self.header:
            if name.strip().lower() in KEY_NAMES:
                return name.strip()
        return ""

    @property
    def json_guess(self) -> list[str]:
        """Columns whose first non-empty cells all look like JSON objects or lists."""
        found = []
        for index, name in enumerate(self.header):
            if not usable(name):
                continue
            cells = [row[index].strip() for row in self.rows if index < len(row) and row[index].strip()]
            if cells and all(cell[0] in "[{" for cell in cells) and any(_is_json(c) for c in cells):
                found.append(name.strip())
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
    if decodes(path, "utf-8"):
        return "utf-8"
    return _western_or_central(path)


def _western_or_central(path: Path) -> str:
    """Windows-1252 or -1250, whichever reads more of the non-ASCII bytes as letters (Western first on a
    tie: "crème" is letters in both, "crčme" in one); Latin-1 when neither decodes the file.

    Polish text read as Windows-1252 shows symbols (ą as ¹, ł as ³, ż as ¿), French or Spanish read as
    Windows-1250 shows letters too (è as č, ñ as ń): so letters decide only one way, and a tie is Western.
    Kept detectors (charset-normalizer, chardet) chose Windows-1250 for short French and Spanish files.
    """
    counts: dict[int, int] = {}
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            for byte in set(chunk.translate(None, bytes(range(128)))):
                counts[byte] = counts.get(byte, 0) + chunk.count(byte)
    scores = {}
    for encoding in ("cp1252", "cp1250"):
        try:
            scores[encoding] = sum(n for b, n in counts.items() if bytes([b]).decode(encoding).isalpha())
        except UnicodeDecodeError:
            continue  # a byte this encoding leaves undefined
    return max(scores, key=scores.__getitem__) if scores else "latin-1"


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


def sniff(
    path: Path, *, encoding: str | None = None, delimiter: str | None = None, header: bool = True
) -> Sniffed:
    """What the file looks like: detected (or chosen) encoding and delimiter, header, first rows. Without
    a header row (`header=False`) the columns are column_1, column_2, … and the first row is row 1."""
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
            sniffed.first_row = next(rows, [])
            sniffed.header = sniffed.first_row if header else column_names(len(sniffed.first_row))
            if not header and sniffed.first_row:
                rows = itertools.chain([sniffed.first_row], rows)  # type: ignore[assignment]  # rows still
            for number, row in enumerate(rows, start=2 if header else 1):
                if not row:
                    continue  # a blank line, skipped by the dry run too
                sniffed.rows.append(row)
                sniffed.numbers.append(number)
                if len(sniffed.rows) == PREVIEW_ROWS:
                    break
    except csv.Error as exc:
        sniffed.fault = "delimiter"
        sniffed.error = f"The file cannot be read as CSV: {exc}."
    if not sniffed.header and not sniffed.error:
        sniffed.error = "The file has no header row."
    if UNDECODABLE.search("".join(sniffed.header)):
        sniffed.fault = "encoding"
        sniffed.error = f"The first row is not valid {sniffed.encoding_name}; choose another encoding."
    sniffed.header = [shown(name) for name in sniffed.header]
    for index, row in enumerate(sniffed.rows):
        if UNDECODABLE.search("".join(row)):
            sniffed.undecodable.append(sniffed.numbers[index])
            sniffed.rows[index] = [shown(cell) for cell in row]
    return sniffed


def shown(text: str) -> str:
    """The text with each byte the encoding could not read as U+FFFD, as a person may see it."""
    return UNDECODABLE.sub("\ufffd", text)


def header_problem(header: list[str]) -> str:
    """Why a header cannot name a catalog's properties, or ''."""
    names = [name.strip() for name in header]
    if any(not name for name in names):
        return "Every column needs a name in the header row; some are empty."
    if any("\x00" in name for name in names):
        return "The header row holds a null character, which a catalog cannot store."
    if long := [n for n, name in enumerate(names, start=1) if len(name) > NAME_MAX]:
        return (
            f"Column names are at most {NAME_MAX} characters (they name the catalog's properties); "
            f"column {long[0]:,} has {len(names[long[0] - 1]):,}. Is the first row really the header?"
        )
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        return f"Column names must differ; the header repeats {', '.join(duplicates)}."
    return ""


class Rows:
    """The records of a CSV file after its header, with how far into the file reading has come."""

    def __init__(self, path: Path, encoding: str, delimiter: str) -> None:
        self.raw = path.open("rb")
        self.size = path.stat().st_size
        # A byte the encoding cannot read is kept (as a surrogate): its row is invalid, not the file.
        self.text = io.TextIOWrapper(self.raw, encoding=encoding, errors="surrogateescape", newline="")
        self.reader = csv.reader(self.text, delimiter=delimiter, strict=False)
        self.records = map(self._restored, self.reader)

    @staticmethod
    def _restored(row: list[str]) -> list[str]:
        # An export's neutralised cells read back as the values they were (docs: "Catalog export");
        # most rows hold no quote at all, and are kept as they were read.
        if "'" not in "".join(row):
            return row
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
