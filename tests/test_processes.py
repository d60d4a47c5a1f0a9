"""End to end: `brigada run` starts the API, the jobs process and the scheduler; Ctrl-C stops all.

The scheduler's first heartbeat travels scheduler -> Redis -> jobs process, so a fresh
heartbeat key proves the three processes and the broker work together.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from core.heartbeat import KEY
from core.redis import get_redis


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children_of(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if parent == pid:
                found.append(int(entry))
    return found


def _state(pid: int) -> str | None:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None


def _alive(pid: int) -> bool:
    """Running, not an exited process its new parent has yet to reap (a zombie)."""
    return _state(pid) not in (None, "Z", "X")


def _wait(predicate, timeout_s: float, what: str):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            result = predicate()
            if result:
                return result
        except (httpx.HTTPError, OSError):
            pass
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def test_brigada_run_serves_works_jobs_and_stops_cleanly(engine):
    port = _free_port()
    env = {**os.environ, "BRIGADA_PORT": str(port)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "brigada.cli", "run"],
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        ready = _wait(lambda: httpx.get(f"{base}/readyz", timeout=2), 30, "the API")
        assert ready.status_code == 200
        assert httpx.get(f"{base}/docs", timeout=2).status_code == 200
        _wait(lambda: get_redis().get(KEY), 30, "the jobs process to run the heartbeat")
        metrics = httpx.get(f"{base}/metrics", timeout=2).text
        age = next(
            float(line.split()[-1])
            for line in metrics.splitlines()
            if line.startswith("brigada_jobs_heartbeat_age_seconds ")
        )
        assert 0 <= age < 60
        alive = subprocess.run(
            [sys.executable, "-m", "brigada.cli", "jobs-alive"], capture_output=True, text=True
        )
        assert alive.returncode == 0, alive.stdout
        children = _children_of(proc.pid)
        assert len(children) == 3  # api, jobs, scheduler
        # ...and theirs: uvicorn's two API processes (BRIGADA_WEB_CONCURRENCY), dramatiq's workers.
        descendants = [pid for child in children for pid in _children_of(child)]
        assert len(descendants) >= 3
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            code = proc.wait(timeout=25)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail("brigada run did not stop within 25 s of Ctrl-C")
    output = proc.stdout.read().decode(errors="replace")
    assert code == 0, output
    # No child, nor a child of theirs, outlived the supervisor.
    assert [(pid, _state(pid)) for pid in children + descendants if _alive(pid)] == []


def _stalled_request(port: int) -> socket.socket:
    """A request whose body never arrives: its API process waits for it for ever, and cannot
    finish a graceful stop (uvicorn waits for requests in flight)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    head = "POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\n"
    head += "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n"
    sock.sendall(head.encode() + b"username=")
    return sock


def test_brigada_run_kills_a_wedged_worker_after_the_grace_period(engine):
    """API processes stuck on requests that never end ignore SIGTERM for ever; after the grace
    period `brigada run` kills their process group: nothing outlives it."""
    port = _free_port()
    env = {**os.environ, "BRIGADA_PORT": str(port)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "brigada.cli", "run"],
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    descendants: list[int] = []
    stalled: list[socket.socket] = []
    try:
        _wait(lambda: httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2), 30, "the API")
        stalled = [_stalled_request(port) for _ in range(6)]  # on either uvicorn process
        time.sleep(1)
        children = _children_of(proc.pid)
        descendants = [pid for child in children for pid in _children_of(child)]
        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=40)  # the grace period (15 s) and the kill
        took = time.monotonic() - started
        survivors = [(pid, _state(pid)) for pid in children + descendants if _alive(pid)]
        assert survivors == [], f"outlived brigada run by {took:.0f} s"
        output = proc.stdout.read().decode(errors="replace")
        assert code == 0, output
        assert "killing process group" in output  # the wedge was real: SIGTERM was not enough
    finally:
        for sock in stalled:
            sock.close()
        for pid in [proc.pid, *descendants]:  # whatever is left, so no test run leaks it
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
