"""`brigada run`: the API, the jobs process and the scheduler as one supervised group."""

import contextlib
import os
import signal
import subprocess
import sys
import time

# How long the children have to stop after SIGTERM before their process groups are killed.
GRACE_S = 15.0

PROCESSES = {
    "api": ["api"],
    "jobs": ["jobs"],
    "scheduler": ["scheduler"],
}


def run_all() -> int:
    # Each child in its own process group: a terminal's Ctrl-C reaches only this supervisor,
    # which then stops every child with exactly one SIGTERM (a second signal makes dramatiq kill).
    children = {
        name: subprocess.Popen([sys.executable, "-m", "brigada.cli", *args], process_group=0)
        for name, args in PROCESSES.items()
    }
    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    exit_code = 0
    while not stopping:
        for name, child in children.items():
            if child.poll() is not None:
                print(
                    f"brigada: {name} exited with {child.returncode}; stopping the rest",
                    file=sys.stderr,
                )
                exit_code = child.returncode or 1
                stopping = True
        time.sleep(0.5)
    stop_groups(children.values())
    return exit_code


def _signal_group(child: subprocess.Popen, sig: int) -> None:
    # The child's group holds its own children too (uvicorn's workers, dramatiq's processes).
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, sig)


def _group_alive(child: subprocess.Popen) -> bool:
    child.poll()  # reap the leader, else it stays in the group as a zombie
    try:
        os.killpg(child.pid, 0)
    except ProcessLookupError:
        return False
    # Only zombies left (exited, waiting for a parent to reap them) count as gone.
    return any(_state(pid) not in ("Z", "X", None) for pid in _members(child.pid))


def stop_groups(children, grace_s: float = GRACE_S) -> None:
    """Stop every child and every descendant: SIGTERM, then SIGKILL to each process group
    still alive after grace_s, so a wedged worker cannot outlive `brigada run` holding the
    port and database connections."""
    children = list(children)
    for child in children:
        if child.poll() is None:
            # One SIGTERM, to the child alone: it stops its own workers (uvicorn, dramatiq), and
            # a second signal would make them skip their clean stop.
            child.send_signal(signal.SIGTERM)
        else:  # exited already: nobody is left to pass the signal on to its orphans
            _signal_group(child, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while any(_group_alive(c) for c in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    for child in children:
        if _group_alive(child):
            print(f"brigada: killing process group {child.pid}: still running", file=sys.stderr)
            _signal_group(child, signal.SIGKILL)
    for child in children:
        child.wait(timeout=10)


def _members(group: int) -> list[int]:
    """The processes whose process group is `group` (read from /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _stat(int(entry))
            if stat is not None and int(stat[2]) == group:
                found.append(int(entry))
    return found


def _stat(pid: int) -> list[str] | None:
    """/proc/<pid>/stat after the command name: state, ppid, pgrp, ..."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def _state(pid: int) -> str | None:
    stat = _stat(pid)
    return stat[0] if stat else None
