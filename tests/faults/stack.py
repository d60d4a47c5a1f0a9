"""The processes under test, pointed at the private servers: the API (`brigada api`, two
uvicorn processes as deployed) and one jobs process (`brigada jobs`), sending through the
Twilio gateway to the fake Twilio. The scheduler's two reconcilers (`dispatch.reconcile`,
`sms.reconcile`) are sent by the test itself, every few seconds instead of every 60 s, so a
test sees in seconds what production does within a minute or two."""

import contextlib
import os
import signal
import subprocess
import sys
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import dramatiq
import httpx
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import NullPool

from core.broker import make_broker
from core.clock import now
from core.db import make_engine, session_scope
from core.jobs import QUEUE
from dispatch.models import Offer, Order
from sms.models import Message
from tests.builders import (
    MOSCOW,
    auth,
    make_branch,
    make_client,
    make_site,
    make_user,
    make_worker,
    offset,
)
from tests.faults.fake_twilio import Attempt, FakeTwilio
from tests.stack import ACCOUNT_SID, OUR_NUMBER, TOKEN, free_port

ROOT = Path(__file__).resolve().parents[2]
WAIT_S = 60.0
HANDED_OVER = ("sent", "delivered")  # taken by Twilio (and, for the latter, called back)


class FaultStack:
    def __init__(self, tmp_path: Path, *, database_url: str, redis_url: str, twilio: FakeTwilio):
        self.tmp_path = tmp_path
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        metrics = tmp_path / "metrics"
        metrics.mkdir()
        self.env = {
            **os.environ,
            "BRIGADA_ENV": "test",
            "BRIGADA_DATABASE_URL": database_url,
            "BRIGADA_REDIS_URL": redis_url,
            "BRIGADA_PORT": str(self.port),
            "BRIGADA_PUBLIC_URL": self.base,
            "BRIGADA_WEB_CONCURRENCY": "2",
            "BRIGADA_SMS_BACKEND": "twilio",
            "BRIGADA_TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "BRIGADA_TWILIO_AUTH_TOKEN": TOKEN,
            "BRIGADA_TWILIO_FROM": OUR_NUMBER,
            "BRIGADA_TWILIO_API_BASE": twilio.base,
            # The carrier limit is not under test: high enough never to hold a wave back.
            "BRIGADA_SMS_RATE_PER_SECOND": "1000",
            "PROMETHEUS_MULTIPROC_DIR": str(metrics),
            "PYTHONUNBUFFERED": "1",
        }
        self.procs: dict[str, subprocess.Popen] = {}  # running, watched by wait_for
        self.logs: dict[str, Path] = {}
        self._ended: dict[str, int] = {}
        self._starts: Counter[str] = Counter()
        self.engine = make_engine(database_url, poolclass=NullPool)
        self.factory = sessionmaker(bind=self.engine, expire_on_commit=False)
        self.broker = make_broker(redis_url)
        self.broker.declare_queue(QUEUE)
        self._stop_ticker = threading.Event()
        self._ticker: threading.Thread | None = None

    # --- processes ---------------------------------------------------------------------------

    def _start(self, name: str, *args: str) -> subprocess.Popen:
        self._starts[name] += 1
        label = name if self._starts[name] == 1 else f"{name}#{self._starts[name]}"
        log = self.tmp_path / f"{label}.log"
        self.logs[label] = log
        with log.open("wb") as out:  # a file: a full pipe would block the server
            proc = subprocess.Popen(
                [sys.executable, "-m", "brigada.cli", *args],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group: killed with its children
            )
        self.procs[name] = proc
        return proc

    def start_api(self) -> None:
        self._start("api", "api")
        self.wait_for(lambda: self.readyz() == 200, "the API to answer /readyz 200")

    def start_jobs(self) -> None:
        self._start("jobs", "jobs")

    def kill_jobs(self) -> None:
        """SIGKILL to the jobs process and its dramatiq workers: no clean-up of any kind."""
        proc = self.procs.pop("jobs")
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        self._ended[f"jobs (pid {proc.pid})"] = proc.returncode

    def pids(self, name: str) -> set[int]:
        """The process and its children (the API's uvicorn workers, dramatiq's workers)."""
        pid = self.procs[name].pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return {pid, *map(int, children)}

    def stop(self) -> None:
        self._stop_ticker.set()
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
        if self._ticker is not None:
            self._ticker.join(timeout=10)
        self.engine.dispose()

    def tails(self, lines: int = 30) -> str:
        out = []
        for label, path in self.logs.items():
            text = path.read_text(errors="replace").splitlines()[-lines:]
            out.append(f"--- {label}, last {lines} lines:\n" + "\n".join(text))
        return "\n".join(out)

    def wait_for(self, predicate, what: str, timeout_s: float = WAIT_S):
        from tests.stack import wait_for

        return wait_for(predicate, what, self, timeout_s)

    # --- the scheduler's reconcilers ---------------------------------------------------------

    def send(self, actor_name: str, *args) -> None:
        message: dramatiq.Message[object] = dramatiq.Message(
            queue_name=QUEUE, actor_name=actor_name, args=args, kwargs={}, options={}
        )
        self.broker.enqueue(message)

    def run_reconcilers(self, every_s: float = 2.0) -> None:
        """What `brigada scheduler` does every 60 s, every `every_s`; a tick the broker cannot
        take is lost, as the scheduler's would be."""

        def tick() -> None:
            while not self._stop_ticker.wait(every_s):
                for name in ("dispatch.reconcile", "sms.reconcile"):
                    with contextlib.suppress(Exception):
                        self.send(name)

        self._ticker = threading.Thread(target=tick, daemon=True)
        self._ticker.start()

    # --- HTTP --------------------------------------------------------------------------------

    def readyz(self) -> int | None:
        try:
            return httpx.get(f"{self.base}/readyz", timeout=5).status_code
        except httpx.HTTPError:
            return None

    def post_order(self, scene: "Scene", headcount: int, *, days: int = 1) -> httpx.Response:
        starts_at = (now() + timedelta(days=days)).replace(microsecond=0)
        return httpx.post(
            f"{self.base}/api/v1/orders",
            headers=scene.headers,
            json={
                "site_id": scene.site_id,
                "skill": "loader",
                "headcount": headcount,
                "starts_at": starts_at.isoformat(),
                "ends_at": (starts_at + timedelta(hours=8)).isoformat(),
                "client_rate": "250.00",
                "worker_rate": "120.00",
            },
            timeout=15,
        )

    # --- the database ------------------------------------------------------------------------

    def session(self):
        return session_scope(self.factory)


@dataclass(frozen=True)
class Scene:
    branch_id: int
    site_id: int
    headers: dict[str, str]  # a dispatcher's bearer token
    phones: dict[int, str]  # worker id -> phone


def make_scene(stack: FaultStack, *, workers: int, wave_multiple: str = "2.0") -> Scene:
    """A branch, a client's site in Moscow, `workers` loaders within 2 km and a dispatcher."""
    with stack.session() as session:
        branch = make_branch(session, code="FAULTS", wave_multiple=Decimal(wave_multiple))
        site = make_site(session, client=make_client(session, branch=branch), at=MOSCOW)
        phones = {}
        for i in range(workers):  # a grid 150 m apart, 10 a row
            home = offset(MOSCOW, north_m=150 * (i // 10) - 750, east_m=150 * (i % 10) - 700)
            worker = make_worker(session, branch=branch, near=home, phone=f"+7995{i:07d}")
            phones[worker.id] = worker.phone
        user = make_user(session, role="dispatcher", branch=branch, username="faults-dispatcher")
        return Scene(branch.id, site.id, auth(user), phones)


@dataclass(frozen=True)
class Outgoing:
    id: int
    order_id: int | None
    kind: str
    phone: str
    body: str
    status: str
    provider_sid: str | None


def outgoing(stack: FaultStack) -> list[Outgoing]:
    """Every outgoing message in the test's database (it holds only this test's)."""
    with stack.session() as session:
        rows = session.execute(
            select(
                Message.id,
                Message.order_id,
                Message.kind,
                Message.phone,
                Message.body,
                Message.status,
                Message.provider_sid,
            ).where(Message.direction == "out")
        )
        return [Outgoing(*row) for row in rows]


def offer_statuses(stack: FaultStack) -> Counter:
    with stack.session() as session:
        return Counter(session.scalars(select(Offer.status)))


def stored_orders(stack: FaultStack) -> dict[int, tuple[str, int]]:
    """order id -> (status, wave)."""
    with stack.session() as session:
        rows = session.execute(select(Order.id, Order.status, Order.wave))
        return {order_id: (status, wave) for order_id, status, wave in rows}


def sends_of(messages: list[Outgoing], twilio: FakeTwilio) -> dict[int, list[Attempt]]:
    """message id -> the fake Twilio's accepted (201) attempts for it, matched by (to, body)."""
    keys = Counter((m.phone, m.body) for m in messages)
    assert max(keys.values(), default=1) == 1, "two messages share phone and text: ambiguous"
    accepted = defaultdict(list)
    for attempt in twilio.accepted():
        accepted[attempt.key].append(attempt)
    unknown = set(accepted) - set(keys)
    assert not unknown, f"Twilio took texts the database does not hold: {sorted(unknown)[:3]}"
    return {m.id: accepted.get((m.phone, m.body), []) for m in messages}


def all_sent_once(stack: FaultStack, twilio: FakeTwilio, expected: int):
    """A wait_for predicate: `expected` outgoing messages, each handed over and taken by Twilio
    (a 201) at least once; with a .state() for the failure message."""

    def check():
        messages = outgoing(stack)
        sends = sends_of(messages, twilio)
        by_status = Counter(m.status for m in messages)
        counts = Counter(len(s) for s in sends.values())
        check.state = lambda: (
            f"{len(messages)} messages by status {dict(by_status)}, "
            f"by number of 201s {dict(counts)}, offers {dict(offer_statuses(stack))}"
        )
        done = len(messages) == expected and all(
            m.status in HANDED_OVER and len(sends[m.id]) >= 1 for m in messages
        )
        return (messages, sends) if done else None

    return check
