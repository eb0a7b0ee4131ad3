"""Recently deleted records: each can be re-created from its snapshot for seven days."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from apps.content import services
from apps.content.models import DeletedRecord
from apps.core.htmx import HtmxHttpRequest


@require_GET
@permission_required("content.view_content", raise_exception=True)
def deleted_list(request: HtmxHttpRequest) -> HttpResponse:
    recent = DeletedRecord.objects.filter(deleted_at__gte=timezone.now() - DeletedRecord.KEEP)
    context = {
        "page": Paginator(recent.select_related("deleted_by"), 50).get_page(request.GET.get("page")),
        "can_undo": request.user.has_perm("content.publish_content"),
    }
    return render(request, "content/deleted_list.html", context)


@require_POST
@permission_required("content.publish_content", raise_exception=True)
def deleted_undo(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    deleted = get_object_or_404(DeletedRecord, pk=pk)
    try:
        record = services.undo_delete(request.user, deleted)
    except services.UndoExpired as exc:
        messages.error(request, str(exc))
        return redirect("deleted:list")
    messages.success(request, f"{record.name} is back.")
    return redirect("content:record", app_id=deleted.app_id, record_id=record.id)
