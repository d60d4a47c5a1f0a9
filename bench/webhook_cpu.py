"""Where the webhook bench's CPU went: per process group given, PostgreSQL (for the bench's
database), Redis, the bench's client and the machine, from /proc; and waiting for a quiet
machine before a run (other work skews every figure on 2 cores).
"""

import os
import time
from pathlib import Path

from webhook_seed import DB_NAME

BUSY = 0.10  # share of a core other processes may use before a figure is marked not clean


TICK = os.sysconf("SC_CLK_TCK")


def ours_or_shared(proc_dir: str) -> bool:
    """A PostgreSQL process that serves this benchmark's database, or the whole server
    (postmaster, checkpointer, WAL writer...); not a backend of another database."""
    try:
        title = Path(proc_dir, "cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return False
    return f" {DB_NAME} " in title or "(" not in title


def cpu_by_owner(groups: dict[str, int]) -> dict[str, float]:
    """CPU seconds used so far: per process group given, by PostgreSQL (for our database),
    by Redis, by this process and its client processes; and the machine's (all cores)."""
    used = dict.fromkeys([*groups, "postgres", "redis", "bench client"], 0.0)
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        pgrp, seconds = int(fields[2]), (int(fields[11]) + int(fields[12])) / TICK
        if comm == "postgres":  # and its exited backends (the postmaster waited for them)
            seconds += (int(fields[13]) + int(fields[14])) / TICK
        owner = next((name for name, group in groups.items() if group == pgrp), None)
        if owner is None and int(entry.name) == os.getpid():
            owner = "bench client"  # with its client processes, once reaped
            seconds += (int(fields[13]) + int(fields[14])) / TICK
        elif owner is None and comm == "postgres" and ours_or_shared(entry.path):
            owner = "postgres"
        elif owner is None and comm.startswith("redis-server"):
            owner = "redis"
        if owner is not None:
            used[owner] += seconds
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    # user + nice + system + irq + softirq + steal (guest time is counted in user already)
    used["machine"] = sum(values[i] for i in (0, 1, 2, 5, 6, 7)) / TICK
    return used


def wait_for_quiet(max_wait_s: float, busy_limit: float = BUSY) -> float:
    """Wait until the machine is nearly idle (other work skews every figure on 2 cores);
    returns the busy share of one core in the last 2 s sampled."""
    deadline = time.monotonic() + max_wait_s
    while True:
        before = cpu_by_owner({})["machine"]
        time.sleep(2)
        busy = (cpu_by_owner({})["machine"] - before) / 2
        if busy < busy_limit or time.monotonic() > deadline:
            return busy


def cpu_line(
    before: dict[str, float], after: dict[str, float], seconds: float
) -> tuple[str, float]:
    """Where the CPU went, and the share of a core that processes not ours used."""
    used = {name: (after[name] - before[name]) / seconds for name in after}
    other = max(0.0, used.pop("machine") - sum(used.values()))
    parts = [f"{name} {share:.0%}" for name, share in used.items() if share > 0.005]
    line = f"CPU (100% = one core of {os.cpu_count()}): {', '.join(parts)}, other {other:.0%}"
    return line + f"; all {sum(used.values()) + other:.0%}", other
