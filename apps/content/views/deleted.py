"""Recently deleted records: each can be re-created from its snapshot for seven days."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from apps.content.services import deleted
from apps.content.services.workspace import workspace_for
from apps.core.htmx import HtmxHttpRequest, partial
from apps.core.paging import LOCAL_PAGE_SIZE


@require_GET
@permission_required("content.view_content", raise_exception=True)
@vary_on_headers("HX-Request")
def deleted_list(request: HtmxHttpRequest) -> HttpResponse:
    workspace = workspace_for(request.user)
    recent = deleted.recently_deleted(workspace).select_related("deleted_by")
    context = {
        "page": Paginator(recent, LOCAL_PAGE_SIZE).get_page(request.GET.get("page")),
        "can_undo": request.user.has_perm("content.publish_content"),
    }
    return render(request, partial(request, "content/deleted/list.html"), context)


@require_POST
@permission_required("content.publish_content", raise_exception=True)
def deleted_undo(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    workspace = workspace_for(request.user)
    snapshot = get_object_or_404(deleted.recently_deleted(workspace), pk=pk)
    try:
        record = deleted.undo_delete(workspace, deleted=snapshot)
    except deleted.UndoExpired as exc:
        messages.error(request, str(exc))
        return redirect("content:deleted")
    messages.success(request, f"{record.name} is back.")
    return redirect("content:record", app_id=snapshot.app_id, record_id=record.id)
