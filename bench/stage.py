"""What the benches that run the real processes share: a database, a Redis db and a port of
their own, the settings those processes get, and starting and stopping them.

Nothing of the project is imported at the top: a bench sets the environment (`take`) before
the project's settings are first read.
"""

import contextlib
import math
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
HOST = "127.0.0.1"  # every request of a bench goes here and nowhere else
SERVER = f"postgres@{HOST}:5432"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def settings(*, database: str, redis_db: int, port: int) -> dict[str, str]:
    """The processes' settings: outbox SMS with no sending limit (the pipeline is measured)."""
    return {
        "BRIGADA_ENV": "test",
        "BRIGADA_SECRET_KEY": secrets.token_urlsafe(48),
        "BRIGADA_DATABASE_URL": f"postgresql+psycopg://{SERVER}/{database}",
        "BRIGADA_REDIS_URL": f"redis://{HOST}:6379/{redis_db}",
        "BRIGADA_PORT": str(port),
        "BRIGADA_PUBLIC_URL": f"http://{HOST}:{port}",
        "BRIGADA_TWILIO_AUTH_TOKEN": secrets.token_hex(16),
        "BRIGADA_SMS_BACKEND": "outbox",
        "BRIGADA_SMS_RATE_PER_SECOND": "100000",
    }


def take(values: dict[str, str]) -> None:
    """This process's and its children's environment: nothing from the caller's shell (say,
    real Twilio credentials)."""
    for name in [n for n in os.environ if n.startswith("BRIGADA_")]:
        del os.environ[name]
    os.environ.update(values)


def libpq_url(database: str) -> str:
    return f"postgresql://{SERVER}/{database}"


def recreate_database(name: str) -> None:
    """Dropped, created with PostGIS, migrated with the project's Alembic scripts."""
    import psycopg
    from alembic import command

    from brigada.cli import alembic_config

    with psycopg.connect(libpq_url("postgres"), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    with psycopg.connect(libpq_url(name), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    command.upgrade(alembic_config(), "head")


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def near(point, rng: random.Random, max_km: float):
    """A point uniformly within max_km of `point` (a geo.points.Point)."""
    from geo.points import Point

    distance, bearing = max_km * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi)
    dlat = distance / 111.32 * math.cos(bearing)
    dlon = distance / (111.32 * math.cos(math.radians(point.lat))) * math.sin(bearing)
    return Point(lat=round(point.lat + dlat, 6), lon=round(point.lon + dlon, 6))


def peak_memory_mb(pid: int) -> float | None:
    """The process's peak resident memory (VmHWM), or None once it has gone."""
    with contextlib.suppress(OSError, StopIteration, ValueError):
        status = Path(f"/proc/{pid}/status").read_text().splitlines()
        line = next(line for line in status if line.startswith("VmHWM:"))
        return int(line.split()[1]) / 1024
    return None


def server_processes(database: str) -> dict[int, str]:
    """The servers' processes, pid -> what it is: PostgreSQL's backends of `database`, its own
    (postmaster, checkpointer, WAL writer...; not another database's backends), Redis."""
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            comm = Path(entry.path, "comm").read_text().strip()
            title = Path(entry.path, "cmdline").read_bytes().decode(errors="replace")
            if comm == "redis-server":
                found[int(entry.name)] = "redis-server"
            elif comm == "postgres" and f" {database} " in title:
                found[int(entry.name)] = "postgres backend"
            elif comm == "postgres" and "(" not in title and "[local]" not in title:
                # the postmaster, checkpointer, WAL writer, autovacuum, parallel workers
                found[int(entry.name)] = "postgres server process"
    return found


class Processes:
    """The API and jobs processes, each in its own process group; all stopped by stop_all()."""

    def __init__(self, bench: str) -> None:
        self.bench = bench  # logs go to bench/results/<bench>-<name>.log
        self.running: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}

    def start(self, name: str, args: list[str], ready: str) -> subprocess.Popen:
        log_path = RESULTS / f"{self.bench}-{name}.log"
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                [sys.executable, *args],
                cwd=ROOT,
                env=os.environ.copy(),
                stdout=log,
                stderr=subprocess.STDOUT,
                process_group=0,
            )
        self.running[name], self.logs[name] = proc, log_path
        deadline = time.monotonic() + 60
        while ready.encode() not in log_path.read_bytes():
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}; see {log_path}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} not ready after 60 s; see {log_path}")
            time.sleep(0.1)
        return proc

    def stop(self, name: str) -> None:
        proc = self.running.pop(name)
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)  # once: a second one makes dramatiq kill
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
        with contextlib.suppress(ProcessLookupError):  # anything left of its group
            os.killpg(proc.pid, signal.SIGKILL)

    def stop_all(self) -> None:
        for name in list(self.running):
            self.stop(name)
