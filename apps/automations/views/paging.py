"""A cursor page of the flows API (§6) as the shared list includes read a page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect


@dataclass
class CursorList:
    """Shaped for `includes/list_results.html`; Previous/Next carry the remote cursors in the URL."""

    items: list[Any]
    previous: str | None
    next: str | None
    total: int | None

    @classmethod
    def of(cls, page: Any) -> CursorList:
        return cls(page.items, page.previous_page, page.next_page, page.total)

    @property
    def object_list(self) -> list[Any]:
        return self.items

    def __iter__(self) -> Any:
        return iter(self.items)

    def has_other_pages(self) -> bool:
        return False  # includes/pagination.html numbers pages; cursor_pages.html links them instead


def cursor_of(request: HttpRequest) -> str | None:
    return request.GET.get("cursor", "")[:2000] or None


def first_page(request: HttpRequest) -> HttpResponseRedirect:
    """A cursor the service no longer takes (an old link): the same list from its first page."""
    query = request.GET.copy()
    query.pop("cursor", None)
    messages.info(request, "That page of the list is no longer available; here is its first page.")
    return HttpResponseRedirect(f"{request.path}?{query.urlencode()}" if query else request.path)
