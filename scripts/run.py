"""`make run`: start the processes of a Procfile and keep them running.

honcho stops everything when one process exits, so a worker that died took the web server and beat
with it. Here a process that exits is started again after a pause (1 s, doubling up to 30 s when it
keeps dying); Ctrl-C (or SIGTERM) stops them all. Every start and exit is printed with its name.

    python scripts/run.py Procfile.dev
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

STEADY = 60.0  # a process that ran this long before it exited is restarted after the shortest pause


def say(name: str, message: str) -> None:
    sys.stdout.write(f"{time.strftime('%H:%M:%S')} run.py | {name}: {message}\n")
    sys.stdout.flush()


def start(name: str, command: str) -> subprocess.Popen[bytes]:
    # `exec`: the shell becomes the process, so a signal to the pid reaches the program itself.
    process = subprocess.Popen(f"exec {command}", shell=True, start_new_session=True)
    say(name, f"started (pid {process.pid}): {command}")
    return process


def main(procfile: str) -> None:
    commands = {}
    for line in Path(procfile).read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, command = line.split(":", 1)
            commands[name.strip()] = command.strip()
    running = {name: start(name, command) for name, command in commands.items()}
    started = {name: time.monotonic() for name in commands}
    pause = dict.fromkeys(commands, 1.0)
    due: dict[str, float] = {}

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        while True:
            time.sleep(0.5)
            for name, process in list(running.items()):
                code = process.poll()
                if code is None:
                    continue
                del running[name]
                _kill_group(process)  # what it started (a worker's pool) goes with it
                if time.monotonic() - started[name] > STEADY:
                    pause[name] = 1.0
                how = f"killed by signal {-code}" if code < 0 else f"exited with code {code}"
                say(name, f"{how}; starting it again in {pause[name]:.0f} s (the others keep running)")
                due[name] = time.monotonic() + pause[name]
                pause[name] = min(30.0, pause[name] * 2)
            for name, at in list(due.items()):
                if time.monotonic() >= at:
                    del due[name]
                    running[name] = start(name, commands[name])
                    started[name] = time.monotonic()
    except KeyboardInterrupt:
        say("all", "stopping (Ctrl-C or SIGTERM)")
        for process in running.values():
            os.killpg(process.pid, signal.SIGTERM)
        for name, process in running.items():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
            say(name, "stopped")


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "Procfile.dev")
