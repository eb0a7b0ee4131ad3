"""Log lines of a run's stages: `"<ISO time> <LEVEL> <message>"` (spec §2.3), read for people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from apps.automations.client import LastRun, Stage

STAGES = (("import_data", "Import"), ("transform_data", "Transform"), ("export_data", "Export"))
LEVELS = ("INFO", "WARN", "ERROR")
# Stage and run statuses are open strings; these are the ones after which nothing changes.
FINAL = frozenset({"Success", "Failed", "Cancelled", "Skipped", "Error", "Stopped"})


@dataclass(frozen=True)
class Line:
    stage: str
    at: datetime | None
    level: str
    message: str

    @property
    def css(self) -> str:
        return {"WARN": "warning", "WARNING": "warning", "ERROR": "error"}.get(self.level, "")

    def text(self) -> str:
        at = self.at.isoformat() if self.at else ""
        return f"{self.stage}\t{at}\t{self.level}\t{self.message}"


def parse(stage: str, raw: str) -> Line:
    """A line that does not follow the documented shape is kept whole as its message."""
    parts = raw.split(" ", 2)
    if len(parts) == 3:
        try:
            at = datetime.fromisoformat(parts[0].replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            return Line(stage, at, parts[1].upper(), parts[2])
    return Line(stage, None, "", raw)


def stages_of(run: LastRun) -> list[tuple[str, Stage | None]]:
    return [(label, getattr(run.pipeline, attribute)) for attribute, label in STAGES]


def lines_of(run: LastRun) -> list[Line]:
    return [parse(label, raw) for label, stage in stages_of(run) if stage for raw in stage.logs]


def matching(lines: list[Line], *, level: str = "", text: str = "") -> list[Line]:
    """Lines at `level` or worse (WARN takes WARN and ERROR), containing `text` (any case)."""
    if level in LEVELS:
        worse = set(LEVELS[LEVELS.index(level) :]) | ({"WARNING"} if level != "ERROR" else set())
        lines = [line for line in lines if line.level in worse]
    if text:
        needle = text.casefold()
        lines = [line for line in lines if needle in line.message.casefold()]
    return lines


def newest(lines: list[Line]) -> datetime | None:
    times = [line.at for line in lines if line.at]
    return max(times) if times else None


def is_final(status: str) -> bool:
    return status in FINAL


def parse_stored(row: str) -> Line:
    """A line as `Line.text` stored it (tab-separated)."""
    parts = row.split("\t", 3)
    if len(parts) != 4:
        return Line("", None, "", row)
    stage, at, level, message = parts
    return Line(stage, datetime.fromisoformat(at) if at else None, level, message)
