"""CSV import: upload, how to read the file (with a preview), the dry run's report, the import's progress."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.catalogs import tasks
from apps.catalogs.client import CatalogsClient
from apps.catalogs.forms.imports import ReadForm, UploadForm
from apps.catalogs.models import CatalogImport
from apps.catalogs.services import csvfile, imports, restore
from apps.catalogs.services.plan import FATES, Plan, PlanPage
from apps.catalogs.services.workspace import workspace_for
from apps.connections.workspace import Workspace
from apps.core.htmx import HtmxHttpRequest, partial
from apps.jobs import enqueue
from apps.jobs import services as jobs_services
from apps.jobs import tasks as jobs_tasks

EDIT = "catalogs.edit_items"
ROWS_PAGE = 50
FATE_LABELS = {
    "new": "New",
    "changed": "Changed",
    "unchanged": "Unchanged",
    "invalid": "Invalid",
    "delete": "To delete",
}


@require_http_methods(["GET", "POST"])
@permission_required(EDIT, raise_exception=True)
def import_start(request: HtmxHttpRequest, catalog_id: int) -> HttpResponse:
    workspace = workspace_for(request.user)
    with workspace.client() as api:
        catalog = api.get_catalog(catalog_id).data
    form = UploadForm(request.POST or None, request.FILES or None, limit=imports.limit())
    if request.method == "POST" and form.is_valid():
        try:
            imp = imports.upload(workspace, catalog=catalog, file=form.cleaned_data["file"])
        except imports.Refused as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("catalogs:import_detail", pk=imp.pk)
    recent = imports.for_workspace(workspace).filter(catalog_id=catalog_id)[:10]
    context = {"catalog": catalog, "form": form, "recent": recent}
    return render(request, "catalogs/imports/start.html", context)


def _import(workspace: Workspace[CatalogsClient], pk: int) -> CatalogImport:
    return get_object_or_404(imports.for_workspace(workspace), pk=pk)


@require_GET
@permission_required(EDIT, raise_exception=True)
def import_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    workspace = workspace_for(request.user)
    imp = _import(workspace, pk)
    stage = imports.stage(imp)
    context: dict[str, object] = {"imp": imp, "stage": stage, "fate_labels": FATE_LABELS}
    if stage in ("settings", "check_failed"):
        sniffed = imports.sniff(imp)
        form = ReadForm.of(imp, header=sniffed.header)
        form.is_valid()
        context["problem"] = _place(form, imports.problems(imp, form.cleaned_data, sniffed))
        context["sniffed"] = sniffed
        context["encodings"] = {**csvfile.ENCODINGS, **csvfile.TRANSCODED}
        context["delimiters"] = csvfile.DELIMITERS
        context["form"] = form
    if stage == "checked":
        with workspace.client() as api:
            context["stale"] = imports.what_changed(api, imp)
    if stage in ("checked", "importing", "imported"):
        context.update(_report(request, imp))
    if stage in ("importing", "imported"):
        context.update(imports.progress(imp))
    context["job"] = imp.run or imp.dry_run
    if request.user.has_perm(EDIT) and restore.undoable(imp):
        context.update(undoable=True, undo_days=restore.UNDO_DAYS)
    return render(request, partial(request, "catalogs/imports/detail.html"), context)


def _report(request: HtmxHttpRequest, imp: CatalogImport) -> dict[str, object]:
    fate = request.GET.get("fate", "")
    fate = fate if fate in FATES else ""
    counts = imp.counts
    total = counts.get(fate, 0) if fate else counts.get("rows", 0)
    plan = Plan(imports.folder_of(imp) / "plan.sqlite")
    rows = PlanPage(plan, fate or None, total)  # sliced and measured: all that Paginator does with it
    pager = Paginator[dict[str, Any]](rows, ROWS_PAGE)  # type: ignore[arg-type]  # the stub wants a Sequence
    page = pager.get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    plan.close()
    tabs = [(f, FATE_LABELS[f], counts.get(f, 0)) for f in FATES if f != "delete" or imp.reconcile]
    return {"fate": fate, "page": page, "tabs": tabs}


def _place(form: ReadForm, problems: dict[str, str]) -> str:
    """Put each problem beside the choice to change; returns the one about the file itself ('')."""
    for name, message in problems.items():
        field = "first_row" if name == "has_header" else name
        if field and not form.has_error(field):
            form.add_error(field, message)
    return problems.get("", "")


def _posted(imp: CatalogImport, data: QueryDict) -> tuple[ReadForm, csvfile.Sniffed]:
    """The read form as posted, its columns those of the file read with the posted encoding, delimiter
    and header row (a value that is not one of the choices reads as stored, and the form refuses it)."""
    encoding, delimiter = data.get("encoding", ""), data.get("delimiter", "")
    sniffed = imports.sniff(
        imp,
        encoding=encoding if encoding in csvfile.ENCODINGS else "",
        delimiter=delimiter if delimiter in csvfile.DELIMITERS else "",
        header=data.get("first_row", "") != "data",
    )
    return ReadForm(data, header=sniffed.header), sniffed


@require_GET
@permission_required(EDIT, raise_exception=True)
def import_status(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    imp = _import(workspace_for(request.user), pk)
    stage = imports.stage(imp)
    if stage != request.GET.get("stage", stage) or stage == "checked":
        return HttpResponse(headers={"HX-Refresh": "true"})  # the page has more to show now
    context: dict[str, object] = {"imp": imp, "stage": stage, "job": imp.run or imp.dry_run}
    if stage in ("importing", "imported"):
        context.update(imports.progress(imp))
    return render(request, "catalogs/imports/detail.html#status", context)


@require_POST
@permission_required(EDIT, raise_exception=True)
def import_check(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """'Preview again' saves how to read the file; 'Run the dry run' also queues the dry run. Every choice
    that is one of the offered values is saved as posted, so the page shows the file read that way."""
    workspace = workspace_for(request.user)
    imp = _import(workspace, pk)
    if imports.stage(imp) in ("checking", "importing", "imported"):
        messages.error(request, "The settings stay as they are while the dry run or the import runs.")
        return redirect("catalogs:import_detail", pk=pk)
    form, sniffed = _posted(imp, request.POST)
    valid = form.is_valid()
    imports.save_choices(imp, form.cleaned_data)  # the fields refused keep their stored value
    if "preview" in request.POST:
        return redirect("catalogs:import_detail", pk=pk)
    problems = imports.problems(imp, form.cleaned_data, sniffed) if valid else {}
    refusals = [str(e) for errs in form.errors.values() for e in errs] + list(problems.values())
    if refusals:
        messages.error(request, "The dry run did not start: " + " ".join(refusals))
        return redirect("catalogs:import_detail", pk=pk)
    try:
        job = imports.start_dry_run(
            workspace, imp=imp, choices=form.cleaned_data, task_name=tasks.check_import.name
        )
    except jobs_services.JobFailed as exc:
        messages.error(request, str(exc))
        return redirect("catalogs:import_detail", pk=pk)
    enqueue.send(tasks.check_import, job.pk)
    return redirect("catalogs:import_detail", pk=pk)


@require_POST
@permission_required(EDIT, raise_exception=True)
def import_run(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    workspace = workspace_for(request.user)
    imp = _import(workspace, pk)
    try:
        job = imports.start_import(workspace, imp=imp, task_name=tasks.run_import.name)
    except imports.Stale as exc:
        messages.error(request, str(exc))
        return redirect("catalogs:import_detail", pk=pk)
    enqueue.send(tasks.run_import, job.pk)
    return redirect("catalogs:import_detail", pk=pk)


@require_POST
@permission_required(EDIT, raise_exception=True)
def import_undo(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Take the import back, as a job (Operations follows it; its log says what was left alone)."""
    workspace = workspace_for(request.user)
    imp = _import(workspace, pk)
    if not restore.undoable(imp):
        messages.error(
            request,
            "This import cannot be taken back: it did not finish, was taken back, or is over 7 days old.",
        )
        return redirect("catalogs:import_detail", pk=pk)
    job = restore.start_undo(workspace, imp=imp, task_name=tasks.undo_import.name)
    enqueue.send(tasks.undo_import, job.pk)
    messages.success(request, "Taking the import back: its progress is under Operations.")
    return redirect("jobs:detail", pk=job.pk)


@require_POST
@permission_required(EDIT, raise_exception=True)
def import_again(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Back to the settings of a checked import, to change them and run the dry run again."""
    imp = _import(workspace_for(request.user), pk)
    imports.reopen(imp)
    return redirect("catalogs:import_detail", pk=pk)


@require_POST
@permission_required(EDIT, raise_exception=True)
def import_cancel(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    imp = _import(workspace_for(request.user), pk)
    job = imp.run or imp.dry_run
    if job is None:
        raise Http404
    jobs_services.cancel_job(job, user=request.user)
    if imp.run is None:
        messages.success(request, "Stopping the dry run: nothing was written to the catalog.")
    else:
        messages.success(request, "Stopping: batches under way finish, the rest wait until you retry.")
    return redirect("catalogs:import_detail", pk=pk)


@require_POST
@permission_required(EDIT, raise_exception=True)
def import_retry(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    job = _import(workspace_for(request.user), pk).run
    if job is not None and jobs_tasks.retry(job, user=request.user):
        messages.success(request, "Queued again: the failed batches and the ones not yet sent.")
    else:
        messages.warning(request, "Only an import that failed or was cancelled can be retried.")
    return redirect("catalogs:import_detail", pk=pk)


@require_GET
@permission_required(EDIT, raise_exception=True)
def import_bad_rows(request: HtmxHttpRequest, pk: int) -> FileResponse:
    imp = _import(workspace_for(request.user), pk)
    path = imports.folder_of(imp) / "bad-rows.csv"
    if imports.stage(imp) not in ("checked", "importing", "imported") or not path.exists():
        raise Http404("The dry run has not finished.")
    name = imp.filename.rsplit(".", 1)[0] + "-bad-rows.csv"
    return FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type="text/csv")
