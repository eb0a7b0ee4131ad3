"""The shared batch runner alone: 1,000 items, each two calls of 50 ms, 8 items in flight.

The calls are sleeps (no HTTP, no sandbox), and each item's end is audited as a bulk publish audits
it, so what is timed is the runner's own work: its threads, its writes of the items, progress and
cancel checks. The latency bound is 8 / (2 x 50 ms) = 80 items/s; the bulk publish bench adds the
sandbox's work (on a shared machine, most of its time). Target: at least 80% of the bound.

    .venv/bin/python bench/bulk_runner.py [--items 1000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

from harness import setup

CALL = 0.05  # seconds, as the sandbox's injected latency in bulk_publish.py


class Sleeps:
    """An item is one step of two calls, as a bulk publish's (read the record, then publish it); its
    end is audited as a bulk publish audits it."""

    def first(self, item: Any) -> Any:
        return self.publish

    def publish(self, key: str) -> str:
        time.sleep(CALL)  # the read
        time.sleep(CALL)  # the write
        return "Published"

    def settle(self, item: Any, answer: Any) -> Any:
        return str(answer)

    def ended(self, item: Any, *, ok: bool, message: str) -> None:
        from apps.core import audit

        audit.record(None, "bench.item", None, outcome="ok" if ok else "failed", error="", bulk=item.job_id)


def once(items: int) -> float:
    from apps.jobs import runner, services
    from apps.jobs.models import Job, JobItem

    job = services.create_job(kind="bench.runner", label="Bench runner", task_name="bench")
    JobItem.objects.bulk_create(JobItem(job=job, key=f"k{n}", name=f"Item {n}") for n in range(items))
    claimed = Job.objects.claim(job.pk)
    assert claimed is not None
    started = time.perf_counter()
    runner.run(claimed, Sleeps())
    elapsed = time.perf_counter() - started
    assert runner.counts(claimed)["done"] == items
    return items / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    setup("synadmin_bench")

    from apps.jobs import runner

    bound = runner.WORKERS / (2 * CALL)
    print(f"Batch runner, {args.items} items of two {CALL * 1000:.0f} ms calls, {runner.WORKERS} in flight")
    print(f"  latency bound {bound:.0f} items/s; load average {os.getloadavg()[0]:.1f}")
    for _ in range(args.runs):
        rate = once(args.items)
        print(f"  {rate:6.1f} items/s   {rate / bound:4.0%} of the bound")


if __name__ == "__main__":
    main()
