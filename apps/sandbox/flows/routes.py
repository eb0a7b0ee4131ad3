"""The 11 operations of the flows API (flows.md §2). Choices the doc leaves open: docs/api-decisions.md."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router
from ninja.errors import HttpError, ValidationError

from apps.sandbox.flows import wire
from apps.sandbox.flows.models import Flow, FlowEntity, Suggestion
from apps.sandbox.flows.wire import cursor_page, flow_out, invalid, suggestion_out

router = Router()

FLOW_COLUMNS = {"id", "title", "type", "isActive"}


def _who(request: HttpRequest) -> str:
    name: str = getattr(request, "auth", None).name  # type: ignore[union-attr]  # ninja's auth set it
    return name


def _flow(id_: str) -> Flow:
    flow = Flow.objects.filter(pk=id_).first()
    if flow is None:
        raise HttpError(404, "Not Found")
    return flow


def _suggestion(id_: str) -> Suggestion:
    suggestion = Suggestion.objects.filter(pk=id_).first()
    if suggestion is None:
        raise HttpError(404, "Not Found")
    return suggestion


@router.get("/flows", response=wire.FlowPage, summary="Get Flows")
def list_flows(request: HttpRequest, params: Query[wire.FlowFilters]) -> dict[str, Any]:
    flows = Flow.objects.all()
    if params.type:
        flows = flows.filter(type=params.type)
    if params.isActive is not None:
        flows = flows.filter(is_active=params.isActive)
    return cursor_page(flows, at=params.cursor, size=params.size, out=flow_out)


@router.post("/flows", response=wire.FlowOut, summary="Create Flow")
def create_flow(request: HttpRequest, payload: wire.FlowIn) -> dict[str, Any]:
    flow = Flow(created_by=_who(request))
    _fill_flow(flow, payload, _who(request))
    try:
        with transaction.atomic():
            flow.save(force_insert=True)
    except IntegrityError:
        raise HttpError(409, f"Flow {payload.id} already exists") from None
    return flow_out(flow)


@router.get("/flows/{id_}", response=wire.FlowOut, summary="Get Flow")
def get_flow(request: HttpRequest, id_: str) -> dict[str, Any]:
    return flow_out(_flow(id_))


@router.put("/flows/{id_}", response=wire.FlowOut, summary="Upsert Flow")
def upsert_flow(request: HttpRequest, id_: str, payload: wire.FlowIn) -> dict[str, Any]:
    if payload.id != id_:
        raise invalid("body", "id", "must be the id in the path")
    with transaction.atomic():
        flow = Flow.objects.select_for_update().filter(pk=id_).first() or Flow(created_by=_who(request))
        _fill_flow(flow, payload, _who(request))  # a full replacement: what was not sent is gone
        flow.save()
    return flow_out(flow)


@router.delete("/flows/{id_}", response=None, summary="Delete Flow")
def delete_flow(request: HttpRequest, id_: str) -> None:
    _flow(id_).delete()


def _fill_flow(flow: Flow, payload: wire.FlowIn, who: str) -> None:
    _check_action_ids(payload)
    flow.id, flow.title, flow.type, flow.is_active = payload.id, payload.title, payload.type, payload.isActive
    flow.data = payload.model_dump(mode="json", exclude=FLOW_COLUMNS)
    flow.updated_by = who


def _check_action_ids(payload: wire.FlowIn) -> None:
    """An action's id names it within its flow (§3.7, inferred), so two actions can't share one."""
    seen: set[str] = set()
    problems = []
    for n, action in enumerate(payload.actions or []):
        if action.id is None:
            continue
        if action.id in seen:
            message = "Action ids must be unique within a flow"
            problems.append({"loc": ("body", "actions", n, "id"), "msg": message, "type": "value_error"})
        seen.add(action.id)
    if problems:
        raise ValidationError(problems)


@router.get("/suggestions", response=wire.SuggestionPage, summary="Get Suggestions")
def list_suggestions(request: HttpRequest, params: Query[wire.SuggestionFilters]) -> dict[str, Any]:
    suggestions = Suggestion.objects.all()
    if params.originId:
        suggestions = suggestions.filter(data__originId=params.originId)
    return cursor_page(suggestions, at=params.cursor, size=params.size, out=suggestion_out)


@router.post("/suggestions", response=wire.SuggestionOut, summary="Create Suggestion")
def create_suggestion(request: HttpRequest, payload: wire.SuggestionIn) -> dict[str, Any]:
    suggestion = Suggestion(id=payload.id or str(uuid.uuid4()), created_by=_who(request))
    _fill_suggestion(suggestion, payload, _who(request))
    try:
        with transaction.atomic():
            suggestion.save(force_insert=True)
    except IntegrityError:
        raise HttpError(409, f"Suggestion {payload.id} already exists") from None
    return suggestion_out(suggestion)


@router.get("/suggestions/{id_}", response=wire.SuggestionOut, summary="Get Suggestion")
def get_suggestion(request: HttpRequest, id_: str) -> dict[str, Any]:
    return suggestion_out(_suggestion(id_))


@router.put("/suggestions/{id_}", response=wire.SuggestionOut, summary="Upsert Suggestion")
def upsert_suggestion(request: HttpRequest, id_: str, payload: wire.SuggestionIn) -> dict[str, Any]:
    if payload.id is not None and payload.id != id_:
        raise invalid("body", "id", "must be the id in the path")
    with transaction.atomic():
        suggestion = Suggestion.objects.select_for_update().filter(pk=id_).first() or Suggestion(
            id=id_, created_by=_who(request)
        )
        _fill_suggestion(suggestion, payload, _who(request))
        suggestion.save()
    return suggestion_out(suggestion)


@router.delete("/suggestions/{id_}", response=None, summary="Delete Suggestion")
def delete_suggestion(request: HttpRequest, id_: str) -> None:
    _suggestion(id_).delete()


def _fill_suggestion(suggestion: Suggestion, payload: wire.SuggestionIn, who: str) -> None:
    suggestion.title = payload.title
    suggestion.data = payload.model_dump(mode="json", exclude={"id", "title", "lastAppliedAt"})
    if payload.lastAppliedAt is not None:  # an apply's stamp: a body without it does not erase it
        suggestion.last_applied_at = wire.aware(payload.lastAppliedAt)
    suggestion.updated_by = who


@router.post("/suggestions/{id_}/apply", response=wire.ApplyResult, summary="Apply Suggestion")
def apply_suggestion(
    request: HttpRequest, id_: str, payload: wire.ApplyIn | None = None, dryRun: bool = False
) -> dict[str, Any]:
    """Write the suggestion's `data` over its target's state: the body's override, the stored one, the id."""
    with transaction.atomic():
        suggestion = Suggestion.objects.select_for_update().filter(pk=id_).first()
        if suggestion is None:
            raise HttpError(404, "Not Found")
        stored = suggestion.data
        target_id = (
            (payload and payload.targetIdOverride) or stored.get("targetIdOverride") or stored["targetId"]
        )
        entity = FlowEntity.objects.select_for_update().filter(pk=target_id).first()
        before = entity.state if entity else None
        if stored.get("ignored"):
            return {"dryRun": dryRun, "ignored": True, "previousState": before, "newState": before}
        change = stored.get("data")
        after = (
            before if change is None else {**(before or {}), **change} if isinstance(change, dict) else change
        )
        if not dryRun:
            if after is not None:
                FlowEntity.objects.update_or_create(pk=target_id, defaults={"state": after})
            suggestion.last_applied_at = timezone.now()
            suggestion.save(update_fields=["last_applied_at"])
    return {"dryRun": dryRun, "ignored": False, "previousState": before, "newState": after}
