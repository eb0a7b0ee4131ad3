"""`make test` timed beside the machine's own speed at that moment.

On a shared host the same pure-Python loop takes from 2.2 to 6 s within an hour (2026-12-07), so a suite's
wall time alone says little. This runs a fixed loop before and after the suite, and prints the suite's
time, the machine's busy and idle CPU-seconds over it (/proc/stat), PostgreSQL's share of them, and the
20 slowest tests. It uses the environment as it is (DATABASE_URL, CELERY_BROKER_URL).

    .venv/bin/python bench/suite.py [--runs 1] [--xdist 2]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOOP = "x = 0\nfor i in range(30_000_000):\n    x += i\n"
POSTMASTER_PID = Path("/var/run/postgresql/15-main.pid")


def calibration() -> float:
    """Seconds for the fixed loop in a fresh interpreter, the median of three."""
    times = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run(["python3", "-c", LOOP], check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def cpu_seconds() -> tuple[float, float]:
    """The machine's busy and idle CPU-seconds so far."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, idle, iowait, irq, softirq, steal = fields
    tick = os.sysconf("SC_CLK_TCK")
    return (user + nice + system + irq + softirq + steal) / tick, (idle + iowait) / tick


def postgres_seconds() -> float | None:
    """PostgreSQL's CPU-seconds so far: the postmaster's, its ended backends' and its live ones'."""
    if not POSTMASTER_PID.exists():
        return None
    master = POSTMASTER_PID.read_text().split()[0]
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in [p for p in os.listdir("/proc") if p.isdigit()]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        if pid == master:
            total += sum(int(v) for v in fields[11:15])  # its own and its reaped children's
        elif fields[1] == master:
            total += int(fields[11]) + int(fields[12])
    return total / tick


def run_suite(xdist: int) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        ["make", "test", f"XDIST={xdist}", "PYTEST_ARGS=--durations=20"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - started, done.stdout + done.stderr


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--xdist", type=int, default=2)
    args = parser.parse_args()
    for run in range(1, args.runs + 1):
        before = calibration()
        busy, idle = cpu_seconds()
        postgres = postgres_seconds()
        wall, output = run_suite(args.xdist)
        busy_after, idle_after = cpu_seconds()
        busy, idle = busy_after - busy, idle_after - idle
        postgres_now = postgres_seconds()
        after = calibration()
        summary = re.findall(r"=+ (.*(?:passed|failed).* in [\d.]+s.*?) =+", output)
        print(f"\nmake test, {args.xdist} workers, run {run} of {args.runs}")
        print(f"  {summary[-1] if summary else 'no summary: ' + output[-2000:]}")
        print(f"  wall {wall:.1f} s; machine busy {busy:.0f} CPU-s, idle {idle:.0f} CPU-s", end="")
        if postgres is not None and postgres_now is not None:
            print(f", PostgreSQL {postgres_now - postgres:.0f} CPU-s", end="")
        print(f"\n  the fixed loop: {before:.2f} s before, {after:.2f} s after (2.2 s on a quiet host)")
        slowest = output.split("slowest 20 durations", 1)[-1].split("short test summary", 1)[0]
        print("  slowest 20:")
        for line in re.findall(r"^\d+\.\d+s .*$", slowest, re.M)[:20]:
            print(f"    {line}")


if __name__ == "__main__":
    main()
