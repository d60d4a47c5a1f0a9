"""Private PostgreSQL and Redis servers for the fault tests, on free ports of their own.

A fault test stops, kills and restarts these and only these: the machine's shared PostgreSQL
(5432) and Redis (6379) are used by other people's runs and are never touched.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import redis

from tests.stack import free_port

ROOT = Path(__file__).resolve().parents[2]


def _postgres_bin() -> Path:
    """The newest installed PostgreSQL's programs (Debian keeps them out of PATH)."""
    if env := os.environ.get("BRIGADA_FAULTS_PG_BIN"):
        return Path(env)
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3])
    )
    if not versions:
        raise RuntimeError(
            "no PostgreSQL found under /usr/lib/postgresql (run scripts/services.sh)"
        )
    return versions[-1].parent


def _as_owner(command: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root: as root, its programs run as the postgres user.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def wait_until(predicate, what: str, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {timeout_s:.0f} s waiting for {what}")
        time.sleep(0.05)


class PrivatePostgres:
    """A throwaway cluster (trust auth, loopback only) with a migrated template database."""

    TEMPLATE = "brigada_faults_template"

    def __init__(self, root: Path):
        self.root = root
        self.data = root / "data"
        self.log = root / "postgres.log"
        self.port = free_port()
        self.bin = _postgres_bin()
        self._databases = 0

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _pg_ctl(self, *args: str) -> None:
        command = [str(self.bin / "pg_ctl"), "-D", str(self.data), "-w", "-t", "60", *args]
        subprocess.run(_as_owner(command), check=True, stdout=subprocess.DEVNULL, timeout=90)

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.root, user="postgres")
        command = [str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres"]
        subprocess.run(
            _as_owner([*command, "-E", "UTF8", "--no-sync"]),
            check=True,
            stdout=subprocess.DEVNULL,
            timeout=120,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        self._pg_ctl("-l", str(self.log), "-o", options, "start")

    def stop(self, mode: str = "fast") -> None:
        self._pg_ctl("-m", mode, "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def execute(self, sql: str, database: str = "postgres") -> None:
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=database, autocommit=True
        ) as conn:
            conn.execute(sql)

    def make_template(self) -> None:
        """The schema built once by `brigada migrate`; each test copies it (CREATE ... TEMPLATE)."""
        self.execute(f"CREATE DATABASE {self.TEMPLATE}")
        self.execute("CREATE EXTENSION postgis", self.TEMPLATE)
        env = {**os.environ, "BRIGADA_DATABASE_URL": self.url(self.TEMPLATE)}
        subprocess.run(
            [sys.executable, "-m", "brigada.cli", "migrate"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            timeout=300,
        )

    def new_database(self, name: str | None = None) -> str:
        self._databases += 1
        name = name or f"brigada_fault_{self._databases}"
        self.execute(f"CREATE DATABASE {name} TEMPLATE {self.TEMPLATE}")
        return name

    def drop_database(self, name: str) -> None:
        self.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


class PrivateRedis:
    """A redis-server that keeps nothing on disk: killed, it comes back empty, as after a crash."""

    def __init__(self, root: Path):
        self.root = root
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.root)]
        with (self.root / "redis.log").open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        client = redis.Redis(port=self.port, socket_timeout=1)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.RedisError:
                return False

        wait_until(answers, f"redis-server on port {self.port}")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
