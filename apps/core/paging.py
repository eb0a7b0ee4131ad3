"""Remote lists shown one page at a time, and the page sizes of every list in one place."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

PAGE_SIZE = 25  # rows of a list screen
LOCAL_PAGE_SIZE = 50  # rows of a list of our own rows (jobs, audit, recently deleted)
REMOTE_PAGE_MAX = 1000  # the most a background job asks for in one call (docs/api-decisions.md)


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


def page_number(request: HttpRequest) -> int:
    """The `page` query parameter as a number from 1; anything else is page 1."""
    value = request.GET.get("page", "1")
    return max(1, int(value)) if value.isdigit() else 1
