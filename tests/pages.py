"""What a test reads of a page."""

from __future__ import annotations

from html.parser import HTMLParser

from django.http import HttpResponseBase


def text(response: HttpResponseBase) -> str:
    """The page a response carries, streamed (a bulk readiness list) or not."""
    body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    return body.decode()


def words(response: HttpResponseBase) -> str:
    """The page's text as a person reads it: no tags, no scripts, runs of white space as one space."""
    reader = _Words()
    reader.feed(text(response))
    return " ".join(" ".join(reader.parts).split())


class _Words(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hidden += tag in ("script", "style", "template")

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in ("script", "style", "template")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def table_rows(html: str) -> list[list[str]]:
    """The text of each body cell of the page's tables, a list per row (head rows left out)."""
    reader = _Rows()
    reader.feed(html)
    return reader.rows


class _Rows(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None
        self.in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tbody":
            self.in_body = True
        elif tag == "tr" and self.in_body:
            self.rows.append([])
        elif tag == "td" and self.in_body:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self.in_body = False
        elif tag == "td" and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)
