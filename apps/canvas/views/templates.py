"""Workflow templates: the list, and one template's chain of blocks with what each needs."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.canvas.services import workflows
from apps.canvas.services.workspace import workspace_for
from apps.core.htmx import HtmxHttpRequest
from apps.core.threads import at_once


@require_GET
@permission_required("canvas.view_integrations", raise_exception=True)
def template_list(request: HtmxHttpRequest) -> HttpResponse:
    workspace = workspace_for(request.user)
    with workspace.client() as api:
        listed, known = at_once(api.list_templates, api.list_applications)
    templates = sorted(listed, key=lambda t: t.name.lower())
    catalogue = {a.short_name: a.name for a in known}
    rows = [
        (template, [catalogue.get(name, name) for name in template.applications]) for template in templates
    ]
    return render(
        request, "canvas/templates/list.html", {"workspace": workspace, "tab": "templates", "rows": rows}
    )


@require_GET
@permission_required("canvas.view_integrations", raise_exception=True)
def template_detail(request: HtmxHttpRequest, template_id: str) -> HttpResponse:
    workspace = workspace_for(request.user)
    with workspace.client() as api:
        by_id, known = at_once(lambda: workflows.templates_by_id(api), api.list_applications)
    template = by_id.get(template_id)
    catalogue = {a.short_name: a.name for a in known}
    if template is None:
        raise Http404("No such template")
    context = {
        "template": template,
        "blocks": workflows.blocks_of(template.chain),
        "application_names": [catalogue.get(name, name) for name in template.applications],
    }
    return render(
        request, "canvas/templates/detail.html", {"workspace": workspace, "tab": "templates", **context}
    )
