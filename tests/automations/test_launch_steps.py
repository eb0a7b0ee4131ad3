"""Launch steps of workflows and flows (apps.automations.services.steps) against the sandbox: verdicts in
words, a step that acts once, an undo that pauses rather than stops and leaves a later change alone, and a
suggestion applied once, as it was when added, with no undo."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from apps.automations.client import FlowsClient, SuggestionInput, WorkflowsClient
from apps.automations.services import flows
from apps.automations.services.steps import (
    ACTIVATE,
    APPLY,
    DEACTIVATE,
    PAUSE,
    RESUME,
    flow_target,
    workflow_target,
)
from apps.connections import services as connections
from apps.connections.models import Connection
from apps.core.http import ApiValidationError
from apps.core.models import AuditEntry
from apps.jobs import steps
from apps.jobs.steps import Refused
from apps.sandbox.models import FlowEntity


@pytest.fixture
def wf(demo: dict[str, Connection]) -> Iterator[WorkflowsClient]:
    with WorkflowsClient(connections.http_for(demo["synerise"])) as client:
        yield client


@pytest.fixture
def fl(demo: dict[str, Connection]) -> Iterator[FlowsClient]:
    with FlowsClient(connections.http_for(demo["flows"])) as client:
        yield client


def target(wf: WorkflowsClient, name: str) -> dict[str, Any]:
    (workflow,) = [w for w in wf.list_workflows(search=name).data if w.name == name]
    return workflow_target(workflow)


def status(wf: WorkflowsClient, name: str) -> str:
    (workflow,) = [w for w in wf.list_workflows(search=name).data if w.name == name]
    return workflow.status


def test_a_resume_step_runs_a_paused_workflow_once_and_its_undo_pauses_it_again(
    olive: User, demo: dict[str, Connection], wf: WorkflowsClient
) -> None:
    step, kind, synerise = target(wf, "Spring promotion"), steps.kind(RESUME), demo["synerise"]
    ws = kind.workspace(olive, synerise, step)
    assert kind.check(ws, step) == steps.Verdict(True, "It is paused now and will run.")
    was = kind.before(ws, step)
    done = kind.perform(ws, step)
    assert (was, done.said, status(wf, "Spring promotion")) == (
        {"status": "Paused"},
        "Running (it was paused).",
        "Active",
    )
    assert kind.perform(ws, step).said == "Nothing to do: it was running already."
    assert AuditEntry.objects.filter(action="workflow.resume", user=olive).count() == 1
    undone = kind.undo(ws, step, was, done.after)  # type: ignore[misc]
    assert undone.said == "Paused (it was paused before the launch; a rollback never stops one)."
    assert status(wf, "Spring promotion") == "Paused"


def test_a_draft_run_by_a_launch_is_paused_not_stopped_when_taken_back(
    olive: User, demo: dict[str, Connection], wf: WorkflowsClient
) -> None:
    step, kind, synerise = target(wf, "Winback campaign"), steps.kind(RESUME), demo["synerise"]
    ws = kind.workspace(olive, synerise, step)
    was = kind.before(ws, step)
    done = kind.perform(ws, step)
    kind.undo(ws, step, was, done.after)  # type: ignore[misc]
    assert (was["status"], status(wf, "Winback campaign")) == ("Draft", "Paused")


def test_a_stopped_workflow_cannot_be_resumed(
    olive: User, demo: dict[str, Connection], wf: WorkflowsClient
) -> None:
    step, kind, synerise = target(wf, "Old newsletter"), steps.kind(RESUME), demo["synerise"]
    ws = kind.workspace(olive, synerise, step)
    verdict = kind.check(ws, step)
    assert verdict == steps.Verdict(
        False, "Old newsletter is stopped, and a stopped workflow cannot run again."
    )
    with pytest.raises(Refused):
        kind.perform(ws, step)


def test_a_pause_step_and_its_undo_leave_alone_a_workflow_someone_paused_and_resumed_since(
    olive: User, demo: dict[str, Connection], wf: WorkflowsClient
) -> None:
    step, kind, synerise = target(wf, "Welcome journey"), steps.kind(PAUSE), demo["synerise"]
    ws = kind.workspace(olive, synerise, step)
    assert kind.check(ws, step).reason == "It is running now and will be paused."
    was = kind.before(ws, step)
    done = kind.perform(ws, step)
    assert (done.said, status(wf, "Welcome journey")) == ("Paused.", "Paused")
    assert kind.perform(ws, step).said == "Nothing to do: it was paused."
    wf.run_workflow(step["workflow"])  # someone resumed it by hand after the launch
    wf.pause_workflow(step["workflow"])
    wf.stop_workflow(step["workflow"])
    undone = kind.undo(ws, step, was, done.after)  # type: ignore[misc]
    assert undone == steps.Undone("Left alone: it became stopped after the launch.", left_alone=True)
    assert status(wf, "Welcome journey") == "Stopped"


def test_undoing_a_pause_runs_the_workflow_again(
    olive: User, demo: dict[str, Connection], wf: WorkflowsClient
) -> None:
    step, kind, synerise = target(wf, "Welcome journey"), steps.kind(PAUSE), demo["synerise"]
    ws = kind.workspace(olive, synerise, step)
    was = kind.before(ws, step)
    done = kind.perform(ws, step)
    undone = kind.undo(ws, step, was, done.after)  # type: ignore[misc]
    assert (undone.said, status(wf, "Welcome journey")) == ("Running again, as before the launch.", "Active")


def test_a_flow_switched_on_by_a_launch_once_is_switched_off_again_by_its_undo(
    olive: User, demo: dict[str, Connection], fl: FlowsClient
) -> None:
    off = next(flow for flow in fl.list_flows(size=100).items if not flow.is_active)
    step, kind, flows_api = flow_target(off.id, off.title), steps.kind(ACTIVATE), demo["flows"]
    ws = kind.workspace(olive, flows_api, step)
    assert kind.check(ws, step).reason == "It is off now and will be switched on."
    was = kind.before(ws, step)
    done = kind.perform(ws, step)
    assert (done.said, fl.get_flow(off.id).is_active) == ("Switched on.", True)
    assert kind.perform(ws, step).said == "Nothing to do: it was on."
    assert AuditEntry.objects.filter(action="flow.activate", user=olive).count() == 1
    undone = kind.undo(ws, step, was, done.after)  # type: ignore[misc]
    assert (undone.said, fl.get_flow(off.id).is_active) == (
        "Switched off again, as before the launch.",
        False,
    )


def test_undoing_a_switch_off_of_a_flow_switched_on_again_by_hand_does_nothing(
    olive: User, demo: dict[str, Connection], fl: FlowsClient
) -> None:
    on = next(flow for flow in fl.list_flows(size=100).items if flow.is_active)
    step, kind, flows_api = flow_target(on.id, on.title), steps.kind(DEACTIVATE), demo["flows"]
    ws = kind.workspace(olive, flows_api, step)
    was = kind.before(ws, step)
    done = kind.perform(ws, step)
    fl.upsert_flow(flows.input_of(fl.get_flow(on.id)).model_copy(update={"is_active": True}))  # by hand
    undone = kind.undo(ws, step, was, done.after)  # type: ignore[misc]
    assert undone.said == "Nothing to do: it is on, as before the launch."
    assert AuditEntry.objects.filter(action="flow.activate").count() == 0


def applying(olive: User, demo: dict[str, Connection], **params: str) -> tuple[Any, steps.StepKind, Any]:
    """The target of applying a suggestion as it is now, its kind and Olive's flows workspace."""
    kind = steps.kind(APPLY)
    ws = kind.workspace(olive, demo["flows"], {})
    return kind.pick(ws, params), kind, ws


def test_a_suggestion_applied_twice_by_a_launch_is_applied_once(
    olive: User, demo: dict[str, Connection]
) -> None:
    step, kind, ws = applying(olive, demo, suggestion="sugg-tier-3307")
    assert kind.describe(step) == "Apply the suggestion Move profile 3307 to Gold to profile-3307"
    assert kind.touches(step) == "flows.entity:profile-3307"
    assert kind.check(ws, step) == steps.Verdict(True, "Applying it to profile-3307 will change tier.")
    was = kind.before(ws, step)
    done = kind.perform(ws, step)
    assert (was, done) == (
        {"state": {"tier": "silver"}},
        steps.Done("Applied to profile-3307: tier changed.", {"state": {"tier": "gold"}}),
    )
    # its own apply stamped the suggestion (lastAppliedAt), which is no edit: run again, it does nothing
    assert kind.perform(ws, step).said == "Nothing to do: it was applied already."
    assert kind.check(ws, step).reason == "Already applied: nothing to do."
    assert FlowEntity.objects.get(id="profile-3307").state == {"tier": "gold"}
    assert AuditEntry.objects.filter(action="suggestion.apply", target_id="sugg-tier-3307").count() == 1


def test_a_suggestion_edited_after_it_was_added_is_refused_until_taken_as_it_is_now(
    olive: User, demo: dict[str, Connection], fl: FlowsClient
) -> None:
    step, kind, ws = applying(olive, demo, suggestion="sugg-price-sku-77")
    kept = fl.get_suggestion("sugg-price-sku-77")
    body = SuggestionInput(**kept.model_dump(include=set(SuggestionInput.model_fields)))
    fl.upsert_suggestion("sugg-price-sku-77", body.model_copy(update={"data": {"price": 9.99}}))
    changed = "The suggestion was changed since it was added: use it as it is now."
    assert kind.check(ws, step) == steps.Verdict(False, changed)
    with pytest.raises(Refused, match=changed):
        kind.perform(ws, step)
    assert FlowEntity.objects.get(id="product-77").state["price"] == 24.99
    renewed = kind.pick(ws, step)  # "Use it as it is now"
    assert kind.perform(ws, renewed).said == "Applied to product-77: price changed."
    assert FlowEntity.objects.get(id="product-77").state["price"] == 9.99


def test_a_suggestion_steps_check_says_in_words_what_applying_it_would_do(
    olive: User, demo: dict[str, Connection], monkeypatch: pytest.MonkeyPatch
) -> None:
    own, kind, ws = applying(olive, demo, suggestion="sugg-address-1042")
    assert kind.check(ws, own).reason == "Applying it to profile-1042 will change city and postcode."
    elsewhere, _, _ = applying(olive, demo, suggestion="sugg-address-1042", override="profile-9")
    assert (kind.describe(elsewhere), kind.touches(elsewhere)) == (
        "Apply the suggestion Fix the postcode of profile 1042 to profile-9",
        "flows.entity:profile-9",
    )
    assert kind.check(ws, elsewhere).reason == "Applying it to profile-9 will change city and postcode."
    ignored, _, _ = applying(olive, demo, suggestion="sugg-merge-4410")
    assert kind.check(ws, ignored) == steps.Verdict(
        True, "The suggestion is marked ignored, so applying it writes nothing: nothing to do."
    )

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise ApiValidationError("The target entity is locked", status=422)

    monkeypatch.setattr(FlowsClient, "apply_suggestion", refuse)
    assert kind.check(ws, own) == steps.Verdict(
        False, "The flows service refuses to apply it: The target entity is locked."
    )
    assert FlowEntity.objects.get(id="profile-1042").state == {"postcode": "00950", "city": "Warszawa"}


def test_an_applied_suggestion_cannot_be_taken_back_and_says_so_before_the_launch() -> None:
    kind = steps.kind(APPLY)
    assert kind.undo is None
    assert kind.final == (
        "An applied suggestion cannot be taken back: the flows service has no way to write its target's "
        "earlier state."
    )


def test_the_suggestion_page_offers_a_launch_step_to_an_operator_not_a_viewer(
    demo: dict[str, Connection], operator_client: Client, viewer_client: Client
) -> None:
    url = "/workflows/suggestions/sugg-tier-3307/"
    page = operator_client.get(url).content.decode()
    assert "Add to a launch: " in page and "kind=flows.apply_suggestion&amp;suggestion=sugg-tier-3307" in page
    assert "Or apply it to another target in a launch" in page
    adding = operator_client.get(
        f"{reverse('launches:add_step')}?kind=flows.apply_suggestion&suggestion=sugg-tier-3307"
    )
    assert "Apply the suggestion Move profile 3307 to Gold to profile-3307" in adding.content.decode()
    viewed = viewer_client.get(url).content.decode()
    assert "flows.apply_suggestion" not in viewed and "Add to a launch" not in viewed
