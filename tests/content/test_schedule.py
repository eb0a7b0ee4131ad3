"""The publishing schedule against the sandbox: due, future, cancelled, retried, lost workers."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from apps.content.client import BrickworksClient
from apps.content.models import ScheduledAction
from apps.content.services import schedule
from apps.content.services.workspace import workspace_for
from apps.core import heartbeat
from apps.core.models import AuditEntry
from apps.jobs import tasks as jobs_tasks
from apps.sandbox.models import FaultSettings

State = ScheduledAction.State


def plan(
    bw: BrickworksClient, user: User, slug: str, at: datetime, action: str = "publish"
) -> ScheduledAction:
    schema = bw.get_schema("home-banners")
    return schedule.schedule(
        workspace_for(user), schema=schema, record=bw.get_record(schema.id, slug), action=action, at=at
    )


class Sent(list[tuple[int, datetime | None]]):
    def __call__(self, pk: int, eta: datetime | None) -> None:
        self.append((pk, eta))


def versions(bw: BrickworksClient, slug: str) -> list[tuple[int, str]]:
    record = bw.get_record("home-banners", slug)
    schema = bw.get_schema("home-banners")
    return [(v.record_version, v.status) for v in bw.list_versions(schema.id, record.id).data]


def test_a_due_draft_is_published_and_traced(bw: BrickworksClient, paula: User) -> None:
    item = plan(bw, paula, "spring-teaser", timezone.now() - timedelta(seconds=1))
    sent = Sent()
    assert schedule.sweep(sent) == 1
    assert sent == [(item.pk, None)]
    assert schedule.run(item.pk) == State.DONE
    assert bw.get_record("home-banners", "spring-teaser").status == "PUBLISHED"
    item.refresh_from_db()
    assert item.state == State.DONE and item.attempts == 1 and item.picked_up_at is not None
    trace = [e.message for e in item.events.all()]
    assert trace[0].startswith("Scheduled by paula for ")
    assert trace[1].startswith("Picked up (attempt 1,")
    assert trace[-1].startswith("Published: version")
    entry = AuditEntry.objects.get(action="record.publish")
    assert entry.username == "paula" and entry.detail["scheduled"] is True


def test_a_future_action_waits_for_its_minute_then_gets_an_eta(bw: BrickworksClient, paula: User) -> None:
    at = timezone.now() + timedelta(minutes=10)
    item = plan(bw, paula, "spring-teaser", at)
    sent = Sent()
    assert schedule.sweep(sent) == 0
    assert schedule.run(item.pk) is None  # a stray early delivery does nothing
    assert schedule.sweep(sent, now=at - timedelta(seconds=30)) == 1
    assert sent == [(item.pk, at)]
    assert schedule.sweep(sent, now=at - timedelta(seconds=20)) == 0  # leased: not sent twice
    assert bw.get_record("home-banners", "spring-teaser").status == "DRAFT"
    assert schedule.run(item.pk, now=at) == State.DONE


def test_a_cancelled_action_never_runs(bw: BrickworksClient, paula: User) -> None:
    item = plan(bw, paula, "spring-teaser", timezone.now() + timedelta(seconds=30))
    assert schedule.cancel(paula, item)
    assert schedule.sweep(Sent(), now=item.due_at) == 0
    assert schedule.run(item.pk, now=item.due_at) is None
    assert bw.get_record("home-banners", "spring-teaser").status == "DRAFT"
    assert not schedule.cancel(paula, item)  # cancelling twice changes nothing


def test_a_second_delivery_does_not_publish_twice(bw: BrickworksClient, paula: User) -> None:
    item = plan(bw, paula, "spring-teaser", timezone.now())
    before = versions(bw, "spring-teaser")
    assert schedule.run(item.pk) == State.DONE
    assert schedule.run(item.pk) is None
    after = versions(bw, "spring-teaser")
    assert len(after) == len(before) and [s for _, s in after].count("PUBLISHED") == 1


def test_a_remote_outage_is_retried_with_backoff_then_succeeds(bw: BrickworksClient, paula: User) -> None:
    item = plan(bw, paula, "spring-teaser", timezone.now())
    FaultSettings.objects.create(pk=1, error_rate=1, faults=["5xx"])
    assert schedule.run(item.pk) == State.PENDING
    item.refresh_from_db()
    assert item.state == State.PENDING and "Service unavailable" in item.error
    assert item.run_at > timezone.now() + timedelta(seconds=20)  # backed off
    assert schedule.run(item.pk) is None  # not before its new time
    assert schedule.sweep(sent := Sent()) == 1 and sent == [(item.pk, item.run_at)]
    FaultSettings.objects.all().delete()
    assert schedule.run(item.pk, now=item.run_at) == State.DONE
    item.refresh_from_db()
    assert item.attempts == 2
    assert any("trying again at" in e.message for e in item.events.all())


def test_it_gives_up_after_the_last_attempt(bw: BrickworksClient, paula: User) -> None:
    item = plan(bw, paula, "spring-teaser", timezone.now())
    FaultSettings.objects.create(pk=1, error_rate=1, faults=["5xx"])
    for _ in range(schedule.MAX_ATTEMPTS):
        item.refresh_from_db()
        state = schedule.run(item.pk, now=item.run_at)
    assert state == State.FAILED
    item.refresh_from_db()
    assert (
        item.attempts == schedule.MAX_ATTEMPTS
        and f"gave up after {schedule.MAX_ATTEMPTS} attempts" in item.error
    )
    assert AuditEntry.objects.get(action="record.publish").outcome == "failed"


def test_a_refusal_fails_at_once_with_the_remote_answer(bw: BrickworksClient, paula: User) -> None:
    item = plan(bw, paula, "spring-teaser", timezone.now())
    bw.delete_record(item.schema_id, item.record_id)
    assert schedule.run(item.pk) == State.FAILED
    item.refresh_from_db()
    assert item.attempts == 1 and item.error.startswith("Not found")
    assert item.events.last().message.startswith("Failed: Not found")
    assert schedule.retry(paula, item)
    item.refresh_from_db()
    assert item.state == State.PENDING and item.attempts == 0


def test_a_lost_hand_out_is_sent_again_once_its_lease_runs_out(bw: BrickworksClient, paula: User) -> None:
    """The worker restarted before the ETA: the message is gone, the row is not."""
    now = timezone.now()
    item = plan(bw, paula, "spring-teaser", now)
    assert schedule.sweep(Sent(), now=now) == 1
    assert schedule.sweep(Sent(), now=now + schedule.LEASE - timedelta(seconds=1)) == 0
    later = now + schedule.LEASE + timedelta(seconds=1)
    assert schedule.sweep(sent := Sent(), now=later) == 1 and sent == [(item.pk, None)]
    assert schedule.run(item.pk, now=later) == State.DONE
    assert [s for _, s in versions(bw, "spring-teaser")].count("PUBLISHED") == 1


def test_a_worker_that_died_after_publishing_is_not_followed_by_a_second_publish(
    bw: BrickworksClient, paula: User
) -> None:
    now = timezone.now()
    item = plan(bw, paula, "spring-teaser", now)
    ScheduledAction.objects.filter(pk=item.pk).update(state=State.RUNNING, lease_until=now + schedule.LEASE)
    draft = bw.get_record("home-banners", "spring-teaser")
    bw.update_record(item.schema_id, draft.id, status="PUBLISHED")  # ...and then the worker died
    before = versions(bw, "spring-teaser")
    later = now + schedule.LEASE + timedelta(seconds=1)
    assert schedule.sweep(Sent(), now=later) == 1
    assert schedule.run(item.pk, now=later) == State.DONE
    assert versions(bw, "spring-teaser") == before
    assert "already live" in ScheduledAction.objects.get(pk=item.pk).events.last().message


def test_a_newer_draft_of_a_live_record_is_the_one_published(bw: BrickworksClient, paula: User) -> None:
    live = bw.get_record("home-banners", "winter-sale")
    draft = bw.update_record(live.schema_id, live.id, status="DRAFT", values={"headline": "Take 2"})
    item = plan(bw, paula, "winter-sale", timezone.now())
    assert schedule.run(item.pk) == State.DONE
    now_live = bw.get_record("home-banners", "winter-sale", statuses=["PUBLISHED"])
    assert now_live.record_version == draft.record_version and now_live.values["headline"] == "Take 2"


def test_unpublish_at_a_time(bw: BrickworksClient, paula: User) -> None:
    item = plan(bw, paula, "winter-sale", timezone.now(), action="unpublish")
    assert schedule.run(item.pk) == State.DONE
    with pytest.raises(Exception, match="PUBLISHED"):
        bw.get_record("home-banners", "winter-sale", statuses=["PUBLISHED"])


def test_one_open_action_of_a_kind_per_record(bw: BrickworksClient, paula: User) -> None:
    at = timezone.now() + timedelta(hours=1)
    item = plan(bw, paula, "spring-teaser", at)
    with pytest.raises(schedule.AlreadyScheduled):
        plan(bw, paula, "spring-teaser", at + timedelta(hours=1))
    assert schedule.reschedule(paula, item, at + timedelta(hours=2))
    item.refresh_from_db()
    assert item.due_at == item.run_at == at + timedelta(hours=2)


@pytest.mark.usefixtures("celery_worker")
def test_the_beat_task_publishes_through_a_real_worker(bw: BrickworksClient, paula: User) -> None:
    item = plan(bw, paula, "spring-teaser", timezone.now() + timedelta(seconds=1))
    jobs_tasks.sweep_schedules.delay()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and ScheduledAction.objects.get(pk=item.pk).is_open:
        time.sleep(0.2)
    item.refresh_from_db()
    assert item.state == State.DONE, [e.message for e in item.events.all()]
    assert item.picked_up_at >= item.due_at - schedule.EARLY
    assert bw.get_record("home-banners", "spring-teaser").status == "PUBLISHED"


def test_an_action_whose_worker_died_after_claiming_it_runs_again_within_a_minute(
    bw: BrickworksClient, paula: User
) -> None:
    due = timezone.now()
    item = plan(bw, paula, "spring-teaser", due)
    # A worker claimed it at its time and was killed; beat sweeps every 10 s from then on.
    ScheduledAction.objects.filter(pk=item.pk).update(state=State.RUNNING, lease_until=due + schedule.LEASE)
    sweeps = [due + timedelta(seconds=s) for s in range(10, 61, 10)]
    handed_out = next(at for at in sweeps if schedule.sweep(Sent(), now=at))
    assert handed_out - due <= timedelta(seconds=50)
    assert schedule.run(item.pk, now=handed_out) == State.DONE


def test_a_running_action_keeps_its_lease_while_its_worker_lives(
    bw: BrickworksClient, paula: User, transactional_db: None
) -> None:
    # transactional_db: the heartbeat thread writes on a connection of its own: it sees committed rows.
    item = plan(bw, paula, "spring-teaser", timezone.now())
    ScheduledAction.objects.filter(pk=item.pk).update(state=State.RUNNING, lease_until=timezone.now())
    with heartbeat.every(0.05, lambda: schedule.renew_lease(item.pk)):
        time.sleep(0.3)
    item.refresh_from_db()
    assert item.lease_until > timezone.now() + schedule.LEASE - timedelta(seconds=5)
