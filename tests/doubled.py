"""Every process twice (issue 22 part 3): two `brigada api` on two ports, two `brigada jobs`
and two `brigada scheduler`, one database, one broker; webhooks signed for the one public URL
both APIs answer behind (a load balancer's), posted to either; texts go to the fake Twilio
of tests/faults, which records every send that reaches it."""

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.faults.fake_twilio import FakeTwilio
from tests.stack import (
    ACCOUNT_SID,
    OUR_NUMBER,
    TOKEN,
    free_port,
    inbound_form,
    sign,
    stop,
    wait_for,
)

PUBLIC_URL = "https://brigada.example"  # what Twilio signs: the balancer's address
RETRY_S = 0.5  # a follower scheduler tries to lead this often


@dataclass
class Doubled:
    """The six processes by name (api_a, api_b, jobs_1, jobs_2, scheduler_1, scheduler_2)."""

    bases: dict[str, str]  # API name -> its own http://127.0.0.1:port
    twilio: FakeTwilio
    logs: dict[str, Path] = field(default_factory=dict)
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)

    def tails(self, lines: int = 25) -> str:
        out = []
        for name, path in self.logs.items():
            code = self.procs[name].poll() if name in self.procs else "killed"
            text = path.read_text(errors="replace").splitlines()[-lines:]
            out.append(f"--- {name} ({code}), last {lines} lines:\n" + "\n".join(text))
        return "\n".join(out)

    def says(self, name: str, words: str) -> bool:
        return words in self.logs[name].read_text(errors="replace")

    def leader(self) -> str | None:
        """The scheduler whose log says it leads (and that still runs)."""
        leading = [
            name
            for name in self.procs
            if name.startswith("scheduler") and self.says(name, "leader:")
        ]
        return leading[0] if len(leading) == 1 else None

    def kill(self, name: str) -> None:
        """SIGKILL to the process and everything it started (its group): no clean-up at all."""
        proc = self.procs.pop(name)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def _environment(twilio: FakeTwilio, port: int | None) -> dict[str, str]:
    env = {
        **os.environ,
        "BRIGADA_SMS_BACKEND": "twilio",
        "BRIGADA_TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "BRIGADA_TWILIO_AUTH_TOKEN": TOKEN,
        "BRIGADA_TWILIO_FROM": OUR_NUMBER,
        "BRIGADA_TWILIO_API_BASE": twilio.base,
        "BRIGADA_PUBLIC_URL": PUBLIC_URL,
        "BRIGADA_SMS_RATE_PER_SECOND": "1000",
        "BRIGADA_WEB_CONCURRENCY": "1",  # one process per API: a kill takes the whole API
        "BRIGADA_SCHEDULER_RETRY_S": str(RETRY_S),
        "BRIGADA_SCHEDULER_CHECK_S": str(RETRY_S),
        "PYTHONUNBUFFERED": "1",
    }
    return env if port is None else {**env, "BRIGADA_PORT": str(port)}


@contextmanager
def running_doubled(tmp_path: Path) -> Iterator[Doubled]:
    """The six processes, each started at once; stopped however the test ends."""
    ports = {"api_a": free_port(), "api_b": free_port()}
    bases = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    doubled = Doubled(bases, FakeTwilio().start())
    commands = {
        "api_a": ["api"],
        "api_b": ["api"],
        "jobs_1": ["jobs", "--threads", "4"],
        "jobs_2": ["jobs", "--threads", "4"],
        "scheduler_1": ["scheduler"],
        "scheduler_2": ["scheduler"],
    }
    try:
        for name, command in commands.items():
            doubled.logs[name] = log = tmp_path / f"{name}.log"
            with log.open("wb") as out:  # a file, not a pipe: a full pipe would block it
                doubled.procs[name] = subprocess.Popen(
                    [sys.executable, "-m", "brigada.cli", *command],
                    env=_environment(doubled.twilio, ports.get(name)),
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
        for base in doubled.bases.values():
            wait_for(lambda base=base: _ready(base), f"{base} to answer /readyz", doubled)
        wait_for(doubled.leader, "one scheduler to lead", doubled)
        wait_for(
            lambda: sum(doubled.says(n, "follower:") for n in doubled.procs) == 1,
            "the other scheduler to follow",
            doubled,
        )
        yield doubled
    finally:
        for proc in doubled.procs.values():
            stop(proc)
        doubled.twilio.stop()


def _ready(base: str) -> bool:
    try:
        return httpx.get(f"{base}/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


async def _post_texts(posts: list[tuple[str, dict[str, str]]]) -> list[httpx.Response]:
    signed_for = f"{PUBLIC_URL}/sms/inbound"
    limits = httpx.Limits(max_connections=len(posts), max_keepalive_connections=0)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        return await asyncio.gather(
            *(
                client.post(
                    f"{base}/sms/inbound",
                    data=form,
                    headers={"X-Twilio-Signature": sign(signed_for, form)},
                )
                for base, form in posts
            )
        )


def text_in(posts: list[tuple[str, str, str, str]]) -> list[httpx.Response]:
    """Inbound texts (API base, MessageSid, phone, body), all posted at once."""
    forms = [(base, inbound_form(sid, phone, body)) for base, sid, phone, body in posts]
    return asyncio.run(_post_texts(forms))


async def _requests(calls: list[tuple[str, str, dict, dict]]) -> list[httpx.Response]:
    async with httpx.AsyncClient(timeout=30) as client:
        return await asyncio.gather(
            *(client.post(url, headers=headers, json=body) for url, _, headers, body in calls)
        )


def post_at_once(calls: list[tuple[str, str, dict, dict]]) -> list[httpx.Response]:
    """POSTs (full URL, a label, headers, JSON body) sent together."""
    return asyncio.run(_requests(calls))


def seconds_until(predicate, what: str, doubled: Doubled, timeout_s: float = 30) -> float:
    started = time.monotonic()
    wait_for(predicate, what, doubled, timeout_s=timeout_s)
    return time.monotonic() - started
