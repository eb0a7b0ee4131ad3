"""The view of a delete confirmation: the page on GET, the delete on POST."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html

T = TypeVar("T")


class TypedName(forms.Form):
    """A typed confirmation: the name of what is deleted, typed exactly (spaces around it aside)."""

    confirm = forms.CharField(widget=forms.TextInput(attrs={"autocomplete": "off"}))

    def __init__(self, name: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected = name
        field = self.fields["confirm"]
        field.label = format_html("Type <code>{}</code> to confirm", name)
        field.error_messages["required"] = self.wrong

    @property
    def wrong(self) -> str:
        return f"Type {self.expected} exactly to delete."

    def clean_confirm(self) -> str:
        typed: str = self.cleaned_data["confirm"]
        if typed != self.expected:
            raise forms.ValidationError(self.wrong)
        return typed


def delete_or_confirm(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    delete: Callable[[], T],
    done: str | Callable[[T], str],
    then: str,
    gone: str = "There was nothing to delete: it was already gone.",
    form: forms.Form | None = None,
) -> HttpResponse:
    """GET: the confirmation page. POST: `delete()`, the `done` message, and on to `then` (a URL or its name).

    `done` may be made from what `delete()` returned (a snapshot's Undo link). A `delete()` that returns
    False had nothing to delete: the `gone` message (an error) is said instead, and on to `then` as well.
    With a `form` (a typed confirmation: `TypedName`, bound to the POST), the page shows its fields and
    a POST deletes only when it is valid; otherwise the page again with its errors (400).
    Remote errors of the delete propagate: the middleware shows them and nothing is said to be deleted.
    """
    if form is not None:
        context = {**context, "form": form}
    if request.method != "POST" or (form is not None and not form.is_valid()):
        return render(request, template, context, status=400 if form is not None and form.is_bound else 200)
    deleted = delete()
    if deleted is False:
        messages.error(request, gone)
    else:
        messages.success(request, done if isinstance(done, str) else done(deleted))
    return redirect(then)
