from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """The request type of every view: django-htmx sets `request.htmx`."""

    htmx: HtmxDetails


def partial(request: HtmxHttpRequest, template: str, name: str = "results") -> str:
    """The template to render: only its `name` partial when htmx swaps part of the page.

    A boosted request (a link or form htmx took over) still wants the whole page.
    """
    return f"{template}#{name}" if request.htmx and not request.htmx.boosted else template
