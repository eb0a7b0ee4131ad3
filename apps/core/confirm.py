"""The view of a delete confirmation: the page on GET, the delete on POST."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


def delete_or_confirm(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    delete: Callable[[], object],
    done: str,
    then: str,
) -> HttpResponse:
    """GET: the confirmation page. POST: `delete()`, the `done` message, and on to `then` (a URL or its name).

    Remote errors of the delete propagate: the middleware shows them and nothing is said to be deleted.
    """
    if request.method != "POST":
        return render(request, template, context)
    delete()
    messages.success(request, done)
    return redirect(then)
