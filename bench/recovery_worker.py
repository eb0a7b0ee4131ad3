"""A real Celery worker for bench/recovery.py that stops at one point of a run and waits there to be
killed: `BENCH_PAUSE_AT` names the point (`synerise:before send`, `synerise:after send`,
`canvas:before send`, `canvas:after send`); on reaching it the worker writes `BENCH_PAUSE_MARKER` and
sleeps, and the bench kills its process group with SIGKILL. Without `BENCH_PAUSE_AT` it is a plain
`celery -A synadmin worker`. The pause sits at the client's edge (the remote call itself), so the job's
own code runs as in production up to the kill.

    python bench/recovery_worker.py worker --pool threads --concurrency 2 ...
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def pause_at(cls: Any, name: str, when: str, marker: Path, point: str) -> None:
    real = getattr(cls, name)

    def paused(*args: Any, **kwargs: Any) -> Any:
        if when == "before":
            marker.write_text(point)
            time.sleep(600)
        answer = real(*args, **kwargs)
        if when == "after":
            marker.write_text(point)
            time.sleep(600)
        return answer

    setattr(cls, name, paused)


def main() -> None:
    sys.path.insert(0, str(ROOT))
    point = os.environ.pop("BENCH_PAUSE_AT", "")
    marker = Path(os.environ.pop("BENCH_PAUSE_MARKER", os.devnull))
    if point:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "synadmin.settings")
        import django

        django.setup()
        from apps.automations.client import WorkflowsClient
        from apps.canvas.client import CanvasClient

        remote, when = point.split(":")
        cls = WorkflowsClient if remote == "synerise" else CanvasClient
        pause_at(cls, "run_workflow", when.split()[0], marker, point)
    from celery.__main__ import main as celery

    sys.argv = ["celery", "-A", "synadmin", *sys.argv[1:]]
    celery()


if __name__ == "__main__":
    main()
