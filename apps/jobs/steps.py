"""Launch steps: what each domain offers a launch to do, to check beforehand and to take back.

A domain registers its kinds from its AppConfig.ready(), as its scheduled table registers a `Source`; the
launch knows a kind by its key and never a domain's internals. A step's `target` is plain JSON fixed when
the step was added (the record and the draft version chosen, the workflow and the state wanted): what an
approval seals, and all a kind needs to act again later in a worker.

A step runs in three calls, so that it acts once and can be taken back however its worker ends:
`before` reads what the target is now (kept before acting; a retry keeps the first reading), `perform`
reads the target again and acts only if it is not already as wanted, answering `Done` with what it left
(`after`). `undo` acts only if the target is still as the step left it; a target changed since is left
alone and said so, never overwritten (docs/architecture.md, "Launches").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Target = dict[str, Any]
State = dict[str, Any]


@dataclass(frozen=True)
class Verdict:
    """Whether the step can run now, and why, in words a person reads on the launch page."""

    ok: bool
    reason: str


@dataclass(frozen=True)
class Done:
    said: str  # what happened, in words ("Published: version 4 is live")
    after: State = field(default_factory=dict)  # the target as the step left it, for `undo` to compare


@dataclass(frozen=True)
class Undone:
    said: str
    left_alone: bool = False  # changed by someone after the launch: kept as it is


@dataclass(frozen=True)
class Group:
    """Several targets named at once (every record a saved filter finds): one step each."""

    said: str  # "Publish the 12 records of Spring offers"
    targets: list[Target]


@dataclass(frozen=True)
class Seen:
    """One line of a launch's preview: what someone reads of a thing now, and after the launch."""

    who: str  # "Ann (ann@example.test)", "Lamp LX-200"
    what: str  # "Headline", "price"
    now: str
    after: str


class Refused(Exception):
    """The step cannot run as it was approved (its draft changed, its target is gone): nothing was done."""


@dataclass(frozen=True)
class StepKind:
    key: str  # "content.publish"
    label: str  # "Publish a record's draft"
    system: str  # the area a person knows it by: "Content", "Workflows", "Integrations", "Catalogs"
    permission: str  # who may add it to a launch
    # Who may do what it does (publish): a launch with a step its owner may not do needs the approval of
    # someone who may, whatever the workspace's rule.
    performs: str
    connection_kind: str  # the kind of connection it works through: "synerise", "canvas", "flows"
    # The domain's workspace for the person acting, the connection the step was added in and its target
    # (a Canvas step acts as the account it was added as); every call below takes it first.
    workspace: Callable[[Any, Any, Target], Any]
    # The target for the thing named by `params` (query parameters of an "Add to launch" link, or an
    # earlier target: its keys are the same), as the thing is now; ApiNotFound when there is none.
    pick: Callable[[Any, dict[str, Any]], Target]
    describe: Callable[[Target], str]  # "Publish Winter sale (draft version 4)"
    # The thing it acts on, as the audit log names targets ("brickworks.record:<id>"): two steps or
    # schedules touching one thing within an hour of each other are a conflict a person should see.
    touches: Callable[[Target], str]
    check: Callable[[Any, Target], Verdict]
    before: Callable[[Any, Target], State]
    perform: Callable[[Any, Target], Done]
    # None when what the step did cannot be taken back; `final` says why before the launch.
    undo: Callable[[Any, Target, State, State], Undone] | None = None
    final: str = ""
    # What people will read differently after the step (the records for the test profiles, the items an
    # import changes), for the launch's "Preview of the moment"; None when the kind has nothing to show.
    preview: Callable[[Any, Target], list[Seen]] | None = None
    # Where a person finds the things it acts on, each with its "Add to a launch" (a URL name).
    found_at: str = ""
    # The targets of a saved filter (`params["filter"]`, its id), for the kinds that offer it.
    pick_filter: Callable[[Any, dict[str, Any]], Group] | None = None


KINDS: dict[str, StepKind] = {}


def register(kind: StepKind) -> None:
    """Called from the domain's AppConfig.ready()."""
    if (kind.undo is None) != bool(kind.final):
        raise ValueError(f"{kind.key}: a kind without undo says why (`final`), and only such a kind does")
    KINDS[kind.key] = kind


def kind(key: str) -> StepKind:
    return KINDS[key]
