"""The real processes for end-to-end tests: uvicorn serving the app and a dramatiq jobs
process on Redis (outbox gateway), with helpers to wait on them and to post signed Twilio
webhooks."""

import asyncio
import itertools
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import httpx
import pytest
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from core.db import session_scope
from sms.models import Message

TOKEN = "e2e-twilio-auth-token-0123456789abcdef"
ACCOUNT_SID = "AC" + "e2e0" * 8
OUR_NUMBER = "+74950000000"
WAIT_S = 30.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Services:
    base: str
    logs: dict[str, Path]
    procs: dict[str, subprocess.Popen]

    def tails(self, lines: int = 25) -> str:
        out = []
        for name, path in self.logs.items():
            code = self.procs[name].poll()
            text = path.read_text(errors="replace").splitlines()[-lines:]
            state = "running" if code is None else f"exited {code}"
            out.append(f"--- {name} ({state}), last {lines} lines:\n" + "\n".join(text))
        return "\n".join(out)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # its own session: the group is this process's
        proc.wait(timeout=5)


@contextmanager
def running_stack(tmp_path: Path) -> Iterator[Services]:
    """The API on a free port and one jobs process, stopped however the test ends."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "BRIGADA_SMS_BACKEND": "outbox",
        "BRIGADA_TWILIO_AUTH_TOKEN": TOKEN,
        "BRIGADA_PUBLIC_URL": base,
        "BRIGADA_SMS_RATE_PER_SECOND": "1000",
        "PYTHONUNBUFFERED": "1",
    }
    commands = {
        "api": [
            *(sys.executable, "-m", "uvicorn", "api.main:create_app", "--factory"),
            *("--host", "127.0.0.1", "--port", str(port)),
        ],
        "jobs": [
            *(sys.executable, "-m", "dramatiq", "brigada.jobs"),
            *("--processes", "1", "--threads", "8"),
        ],
    }
    running = Services(base, {}, {})
    try:
        for name, command in commands.items():
            log = tmp_path / f"{name}.log"
            running.logs[name] = log
            with log.open("wb") as out:  # a file, not a pipe: a full pipe would block the server
                running.procs[name] = subprocess.Popen(
                    command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
                )

        def ready():
            try:
                return httpx.get(f"{base}/readyz", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        wait_for(ready, "the API to answer /readyz", running)
        yield running
    finally:
        for proc in running.procs.values():
            stop(proc)


class Watched(Protocol):
    """Processes wait_for watches while it polls (Services here, tests/faults' FaultStack)."""

    @property
    def procs(self) -> dict[str, subprocess.Popen]: ...

    def tails(self) -> str: ...


def wait_for(predicate, what: str, services: Watched | None = None, timeout_s: float = WAIT_S):
    """Poll until predicate() is truthy; fail naming what, the last state and the logs."""
    deadline = time.monotonic() + timeout_s
    while True:
        if result := predicate():
            return result
        if time.monotonic() > deadline:
            break
        for name, proc in (services.procs if services else {}).items():
            if proc.poll() is not None and services:
                pytest.fail(f"the {name} process died while waiting for {what}\n{services.tails()}")
        time.sleep(0.2)
    state = getattr(predicate, "state", lambda: "")()
    tails = services.tails() if services else ""
    pytest.fail(f"timed out after {timeout_s:.0f} s waiting for {what}; {state}\n{tails}")


def sign(url: str, params: dict[str, str], token: str = TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, params)


def inbound_form(sid: str, phone: str, body: str) -> dict[str, str]:
    return {
        "MessageSid": sid,
        "SmsSid": sid,
        "AccountSid": ACCOUNT_SID,
        "From": phone,
        "To": OUR_NUMBER,
        "Body": body,
        "NumMedia": "0",
        "NumSegments": "1",
    }


async def post_all(base: str, forms: list[dict[str, str]], token: str = TOKEN):
    """Post every form at once, each signed as Twilio would sign it."""
    url = f"{base}/sms/inbound"
    limits = httpx.Limits(max_connections=len(forms), max_keepalive_connections=0)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        return await asyncio.gather(
            *(
                client.post(url, data=form, headers={"X-Twilio-Signature": sign(url, form, token)})
                for form in forms
            )
        )


def texts_to(phone: str) -> list[tuple[str, str, str]]:
    """(kind, status, body) of every text we sent or queued to the phone, oldest first."""
    with session_scope() as session:
        rows = session.execute(
            select(Message.kind, Message.status, Message.body)
            .where(Message.phone == phone, Message.direction == "out")
            .order_by(Message.id)
        )
        return [(kind, status, body) for kind, status, body in rows.all()]


def inbound(sid: str) -> tuple[str, str, int | None] | None:
    """(kind, status, order id) of the inbound text with this MessageSid, if stored."""
    with session_scope() as session:
        row = session.execute(
            select(Message.kind, Message.status, Message.order_id).where(
                Message.provider_sid == sid
            )
        ).first()
        return None if row is None else (row[0], row[1], row[2])


class Texting:
    """Phones texting us through Twilio's signed webhook, each inbound MessageSid made of
    sid_prefix (the committed(...) cleanup finds them) and a running number."""

    def __init__(self, services: Services, sid_prefix: str) -> None:
        self.services, self.sid_prefix = services, sid_prefix
        self._numbers = itertools.count()

    def post(self, phone: str, body: str) -> str:
        """Post one inbound text (answered 200); its MessageSid."""
        digits = 34 - len(self.sid_prefix)
        sid = f"{self.sid_prefix}{next(self._numbers):0{digits}d}"
        (response,) = asyncio.run(post_all(self.services.base, [inbound_form(sid, phone, body)]))
        assert response.status_code == 200, response.text
        return sid

    def say(self, phone: str, body: str, expect_kind: str) -> str:
        """The phone texts body; waits for our answer of expect_kind to be sent: its text."""
        before = len(texts_to(phone))
        sid = self.post(phone, body)

        def answered():
            new = texts_to(phone)[before:]
            answered.state = lambda: f"{body!r} is {inbound(sid)}; texts after it: {new}"
            sent = [t for t in new if t[0] == expect_kind and t[1] == "sent"]
            return sent[-1][2] if sent else None

        return wait_for(answered, f"the answer {expect_kind} to {body!r}", self.services)

    def sent(self, phone: str, kind: str) -> list[str]:
        """Waits for a text of kind to the phone to be sent: the bodies of those sent."""

        def found():
            texts = texts_to(phone)
            found.state = lambda: f"texts to the phone: {texts}"
            return [body for k, status, body in texts if k == kind and status == "sent"]

        return wait_for(found, f"a {kind} text to be sent", self.services)
