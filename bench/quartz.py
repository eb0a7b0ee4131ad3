"""The next 1,000 fire times of 100 Quartz expressions: time per expression (parse included).

The 100 are the doc's four, the presets the Scheduler screen writes, the day-field specials (L, L-n, W,
LW, nL, n#k), years, and generated mixes of lists, ranges and steps (seeded, so every run measures the
same ones). Pure Python, no database. The sandbox's evaluator, written apart, is timed on the same set.

    .venv/bin/python bench/quartz.py [--fires 1000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness import percentile  # noqa: E402

from apps.canvas import quartz  # noqa: E402
from apps.sandbox.canvas import quartz as sandbox_quartz  # noqa: E402

START = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
FIXED = [
    "0 0 * ? * *",
    "0 0 0/1 ? * * *",
    "0 0 2,6 ? * TUE *",
    "0 0/5 * ? * * *",
    "0 0/1 * ? * *",
    "0 0/15 * ? * *",
    "0 30 * ? * *",
    "0 0 5 ? * *",
    "0 0 5 ? * MON-FRI",
    "0 0 21 ? * SUN-THU",
    "0 30 0 ? * MON",
    "* * * ? * *",
    "*/10 * * ? * *",
    "0 0 0 L * ?",
    "0 0 0 L-3 * ?",
    "0 0 12 15W * ?",
    "0 0 12 LW * ?",
    "0 0 9 ? * 6L",
    "0 0 9 ? * 2#1",
    "0 15 10 ? * 6#3 2027-2060",
    "0 0 0 29 2 ?",
    "0 0 0 1 1 ? 2030/5",
    "0 0 0 ? * L",
    "0 0 8-18/2 ? * MON-FRI",
    "0 0 0 1,15 * ?",
]


def generated(count: int) -> list[str]:
    rng = random.Random(12)

    def field(low: int, high: int) -> str:
        kind = rng.randrange(5)
        a, b = sorted(rng.sample(range(low, high + 1), 2))
        return ["*", str(a), f"{a}-{b}", f"{a}/{rng.randint(1, max(1, high // 3))}", f"{a},{b}"][kind]

    found: list[str] = []
    while len(found) < count:
        by_month = rng.random() < 0.5
        dom = field(1, 28) if by_month else "?"
        dow = "?" if by_month else field(1, 7)
        found.append(f"{field(0, 59)} {field(0, 59)} {field(0, 23)} {dom} {field(1, 12)} {dow}")
    return found


def time_each(parse: object, expressions: list[str], fires: int) -> tuple[list[float], list[int]]:
    times, counts = [], []
    for text in expressions:
        began = time.perf_counter()
        cron = parse(text)  # type: ignore[operator]
        if hasattr(cron, "fires"):
            found = len(list(islice(cron.fires(START), fires)))
        else:
            found, moment = 0, START
            while found < fires and (moment := cron.next_after(moment)) is not None:
                found += 1
        times.append((time.perf_counter() - began) * 1000)
        counts.append(found)
    return times, counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fires", type=int, default=1000)
    args = parser.parse_args()
    expressions = FIXED + generated(100 - len(FIXED))
    print(
        f"Next {args.fires} fire times of {len(expressions)} Quartz expressions, "
        f"from {START:%Y-%m-%d %H:%M} UTC"
    )
    for name, parse in (
        ("Dashboard (apps.canvas)", quartz.parse),
        ("Sandbox (independent)", sandbox_quartz.parse),
    ):
        times, counts = time_each(parse, expressions, args.fires)
        slowest = max(range(len(times)), key=times.__getitem__)
        print(
            f"  {name:24} median {statistics.median(times):6.2f} ms   "
            f"p95 {percentile(times, 0.95):6.2f} ms   "
            f"max {max(times):6.2f} ms ({expressions[slowest]})   "
            f"total {sum(times) / 1000:5.2f} s, {sum(counts)} fires"
        )


if __name__ == "__main__":
    main()
