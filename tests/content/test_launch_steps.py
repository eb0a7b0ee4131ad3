"""A record's launch steps (apps.content.services.steps) against the sandbox: the verdicts before a launch,
a step that acts once however often it runs, and an undo that brings back what was live and leaves alone a
record someone changed after the launch."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from apps.connections.models import Connection
from apps.content.client import BrickworksClient
from apps.content.services.steps import PUBLISH, UNPUBLISH, publish_target, unpublish_target
from apps.core.models import AuditEntry
from apps.jobs import steps
from apps.jobs.steps import Refused


@pytest.fixture
def synerise(demo: dict[str, Connection]) -> Connection:
    return demo["synerise"]


def drafted(bw: BrickworksClient, headline: str = "Spring arrives") -> tuple[dict, int, int]:
    """winter-sale (live) with a new draft over it: its publish step, the live and the draft versions."""
    live = bw.get_record("home-banners", "winter-sale")
    draft = bw.update_record("home-banners", live.id, status="DRAFT", values={"headline": headline})
    return publish_target(bw.get_schema("home-banners"), draft), live.record_version, draft.record_version


def at(user: User, connection: Connection) -> Any:
    """The workspace a content step works in, for this person and connection."""
    return steps.kind(PUBLISH).workspace(user, connection, {})


def run(key: str, user: User, connection: Connection, target: dict) -> tuple[dict, steps.Done]:
    kind = steps.kind(key)
    was = kind.before(at(user, connection), target)
    return was, kind.perform(at(user, connection), target)


def test_a_publish_step_says_what_will_go_live_and_publishes_that_version_once(
    paula: User, synerise: Connection, bw: BrickworksClient
) -> None:
    target, live, draft = drafted(bw)
    kind = steps.kind(PUBLISH)
    assert kind.describe(target) == f"Publish Spring arrives (version {draft})"
    verdict = kind.check(at(paula, synerise), target)
    assert verdict == steps.Verdict(True, f"Version {draft} will go live, in place of version {live}.")
    was, done = run(PUBLISH, paula, synerise, target)
    assert was == {"newest": draft, "live": live}
    assert done == steps.Done(f"Published: version {draft} is live.", {"newest": draft, "live": draft})
    versions = bw.list_versions("home-banners", target["record"]).meta.total
    again = kind.perform(at(paula, synerise), target)  # a worker that died after the call runs it again
    assert again.said == f"Nothing to do: version {draft} was live already."
    assert bw.list_versions("home-banners", target["record"]).meta.total == versions
    assert AuditEntry.objects.filter(action="record.publish", user=paula).count() == 1


def test_a_publish_step_whose_draft_was_saved_again_since_is_refused_and_publishes_nothing(
    paula: User, synerise: Connection, bw: BrickworksClient
) -> None:
    target, live, draft = drafted(bw)
    bw.update_record("home-banners", target["record"], values={"headline": "Edited after"})  # in place
    assert bw.get_record("home-banners", target["record"], statuses=["DRAFT"]).record_version == draft
    verdict = steps.kind(PUBLISH).check(at(paula, synerise), target)
    assert verdict == steps.Verdict(
        False,
        f"Spring arrives has changed since version {draft} was chosen: add it again to publish what it "
        "holds now.",
    )
    with pytest.raises(Refused):
        run(PUBLISH, paula, synerise, target)
    assert bw.get_record("home-banners", target["record"], statuses=["PUBLISHED"]).record_version == live


def test_a_publish_step_of_an_unpublished_version_saved_again_is_refused(
    paula: User, synerise: Connection, bw: BrickworksClient
) -> None:
    unpublished = bw.get_record("home-banners", "black-friday")
    target = publish_target(bw.get_schema("home-banners"), unpublished)
    bw.update_record("home-banners", unpublished.id, status="DRAFT", values={"headline": "Newer"})
    assert not steps.kind(PUBLISH).check(at(paula, synerise), target).ok


def test_a_draft_missing_a_required_field_cannot_be_published(
    paula: User, synerise: Connection, bw: BrickworksClient
) -> None:
    target, _live, draft = drafted(bw, headline="")
    verdict = steps.kind(PUBLISH).check(at(paula, synerise), target)
    assert verdict == steps.Verdict(False, f"Version {draft} cannot be published: Headline is empty.")


def test_undoing_a_publish_brings_back_the_content_that_was_live(
    paula: User, synerise: Connection, bw: BrickworksClient
) -> None:
    target, live, _draft = drafted(bw)
    was, done = run(PUBLISH, paula, synerise, target)
    undone = steps.kind(PUBLISH).undo(at(paula, synerise), target, was, done.after)  # type: ignore[misc]
    now = bw.get_record("home-banners", target["record"], statuses=["PUBLISHED"])
    assert undone.said == f"Version {live}'s content is live again, as version {now.record_version}."
    assert now.values["headline"] == "Winter sale, {{ customer.firstName }}"


def test_undoing_a_publish_of_a_record_that_was_not_live_unpublishes_it(
    paula: User, synerise: Connection, bw: BrickworksClient
) -> None:
    teaser = bw.get_record("home-banners", "spring-teaser")  # a draft, never live
    target = publish_target(bw.get_schema("home-banners"), teaser)
    was, done = run(PUBLISH, paula, synerise, target)
    assert was["live"] is None and done.after["live"] == teaser.record_version
    undone = steps.kind(PUBLISH).undo(at(paula, synerise), target, was, done.after)  # type: ignore[misc]
    assert undone.said == f"Unpublished again: version {teaser.record_version} is no longer live."
    assert not bw.list_records("home-banners", ids=[teaser.id], statuses=["PUBLISHED"]).data


def test_an_undo_leaves_alone_a_record_changed_after_the_launch(
    paula: User, synerise: Connection, bw: BrickworksClient
) -> None:
    target, _live, draft = drafted(bw)
    was, done = run(PUBLISH, paula, synerise, target)
    edited = bw.update_record("home-banners", target["record"], status="DRAFT", values={"headline": "Mine"})
    undone = steps.kind(PUBLISH).undo(at(paula, synerise), target, was, done.after)  # type: ignore[misc]
    assert undone == steps.Undone(
        f"Left alone: version {edited.record_version} was saved after the launch.", left_alone=True
    )
    assert bw.get_record("home-banners", target["record"], statuses=["PUBLISHED"]).record_version == draft
    assert bw.get_record("home-banners", target["record"], statuses=["DRAFT"]).values["headline"] == "Mine"


def test_an_unpublish_step_acts_once_and_its_undo_puts_the_content_back_live(
    paula: User, synerise: Connection, bw: BrickworksClient
) -> None:
    live = bw.get_record("home-banners", "winter-sale")
    target = unpublish_target(bw.get_schema("home-banners"), live)
    kind = steps.kind(UNPUBLISH)
    assert (
        kind.check(at(paula, synerise), target).reason
        == f"Version {live.record_version} will no longer be live."
    )
    was, done = run(UNPUBLISH, paula, synerise, target)
    assert done.said == f"Unpublished: version {live.record_version} is no longer live."
    assert kind.perform(at(paula, synerise), target).said == "Nothing to do: it was not live."
    undone = kind.undo(at(paula, synerise), target, was, done.after)  # type: ignore[misc]
    back = bw.get_record("home-banners", live.id, statuses=["PUBLISHED"])
    assert (
        undone.said
        == f"Version {live.record_version}'s content is live again, as version {back.record_version}."
    )
    assert back.values == live.values


def test_a_kind_that_cannot_be_undone_says_why() -> None:
    kind = steps.kind(PUBLISH)
    with pytest.raises(ValueError, match="says why"):
        steps.register(steps.StepKind(**{**kind.__dict__, "key": "test.final", "undo": None}))
    assert "test.final" not in steps.KINDS
