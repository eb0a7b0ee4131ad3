"""A launch from plan to rollback against the sandbox: stages in order, each step once (also after a worker
died mid-step), a missing or stale approval and a failed pre-flight that hold the start, a failed step that
stops it, and a rollback that restores what the launch changed and leaves alone what people changed since."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.utils import timezone

from apps.automations.client import WorkflowsClient
from apps.connections.models import Connection
from apps.content.client import BrickworksClient
from apps.content.services import schedule
from apps.content.services.workspace import workspace_for as content_workspace
from apps.core.http import ApiError, ApiUnavailable
from apps.core.models import AuditEntry
from apps.jobs import scheduling, steps
from apps.launches.models import Launch, LaunchAction, Step
from apps.launches.services import launches, running
from tests import pages
from tests.launches.conftest import add, work
from tests.people import client_for


def status(wf: WorkflowsClient, name: str) -> str:
    (workflow,) = [w for w in wf.list_workflows(search=name).data if w.name == name]
    return workflow.status


def drafted(bw: BrickworksClient, headline: str = "Spring arrives") -> dict[str, str]:
    live = bw.get_record("home-banners", "winter-sale")
    bw.update_record("home-banners", live.id, status="DRAFT", values={"headline": headline})
    return {"app_id": "home-banners", "record": live.id}


def test_a_launch_runs_its_stages_in_order_each_step_once(
    eddie: User, olive: User, alice: User, planned: Launch, bw: BrickworksClient, wf: WorkflowsClient
) -> None:
    banner = drafted(bw)
    add(eddie, planned, "content.publish", banner)
    (spring,) = list(wf.list_workflows(search="Spring promotion").data)
    add(olive, planned, "automations.resume", {"workflow": spring.diagram_id}, stage=2)
    launches.approve(alice, planned)  # an editor's launch publishes: someone who may publish approves it
    assert work(planned) == "done"
    planned.refresh_from_db()
    assert planned.state == Launch.State.DONE
    said = [step.said for step in planned.steps.all()]
    live = bw.get_record("home-banners", banner["record"], statuses=["PUBLISHED"])
    assert said == [f"Published: version {live.record_version} is live.", "Running (it was paused)."]
    assert status(wf, "Spring promotion") == "Active"
    assert AuditEntry.objects.filter(action="record.publish", user=eddie).count() == 1


def test_a_worker_that_died_mid_step_leaves_a_launch_that_acts_once_when_handed_out_again(
    eddie: User, paula: User, planned: Launch, bw: BrickworksClient
) -> None:
    banner = drafted(bw)
    add(eddie, planned, "content.publish", banner)
    launches.approve(paula, planned)
    work(planned)
    versions = bw.list_versions("home-banners", banner["record"]).meta.total
    # As if the worker died after Brickworks published but before the step was recorded: the step is
    # running without its result, and the sweep hands the start out again.
    Step.objects.update(state=Step.State.RUNNING, after=None, said="")
    Launch.objects.update(state=Launch.State.RUNNING)
    LaunchAction.objects.update(state=LaunchAction.State.PENDING, lease_until=None)
    # Checked when it started, the launch goes on: not held by a check that now finds the step done.
    kind = steps.kind("content.publish")
    refusing = dataclasses.replace(kind, check=lambda workspace, target: steps.Verdict(False, "Not now"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(steps.KINDS, kind.key, refusing)
        assert work(planned) == "done"
    step = planned.steps.get()
    assert (step.state, step.said) == (Step.State.DONE, step.said)
    assert step.said.startswith("Nothing to do: version")
    assert bw.list_versions("home-banners", banner["record"]).meta.total == versions
    assert AuditEntry.objects.filter(action="record.publish").count() == 1


def test_an_editors_launch_that_publishes_needs_a_publishers_approval_whatever_the_rule(
    eddie: User, paula: User, olive: User, planned: Launch, bw: BrickworksClient, wf: WorkflowsClient
) -> None:
    add(eddie, planned, "content.publish", drafted(bw))
    assert launches.approval(planned).needed  # the workspace's rule says no approval
    with pytest.raises(running.NotNow, match="needs an approval"):
        running.ask(eddie, planned, "start")
    assert launches.may_approve(eddie, planned) == "Approving launches takes a publisher or an admin."
    assert launches.may_approve(paula, planned) is None
    (spring,) = list(wf.list_workflows(search="Spring promotion").data)
    add(olive, planned, "automations.resume", {"workflow": spring.diagram_id})
    assert launches.may_approve(paula, planned) is None  # an operator added it: theirs to do
    olive.groups.clear()  # who added it may no longer run workflows: the approver must
    assert (
        launches.may_approve(paula, planned)
        == "Approving it takes someone who may also run or resume a workflow."
    )


def test_a_launch_needing_approval_by_the_workspaces_rule_does_not_start_without_one(
    olive: User, paula: User, demo: dict[str, Connection], wf: WorkflowsClient
) -> None:
    launch = launches.create_launch(olive, name="Mails", description="", go_at=None)
    (spring,) = list(wf.list_workflows(search="Spring promotion").data)
    add(olive, launch, "automations.resume", {"workflow": spring.diagram_id})
    assert not launches.approval(launch).needed  # an operator may run workflows
    launches.set_policy(paula, demo["synerise"], needs_approval=True)
    with pytest.raises(running.NotNow, match="needs an approval"):
        running.ask(olive, launch, "start")


def test_a_stale_approval_cannot_start_a_launch_at_its_time_and_says_what_changed(
    eddie: User, paula: User, demo: dict[str, Connection], bw: BrickworksClient
) -> None:
    User.objects.filter(pk__in=[eddie.pk, paula.pk]).update(email="people@example.com")
    go = timezone.now() + timedelta(hours=1)
    launch = launches.create_launch(eddie, name="Spring campaign", description="", go_at=go)
    banner = drafted(bw)
    add(eddie, launch, "content.publish", banner)
    launches.approve(paula, launch)
    assert launches.approval(launch).approved
    (teaser,) = list(bw.list_records("home-banners", search="Spring is coming").data)
    added = add(eddie, launch, "content.publish", {"app_id": "home-banners", "record": teaser.id})
    approval = launches.approval(launch)
    assert (approval.approved, approval.changes) == (False, [f"Added: Stage 1: {launches.describe(added)}"])
    with pytest.raises(running.NotNow, match="needs an approval"):
        running.ask(eddie, launch, "start")
    # Its time comes: the start waiting for it finds the approval stale, holds, and says so.
    start = launch.actions.get(action=LaunchAction.Action.START, state=LaunchAction.State.PENDING)
    assert start.run_at == go
    LaunchAction.objects.filter(pk=start.pk).update(run_at=timezone.now())
    assert running.run(start.pk) == "done"
    launch.refresh_from_db()
    assert launch.state == Launch.State.HELD
    assert launch.why.startswith("Its approval is stale: Added: Stage 1: Publish Spring is coming")
    assert bw.get_record("home-banners", banner["record"], statuses=["DRAFT"])  # still a draft
    assert [m.subject for m in mail.outbox] == ["Spring campaign did not start"]


def test_a_failed_pre_flight_holds_the_launch_and_tells_its_people(
    eddie: User, paula: User, planned: Launch, bw: BrickworksClient
) -> None:
    User.objects.filter(pk__in=[eddie.pk, paula.pk]).update(email="people@example.com")
    banner = drafted(bw)
    add(eddie, planned, "content.publish", banner)
    launches.approve(paula, planned)
    bw.update_record("home-banners", banner["record"], values={"headline": "Changed after"})
    work(planned)
    planned.refresh_from_db()
    assert planned.state == Launch.State.HELD
    assert "has changed since version" in planned.why
    assert [m.subject for m in mail.outbox] == ["Spring campaign did not start"]
    assert (
        bw.get_record("home-banners", banner["record"], statuses=["DRAFT"]).values["headline"]
        == "Changed after"
    )
    home = pages.words(client_for(paula).get("/"))
    assert "Spring campaign did not start: The pre-flight found steps that cannot run." in home


def test_a_failed_step_stops_the_launch_and_the_rollback_restores_and_leaves_later_edits_alone(
    eddie: User,
    olive: User,
    alice: User,
    planned: Launch,
    bw: BrickworksClient,
    wf: WorkflowsClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    banner = drafted(bw)
    add(eddie, planned, "content.publish", banner)
    (teaser,) = list(bw.list_records("home-banners", search="Spring is coming").data)
    add(eddie, planned, "content.publish", {"app_id": "home-banners", "record": teaser.id})
    (spring,) = list(wf.list_workflows(search="Spring promotion").data)
    add(olive, planned, "automations.resume", {"workflow": spring.diagram_id}, stage=2)
    kind = steps.kind("automations.resume")

    def refused(workspace: object, target: object) -> steps.Done:
        raise ApiError("Synerise is down for maintenance", status=503)

    monkeypatch.setitem(steps.KINDS, kind.key, dataclasses.replace(kind, perform=refused))
    launches.approve(alice, planned)
    work(planned)
    planned.refresh_from_db()
    assert planned.state == Launch.State.STOPPED
    assert "Run Spring promotion failed." in planned.why
    assert set(running.ASKED) >= {"retry", "continue", "roll_back"}
    assert not running.refusal(planned, "retry") and not running.refusal(planned, "roll_back")
    # After the launch, someone saves a new draft of the teaser: the rollback must not overwrite it.
    bw.update_record("home-banners", teaser.id, status="DRAFT", values={"headline": "Teaser, edited later"})
    running.ask(eddie, planned, "roll_back")
    assert work(planned) == "done"
    planned.refresh_from_db()
    assert planned.state == Launch.State.ROLLED_BACK
    by_record = {step.target.get("record"): step for step in planned.steps.all()}
    assert by_record[banner["record"]].state == Step.State.UNDONE
    assert by_record[teaser.id].state == Step.State.LEFT_ALONE
    assert "was saved after the launch" in by_record[teaser.id].undo_said
    assert bw.get_record("home-banners", banner["record"], statuses=["PUBLISHED"]).values["headline"] == (
        "Winter sale, {{ customer.firstName }}"
    )
    assert (
        bw.get_record("home-banners", teaser.id, statuses=["DRAFT"]).values["headline"]
        == "Teaser, edited later"
    )
    assert status(wf, "Spring promotion") == "Paused"  # never ran: nothing to take back


def test_continue_goes_on_past_a_failed_step(
    eddie: User,
    olive: User,
    alice: User,
    planned: Launch,
    bw: BrickworksClient,
    wf: WorkflowsClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (spring,) = list(wf.list_workflows(search="Spring promotion").data)
    add(olive, planned, "automations.resume", {"workflow": spring.diagram_id})
    add(eddie, planned, "content.publish", drafted(bw), stage=2)
    kind = steps.kind("automations.resume")

    def refused(workspace: object, target: object) -> steps.Done:
        raise steps.Refused("Not today")

    monkeypatch.setitem(steps.KINDS, kind.key, dataclasses.replace(kind, perform=refused))
    launches.approve(alice, planned)
    work(planned)
    planned.refresh_from_db()
    assert (planned.state, planned.why) == (Launch.State.STOPPED, "Run Spring promotion failed. Not today")
    running.ask(eddie, planned, "continue")
    assert work(planned) == "done"
    planned.refresh_from_db()
    assert planned.state == Launch.State.DONE
    assert [step.state for step in planned.steps.all()] == [Step.State.SKIPPED, Step.State.DONE]


def test_fifteen_minutes_before_its_time_a_launch_checks_itself_and_tells_its_people(
    olive: User, paula: User, demo: dict[str, Connection], wf: WorkflowsClient
) -> None:
    User.objects.filter(pk=olive.pk).update(email="olive@example.com")
    go = timezone.now() + timedelta(hours=2)
    launch = launches.create_launch(olive, name="Nightly mails", description="", go_at=go)
    (stopped,) = list(wf.list_workflows(search="Old newsletter").data)
    (spring,) = list(wf.list_workflows(search="Spring promotion").data)
    add(olive, launch, "automations.resume", {"workflow": spring.diagram_id})
    add(olive, launch, "automations.pause", {"workflow": stopped.diagram_id})
    check = launch.actions.get(action=LaunchAction.Action.CHECK, state=LaunchAction.State.PENDING)
    assert check.run_at == go - timedelta(minutes=15)
    wf.stop_workflow(spring.diagram_id)  # by hand, after the step was added
    LaunchAction.objects.filter(pk=check.pk).update(run_at=timezone.now())
    assert running.run(check.pk) == "done"
    check.refresh_from_db()
    assert check.events.last().message == "1 of 2 steps cannot run; its people were told."
    assert [m.subject for m in mail.outbox] == ["Nightly mails: 1 of 2 steps cannot run"]
    assert "Run Spring promotion: Spring promotion is stopped" in mail.outbox[0].body
    launch.refresh_from_db()
    assert launch.state == Launch.State.PLANNED  # the start, still due at its time, checks again
    assert launch.actions.get(action=LaunchAction.Action.START, state=LaunchAction.State.PENDING).run_at == go


def test_a_launch_names_what_else_changes_its_things_within_an_hour(
    eddie: User, paula: User, olive: User, bw: BrickworksClient, wf: WorkflowsClient
) -> None:
    go = (timezone.now() + timedelta(days=1)).replace(second=0, microsecond=0)
    launch = launches.create_launch(eddie, name="Spring campaign", description="", go_at=go)
    banner = drafted(bw)
    add(eddie, launch, "content.publish", banner)
    (spring,) = list(wf.list_workflows(search="Spring promotion").data)
    add(olive, launch, "automations.resume", {"workflow": spring.diagram_id})
    assert launches.conflicts(eddie, launch) == []
    other = launches.create_launch(paula, name="Clearance", description="", go_at=go + timedelta(minutes=30))
    add(paula, other, "content.unpublish", banner)
    far = launches.create_launch(paula, name="Autumn", description="", go_at=go + timedelta(hours=3))
    add(paula, far, "content.unpublish", banner)  # three hours later: no conflict
    record = bw.get_record("home-banners", banner["record"], statuses=["PUBLISHED"])
    schedule.schedule(
        content_workspace(paula),
        schema=bw.get_schema("home-banners"),
        record=record,
        action="unpublish",
        at=go - timedelta(minutes=20),
    )
    said = launches.conflicts(eddie, launch)
    assert len(said) == 2
    assert said[0].startswith("Publish Spring arrives (version 2): the launch Clearance also does “Unpublish")
    assert said[1].startswith("Publish Spring arrives (version 2): “Unpublish Winter sale")
    assert f"({scheduling.iso(go - timedelta(minutes=20))})" in said[1]


def test_a_step_that_meets_a_busy_service_is_tried_again_and_acts_once(
    eddie: User, alice: User, planned: Launch, bw: BrickworksClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    banner = drafted(bw)
    add(eddie, planned, "content.publish", banner)
    kind = steps.kind("content.publish")
    tries: list[int] = []

    def busy_twice(workspace: object, target: steps.Target) -> steps.Done:
        tries.append(1)
        if len(tries) <= 2:
            raise ApiUnavailable("Service unavailable (injected)", status=503)
        return kind.perform(workspace, target)

    monkeypatch.setitem(steps.KINDS, kind.key, dataclasses.replace(kind, perform=busy_twice))
    launches.approve(alice, planned)
    assert work(planned) == "done"
    planned.refresh_from_db()
    assert (planned.state, len(tries)) == (Launch.State.DONE, 3)
    assert AuditEntry.objects.filter(action="record.publish", outcome="ok").count() == 1


def test_a_step_whose_service_stays_busy_stops_the_launch_after_its_tries(
    eddie: User, alice: User, planned: Launch, bw: BrickworksClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    add(eddie, planned, "content.publish", drafted(bw))
    kind = steps.kind("content.publish")
    tries: list[int] = []

    def busy(workspace: object, target: steps.Target) -> steps.Done:
        tries.append(1)
        raise ApiUnavailable("Service unavailable (injected)", status=503)

    monkeypatch.setitem(steps.KINDS, kind.key, dataclasses.replace(kind, perform=busy))
    launches.approve(alice, planned)
    work(planned)
    planned.refresh_from_db()
    assert (planned.state, len(tries)) == (Launch.State.STOPPED, running.TRIES)
    assert "Service unavailable (injected)" in planned.why


def test_a_check_that_fails_once_at_the_start_is_asked_again_before_the_launch_is_held(
    eddie: User, paula: User, planned: Launch, bw: BrickworksClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    add(eddie, planned, "content.publish", drafted(bw))
    launches.approve(paula, planned)
    kind = steps.kind("content.publish")
    asked: list[int] = []

    def busy_once(workspace: object, target: steps.Target) -> steps.Verdict:
        asked.append(1)
        if len(asked) == 1:
            return steps.Verdict(False, "Service unavailable (injected)")
        return kind.check(workspace, target)

    monkeypatch.setitem(steps.KINDS, kind.key, dataclasses.replace(kind, check=busy_once))
    assert work(planned) == "done"
    planned.refresh_from_db()
    assert (planned.state, len(asked)) == (Launch.State.DONE, 2)


def test_a_rollback_goes_again_over_a_step_the_busy_service_kept_it_from_taking_back(
    eddie: User, alice: User, planned: Launch, bw: BrickworksClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    banner = drafted(bw)
    add(eddie, planned, "content.publish", banner)
    launches.approve(alice, planned)
    assert work(planned) == "done"
    kind = steps.kind("content.publish")
    assert kind.undo is not None
    undo, asked = kind.undo, []

    def busy_for_a_pass(*args: object) -> steps.Undone:
        asked.append(1)
        if len(asked) <= running.TRIES:  # every try of the first pass
            raise ApiUnavailable("Service unavailable (injected)", status=503)
        return undo(*args)  # type: ignore[arg-type]

    monkeypatch.setitem(steps.KINDS, kind.key, dataclasses.replace(kind, undo=busy_for_a_pass))
    planned.refresh_from_db()
    running.ask(eddie, planned, "roll_back")
    assert work(planned) == "done"
    planned.refresh_from_db()
    assert (planned.state, len(asked)) == (Launch.State.ROLLED_BACK, running.TRIES + 1)
    assert planned.steps.get().state == Step.State.UNDONE
    assert bw.get_record("home-banners", banner["record"], statuses=["PUBLISHED"]).values["headline"] == (
        "Winter sale, {{ customer.firstName }}"
    )


def test_a_rollback_that_still_cannot_take_a_step_back_stops_and_says_so(
    eddie: User, alice: User, planned: Launch, bw: BrickworksClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    add(eddie, planned, "content.publish", drafted(bw))
    launches.approve(alice, planned)
    assert work(planned) == "done"
    kind, asked = steps.kind("content.publish"), []

    def down(*args: object) -> steps.Undone:
        asked.append(1)
        raise ApiUnavailable("Service unavailable (injected)", status=503)

    monkeypatch.setitem(steps.KINDS, kind.key, dataclasses.replace(kind, undo=down))
    planned.refresh_from_db()
    running.ask(eddie, planned, "roll_back")
    work(planned)
    planned.refresh_from_db()
    assert (planned.state, len(asked)) == (Launch.State.STOPPED, running.PASSES * running.TRIES)
    assert planned.why == "1 step could not be taken back: roll back again to retry them."
    assert planned.steps.get().state == Step.State.UNDO_FAILED


def test_the_approval_reads_each_adders_permissions_once_however_many_steps(
    eddie: User, planned: Launch, bw: BrickworksClient, django_assert_max_num_queries: Any
) -> None:
    for slug in ("winter-sale", "spring-teaser", "black-friday"):
        add(eddie, planned, "content.publish", {"app_id": "home-banners", "record": slug})
    planned = Launch.objects.get(pk=planned.pk)
    with django_assert_max_num_queries(6):  # the rule, the steps' adders and kinds, eddie and his roles
        assert launches.approval(planned).needed
