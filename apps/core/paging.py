"""Remote lists shown one page at a time (by number or by cursor), and the page sizes of every list."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponseRedirect

PAGE_SIZE = 25  # rows of a list screen
LOCAL_PAGE_SIZE = 50  # rows of a list of our own rows (jobs, audit, recently deleted)
REMOTE_PAGE_MAX = 1000  # the most a background job asks for in one call (docs/api-decisions.md)
MAX_PAGE = 100_000  # the last page a list screen shows (2.5 million rows at 25 a page)


@dataclass
class RemotePage:
    """A page of a remote list, shaped like Django's Page for `includes/pagination.html`."""

    items: list[Any]
    number: int
    num_pages: int
    total: int = 0

    @property
    def paginator(self) -> RemotePage:
        return self

    @property
    def object_list(self) -> list[Any]:
        return self.items

    def __iter__(self) -> Any:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    def has_previous(self) -> bool:
        return self.number > 1

    def has_next(self) -> bool:
        return self.number < self.num_pages

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1

    @classmethod
    def of(
        cls, items: list[Any], *, number: int, limit: int, total: int, pages: int | None = None
    ) -> RemotePage:
        return cls(items, number, max(1, pages or math.ceil(total / max(1, limit))), total)


def whole_number(text: object, *, maximum: int = 2**31 - 1) -> int | None:
    """`text` as a whole number from 0 to `maximum`, or None: for ids and numbers from a query string.

    `str.isdigit` takes "²" and "١٢", and `int` refuses 5,000 digits (a 500 each, before this).
    """
    value = str(text if text is not None else "").strip()
    if not (value.isascii() and value.isdigit()) or len(value.lstrip("0")) > len(str(maximum)):
        return None
    number = int(value)
    return number if number <= maximum else None


def page_number(request: HttpRequest) -> int:
    """The `page` query parameter as a number from 1 to MAX_PAGE; anything else is page 1.

    A number past MAX_PAGE is a 400 (BadRequest): sent on, it became an offset no remote column holds
    (a `bigint out of range` 500 from the remote service, four times over with the retries).
    """
    value = request.GET.get("page", "1").strip().lstrip("0") or "1"
    if not (value.isascii() and value.isdigit()):
        return 1  # "²" and "١٢" are digits to str.isdigit, and not page numbers
    if len(value) > len(str(MAX_PAGE)) or int(value) > MAX_PAGE:
        raise BadRequest(f"Lists have at most {MAX_PAGE:,} pages.")
    return max(1, int(value))


@dataclass
class CursorList:
    """A page of a remote list that pages by cursor, shaped for `includes/list_results.html`.

    Previous and Next carry the remote's cursors in the URL (`includes/cursor_pages.html`).
    """

    items: list[Any]
    previous: str | None
    next: str | None
    total: int | None

    @classmethod
    def of(cls, page: Any) -> CursorList:
        """From a client's cursor page: `items`, `previous_page`, `next_page` and `total`."""
        return cls(page.items, page.previous_page, page.next_page, page.total)

    @property
    def object_list(self) -> list[Any]:
        return self.items

    def __iter__(self) -> Any:
        return iter(self.items)

    def has_other_pages(self) -> bool:
        return False  # includes/pagination.html numbers pages; cursor_pages.html links them instead


def cursor_of(request: HttpRequest) -> str | None:
    """The `cursor` query parameter (a remote's opaque token, cut at 2,000 characters), or None."""
    return request.GET.get("cursor", "")[:2000] or None


def first_page(request: HttpRequest) -> HttpResponseRedirect:
    """A cursor the remote no longer takes (an old link): the same list from its first page."""
    query = request.GET.copy()
    query.pop("cursor", None)
    messages.info(request, "That page of the list is no longer available; here is its first page.")
    return HttpResponseRedirect(f"{request.path}?{query.urlencode()}" if query else request.path)
