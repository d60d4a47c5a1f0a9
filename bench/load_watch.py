"""The load bench's memory watch: the peak resident memory of the API and jobs processes
and of the servers' processes (PostgreSQL's backends of the bench database and its own,
Redis), read every second before they exit.
"""

import contextlib
import os
import statistics
import threading
from collections import defaultdict
from pathlib import Path

import stage
from load_seed import DB_NAME

# --- processes -------------------------------------------------------------------------------


def group_members(pgid: int) -> list[int]:
    pids = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = Path(entry.path, "stat").read_text()
                if int(stat[stat.rindex(")") + 2 :].split()[2]) == pgid:
                    pids.append(int(entry.name))
    return pids


class MemoryWatch:
    """Peak RSS of every process in the groups and of the servers' processes (PostgreSQL's
    backends of the bench database and its own, Redis), read every second before they exit."""

    def __init__(self, groups: dict[str, int]):
        self.groups, self.peaks = groups, {}
        self.servers: dict[str, dict[int, float]] = defaultdict(dict)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            self.read()

    def read(self) -> None:
        for name, pgid in self.groups.items():
            for pid in group_members(pgid):
                peak = stage.peak_memory_mb(pid)
                if peak is not None:
                    key = f"{name} pid {pid}"
                    self.peaks[key] = max(self.peaks.get(key, 0.0), peak)
        for pid, what in stage.server_processes(DB_NAME).items():
            peak = stage.peak_memory_mb(pid)
            if peak is not None:
                self.servers[what][pid] = max(self.servers[what].get(pid, 0.0), peak)

    def lines(self) -> list[str]:
        mine = [
            f"- peak memory (VmHWM): {name} {mb:.0f} MB" for name, mb in sorted(self.peaks.items())
        ]
        # A backend's figure counts the shared buffers it touched, shared with the others.
        theirs = [
            f"- peak memory (VmHWM): {what}: {len(peaks)} seen, the largest"
            f" {max(peaks.values()):.0f} MB, median {statistics.median(peaks.values()):.0f} MB"
            for what, peaks in sorted(self.servers.items())
        ]
        return mine + theirs

    def stop(self) -> dict[str, float]:
        self.read()
        self._stop.set()
        return self.peaks
