"""Preview of the moment: what people will read differently once a planned launch has run, step by step,
as each kind shows it (`StepKind.preview`: a record for the test profiles, the items an import changes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from apps.core.http import ApiError
from apps.jobs import steps
from apps.launches.models import Launch
from apps.launches.services.launches import describe

MOST = 20  # steps previewed on one page: each asks the remote service a few times


@dataclass
class Moment:
    what: str  # the step, described
    seen: list[steps.Seen] = field(default_factory=list)
    error: str = ""


def moment(user: Any, launch: Launch) -> tuple[list[Moment], int]:
    """The previews of the first MOST steps that have one, and how many more there are."""
    previewable = [
        step
        for step in launch.steps.select_related("connection")
        if step.kind in steps.KINDS and steps.kind(step.kind).preview is not None
    ]
    shown: list[Moment] = []
    for step in previewable[:MOST]:
        kind = steps.kind(step.kind)
        assert kind.preview is not None  # as filtered above
        try:
            seen = kind.preview(kind.workspace(user, step.connection, step.target), step.target)
        except ApiError as exc:
            shown.append(Moment(describe(step), error=f"{exc.title}: {exc.message}"))
            continue
        shown.append(Moment(describe(step), seen))
    return shown, len(previewable) - len(shown)
