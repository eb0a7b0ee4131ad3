"""`make run`: start the processes of a Procfile and keep them running.

honcho stops everything when one process exits, so a worker that died took the web server and beat
with it. Here a process that exits is started again after a pause (1 s, doubling up to 30 s when it
keeps dying); Ctrl-C (or SIGTERM) stops them all. Every start and exit is printed with its name.

    python scripts/run.py Procfile.dev [URL [WELCOME]]

With a URL, once the dashboard answers there, it says so last, in a frame, with how to sign in: the
admin password that `ensure_admin --welcome WELCOME` kept in that file (then deleted, so shown once).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
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


def welcome(url: str, password_file: Path | None, *, wait: float = 120.0) -> None:
    """Once `url` answers its health check, print where to go and how to sign in, framed, last."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        health = url.rstrip("/") + "/healthz"
        with contextlib.suppress(OSError), urllib.request.urlopen(health, timeout=2) as answer:  # noqa: S310
            if answer.status == 200:
                break
        time.sleep(0.5)
    else:
        say("web", f"did not answer at {url} within {wait:.0f} s; its lines above say why")
        return
    lines = [f"synadmin is ready: open {url}"]
    if password_file is not None and password_file.exists():
        lines.append(f"Sign in as admin with the password {password_file.read_text().strip()}")
        lines.append("(shown this once: keep it, or set another under Settings, Users)")
        password_file.unlink()
    else:
        lines.append("Sign in as admin (the password you were shown on the first run)")
    width = max(map(len, lines))
    frame = ["+" + "-" * (width + 2) + "+", *(f"| {line:<{width}} |" for line in lines)]
    sys.stdout.write("\n" + "\n".join([*frame, frame[0]]) + "\n\n")
    sys.stdout.flush()


def main(procfile: str, url: str = "", password_file: Path | None = None) -> None:
    commands = {}
    for line in Path(procfile).read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, command = line.split(":", 1)
            commands[name.strip()] = command.strip()
    running = {name: start(name, command) for name, command in commands.items()}
    if url:
        threading.Thread(target=welcome, args=(url, password_file), daemon=True).start()
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
    arguments = sys.argv[1:]
    main(
        arguments[0] if arguments else "Procfile.dev",
        arguments[1] if len(arguments) > 1 else "",
        Path(arguments[2]) if len(arguments) > 2 else None,
    )
