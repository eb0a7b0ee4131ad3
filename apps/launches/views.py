"""Launches: the list, a launch's page (its stages and steps with their verdicts, approval, run and
rollback), the launch form, and adding a step from where its target is."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from apps.connections import services as connections
from apps.core.htmx import HtmxHttpRequest, partial, safe_next
from apps.core.http import ApiError, ApiNotFound
from apps.core.models import AuditEntry
from apps.core.paging import LOCAL_PAGE_SIZE
from apps.jobs import steps
from apps.launches.forms import AddStepForm, LaunchForm
from apps.launches.models import Launch, LaunchAction, Step
from apps.launches.services import launches, moment, running

VIEW, PLAN, APPROVE = "launches.view_launches", "launches.plan_launches", "launches.approve_launches"


@require_http_methods(["GET", "POST"])
@permission_required(VIEW, raise_exception=True)
@vary_on_headers("HX-Request")
def launch_list(request: HtmxHttpRequest) -> HttpResponse:
    connection = connections.current_workspace(request.user)
    may_set = request.user.has_perm("connections.change_connection")
    if request.method == "POST":
        if not may_set or connection is None:
            raise PermissionDenied
        needs = request.POST.get("needs_approval") == "on"
        launches.set_policy(_person(request), connection, needs_approval=needs)
        messages.success(
            request, "Launches here now need approval." if needs else "Launches here go without approval."
        )
        return redirect("launches:list")
    rows = (
        launches.in_workspace(request.user).annotate(step_count=Count("steps")).order_by("-created_at", "-pk")
    )
    context = {
        "page": Paginator(rows, LOCAL_PAGE_SIZE).get_page(request.GET.get("page")),
        "needs_approval": connection is not None and launches.needs_approval(connection),
        "may_set": may_set,
    }
    return render(request, partial(request, "launches/list.html"), context)


@require_http_methods(["GET", "POST"])
@permission_required(PLAN, raise_exception=True)
def launch_new(request: HtmxHttpRequest) -> HttpResponse:
    form = LaunchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        launch = launches.create_launch(_person(request), **form.cleaned_data)
        messages.success(
            request, f"{launch.name} planned. Add its steps from here or from the things it changes."
        )
        return redirect(launch)
    return render(
        request, "launches/form.html", {"form": form}, status=400 if request.method == "POST" else 200
    )


@require_http_methods(["GET", "POST"])
@permission_required(PLAN, raise_exception=True)
def launch_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    launch = _launch(request, pk)
    if not launch.editable:
        messages.error(
            request, f"{launch.name} is {launch.get_state_display().lower()}: it can no longer change."
        )
        return redirect(launch)
    form = LaunchForm(request.POST or None, instance=Launch.objects.get(pk=launch.pk))
    if request.method == "POST" and form.is_valid():
        launches.change_launch(_person(request), launch, **form.cleaned_data)
        messages.success(request, f"{launch.name} saved.")
        return redirect(launch)
    context = {"form": form, "launch": launch}
    return render(request, "launches/form.html", context, status=400 if request.method == "POST" else 200)


@require_GET
@permission_required(VIEW, raise_exception=True)
def launch_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    launch = _launch(request, pk)
    rows = list(launch.steps.select_related("added_by"))
    stages: dict[int, list[dict[str, Any]]] = {}
    for step in rows:
        kind = steps.KINDS.get(step.kind)
        stages.setdefault(step.stage, []).append(
            {
                "step": step,
                "what": kind.describe(step.target) if kind else step.kind,
                "system": kind.system if kind else "",
                "final": kind.final if kind else "",
                "may_change": kind is not None and request.user.has_perm(kind.permission),
            }
        )
    approval = launches.approval(launch)
    open_actions = list(launch.actions.filter(state__in=LaunchAction.OPEN).order_by("run_at"))
    may_plan = request.user.has_perm(PLAN) and not running.busy(launch) and bool(rows)
    tally = Counter(step.state for step in rows)
    context = {
        "launch": launch,
        "stages": sorted(stages.items()),
        "approval": approval,
        "refusal": launches.may_approve(_person(request), launch),
        "open_actions": open_actions,
        "may_plan": request.user.has_perm(PLAN),
        # what the person may ask for now (start, retry, continue, roll back)
        "may": {action: may_plan and not running.refusal(launch, action) for action in running.ASKED},
        "conflicts": launches.conflicts(request.user, launch) if launch.editable else [],
        "places": _places(request.user),
        "ready": sum(1 for step in rows if step.ready),
        "blocked": sum(1 for step in rows if step.ready is False),
        # once it has started, where its steps are: "2 done · 1 waiting"
        "tally": [f"{tally[state]} {state.label.lower()}" for state in Step.State if tally[state]],
        "history": AuditEntry.objects.filter(target_type="launch", target_id=str(launch.pk)).select_related(
            "user"
        )[:50],
    }
    return render(request, "launches/detail.html", context)


@require_GET
@permission_required(VIEW, raise_exception=True)
def launch_preview(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """What people will read differently after the launch, beside what they read now."""
    launch = _launch(request, pk)
    shown, more = moment.moment(request.user, launch) if launch.editable else ([], 0)
    return render(request, "launches/preview.html", {"launch": launch, "moments": shown, "more": more})


@require_POST
@permission_required(PLAN, raise_exception=True)
def launch_check(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    launch = _launch(request, pk)
    checked = launches.check(_person(request), launch)
    blocked = [step for step in checked if not step.ready]
    if blocked:
        messages.warning(request, f"{len(blocked)} of {len(checked)} steps cannot run now: see why below.")
    else:
        messages.success(request, f"All {len(checked)} steps can run.")
    return redirect(launch)


@require_POST
@permission_required(APPROVE, raise_exception=True)
def launch_approve(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    launch = _launch(request, pk)
    refused = launches.may_approve(_person(request), launch)
    if refused:
        messages.error(request, refused)
    else:
        launches.approve(_person(request), launch)
        messages.success(request, f"{launch.name} approved as it is now.")
    return redirect(launch)


@require_POST
@permission_required(PLAN, raise_exception=True)
def launch_go(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Start now, retry the failed step, continue past it, or roll back."""
    launch = _launch(request, pk)
    try:
        said = running.ask(_person(request), launch, request.POST.get("action", ""))
    except running.NotNow as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, said)
    return redirect(launch)


@require_http_methods(["GET", "POST"])
@permission_required(PLAN, raise_exception=True)
def step_add(request: HtmxHttpRequest) -> HttpResponse:
    """Add a step for the thing named in the query (from its page's "Add to launch…")."""
    kind = steps.KINDS.get(request.GET.get("kind", ""))
    if kind is None:
        raise Http404("No such kind of step")
    if not request.user.has_perm(kind.permission):
        raise PermissionDenied
    params = {key: value for key, value in request.GET.items() if key not in ("kind", "next")}
    connection = connections.connection_for(request.user, kind.connection_kind)
    workspace = kind.workspace(request.user, connection, params)
    try:
        if "filter" in params and kind.pick_filter is not None:
            group = kind.pick_filter(workspace, params)
        else:
            target = kind.pick(workspace, params)
            group = steps.Group(kind.describe(target), [target])
    except (KeyError, ApiNotFound) as exc:
        raise Http404("Nothing to add") from exc
    except steps.Refused as exc:
        messages.error(request, str(exc))
        return redirect(safe_next(request, reverse("launches:list")))
    planned = (
        launches.in_workspace(request.user)
        .filter(state__in=Launch.EDITABLE)
        .annotate(last_stage=Coalesce(Max("steps__stage"), 0))
    )
    form = AddStepForm(request.POST or None, launches=planned, initial={"stage": 1})
    if request.method == "POST" and form.is_valid() and group.targets:
        launch = form.cleaned_data["launch"]
        added = launches.add_steps(
            _person(request),
            launch,
            kind=kind.key,
            targets=group.targets,
            connection=connection,
            stage=form.cleaned_data["stage"],
        )
        blocked = [step for step in added if not step.ready]
        if len(added) == 1:
            said = f"Added to {launch.name}: {group.said}. {added[0].verdict}"
        else:
            cannot = f" {len(blocked)} of them cannot run now: see their reasons below." if blocked else ""
            said = f"Added to {launch.name}: {group.said}, a step each.{cannot}"
        (messages.warning if blocked else messages.success)(request, said)
        return redirect(launch)
    context = {
        "kind": kind,
        "what": group.said,
        "count": len(group.targets),
        "form": form,
        "back": safe_next(request, ""),
    }
    return render(request, "launches/add_step.html", context, status=400 if request.method == "POST" else 200)


@require_POST
@permission_required(PLAN, raise_exception=True)
def step_remove(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    step = _step(request, pk)
    try:
        launches.remove_step(_person(request), step)
    except launches.NotEditable as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Removed: {launches.describe(step)}.")
    return redirect(step.launch)


@require_POST
@permission_required(PLAN, raise_exception=True)
def step_renew(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Point the step at its target as it is now (a draft saved since it was chosen)."""
    step = _step(request, pk)
    kind = steps.kind(step.kind)
    try:
        target = kind.pick(kind.workspace(request.user, step.connection, step.target), step.target)
    except (ApiError, steps.Refused) as exc:
        said = exc.message if isinstance(exc, ApiError) else str(exc)
        messages.error(request, f"{launches.describe(step)}: {said}")
        return redirect(step.launch)
    try:
        launches.renew_step(_person(request), step, target)
    except launches.NotEditable as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Now: {kind.describe(target)}. {step.verdict}")
    return redirect(step.launch)


def _places(user: Any) -> list[tuple[str, list[tuple[str, str]]]]:
    """Where the person finds what they may add: by area, each list's URL with its kinds of step in words."""
    places: dict[str, list[str]] = {}
    systems: dict[str, str] = {}
    for kind in steps.KINDS.values():
        if kind.found_at and user.has_perm(kind.permission):
            places.setdefault(kind.found_at, []).append(kind.label[:1].lower() + kind.label[1:])
            systems[kind.found_at] = kind.system
    areas: dict[str, list[tuple[str, str]]] = {}
    for name, labels in places.items():
        areas.setdefault(systems[name], []).append((reverse(name), ", ".join(labels)))
    return sorted(areas.items())


def _person(request: HtmxHttpRequest) -> User:
    if not isinstance(request.user, User):  # every view here needs a permission, so a signed-in person
        raise PermissionDenied
    return request.user


def _launch(request: HtmxHttpRequest, pk: int) -> Launch:
    launch: Launch = get_object_or_404(launches.in_workspace(request.user), pk=pk)
    return launch


def _step(request: HtmxHttpRequest, pk: int) -> Step:
    step: Step = get_object_or_404(
        Step.objects.select_related("launch", "connection"),
        pk=pk,
        launch__in=launches.in_workspace(request.user),
    )
    if not request.user.has_perm(steps.kind(step.kind).permission):
        raise PermissionDenied
    return step
