"""Two real `brigada scheduler` processes on one database and one broker (issue 22 part 3):
exactly one leads and enqueues the periodic work; SIGKILL the leader and the other takes over
within its retry interval, with nothing enqueued twice meanwhile."""

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import psycopg
import pytest
from dramatiq import Actor
from redis import Redis

from brigada.scheduler import PERIODIC, _send_while_leading, lead_while_chosen
from core.jobs import QUEUE, QUEUES
from core.leader import Leadership, libpq_url
from core.redis import get_redis
from core.settings import get_settings
from tests.brokers import RABBITMQ_URL, empty_rabbitmq_queues, rabbitmq_broker
from tests.faults.servers import PrivateRedis

RETRY_S = 0.5
EVERY_ACTOR = {actor.actor_name for actor, _ in PERIODIC}


def _queued(redis: Redis | None = None) -> Counter[str]:
    """Messages waiting on the Redis broker, by actor (no jobs process runs: nothing is taken)."""
    redis = redis or get_redis()
    counts: Counter[str] = Counter()
    for key in redis.scan_iter("brigada:*.msgs"):  # dramatiq's Redis broker: one hash a queue
        for raw in cast(list[bytes], redis.hvals(key)):
            counts[json.loads(raw)["actor_name"]] += 1
    return counts


@dataclass
class Queued:
    """Where the schedulers send their jobs (the environment they get) and what waits there:
    on Redis by actor; on RabbitMQ by queue, its depth (an actor is not known untaken)."""

    env: dict[str, str]
    count: Callable[[], Counter[str]]
    key: Callable[[Actor], str]

    def each(self, times: int) -> Counter[str]:
        """Every periodic job queued `times` times."""
        return Counter(self.key(actor) for actor, _ in PERIODIC for _ in range(times))


def _start(log: Path, broker_env: dict[str, str]) -> subprocess.Popen:
    env = {
        **os.environ,
        **broker_env,
        "BRIGADA_SCHEDULER_RETRY_S": str(RETRY_S),
        "BRIGADA_SCHEDULER_CHECK_S": str(RETRY_S),
    }
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "brigada.cli", "scheduler"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _wait(predicate, timeout_s: float, what: str) -> float:
    """Seconds it took predicate() to hold."""
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        if predicate():
            return time.monotonic() - started
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


def _says(log: Path, words: str) -> bool:
    return words in log.read_text(errors="replace")


@pytest.fixture(params=["redis", "rabbitmq"])
def queued(request, tmp_path) -> Iterator[Queued]:
    """The schedulers' broker. Redis: a redis-server of this test's own, so the counts below
    are of every queue in it and no other run can flush or fill it meanwhile. RabbitMQ: the
    machine's, this test worker's queues (named after its database) purged before and after."""
    if request.param == "redis":
        server = PrivateRedis(tmp_path)
        server.start()
        redis = Redis.from_url(server.url, socket_timeout=2)
        env = {"BRIGADA_REDIS_URL": server.url, "BRIGADA_BROKER_URL": server.url}
        try:
            yield Queued(env, lambda: _queued(redis), lambda actor: actor.actor_name)
        finally:
            server.kill()
        return
    broker = rabbitmq_broker()
    empty_rabbitmq_queues(broker)
    queues = set(QUEUES.values()) | {QUEUE}

    def depths() -> Counter[str]:
        counts = {queue: broker.get_queue_message_counts(queue)[0] for queue in queues}
        return Counter({queue: n for queue, n in counts.items() if n})

    try:
        yield Queued({"BRIGADA_BROKER_URL": RABBITMQ_URL}, depths, lambda a: a.queue_name)
    finally:
        empty_rabbitmq_queues(broker)
        broker.close()


def test_one_scheduler_leads_and_the_other_takes_over_when_it_is_killed(tmp_path, queued):
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    procs = [_start(log, queued.env) for log in logs]
    follower = None  # a failure before the lead is known must not end in a NameError below
    try:
        _wait(lambda: all(_says(log, "periodic core.heartbeat") for log in logs), 20, "both")
        _wait(lambda: sum(_says(log, "follower:") for log in logs) == 1, 5, "a follower")
        _wait(lambda: queued.count() == queued.each(1), 5, "the leader's first round")
        time.sleep(4 * RETRY_S)  # the follower has retried a few times by now
        assert queued.count() == queued.each(1)  # each periodic job enqueued once, not twice
        leader = next(i for i, log in enumerate(logs) if _says(log, "leader:"))
        follower = 1 - leader
        assert not _says(logs[follower], "leader:")

        procs[leader].send_signal(signal.SIGKILL)
        procs[leader].wait(timeout=5)
        took = _wait(lambda: _says(logs[follower], "leader:"), 5, "the follower to lead")
        print(f"scheduler takeover after SIGKILL: {took:.2f} s")
        assert took < RETRY_S + 2, f"took over in {took:.1f} s"
        _wait(lambda: queued.count() == queued.each(2), 3, "2nd round")
        time.sleep(2 * RETRY_S)
        assert queued.count() == queued.each(2)  # and nothing more
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        codes = [proc.wait(timeout=10) for proc in procs]
    assert follower is not None and codes[follower] == 0, logs[follower].read_text()


def test_a_leader_whose_connection_is_ended_stops_scheduling_and_leads_again_later(caplog):
    """In one process: the lead's session is ended by PostgreSQL (pg_terminate_backend, as a
    failover or an admin would); the scheduler notices within its check interval, schedules
    nothing while another holds the lead, and leads again once it is free."""
    url = get_settings().database_url
    ours, other = Leadership(url), Leadership(url)
    stopping = threading.Event()
    loop = threading.Thread(
        target=lead_while_chosen,
        args=(ours, stopping),
        kwargs={"retry_s": 0.1, "every_s": 0.1},
    )
    caplog.set_level(logging.INFO, logger="brigada.scheduler")
    loop.start()
    try:
        _wait(lambda: _queued() == Counter(EVERY_ACTOR), 5, "the first round")
        with psycopg.connect(libpq_url(url), autocommit=True) as admin:
            ended = admin.execute("SELECT pg_terminate_backend(%s, 5000)", (ours.backend_pid(),))
            assert ended.fetchone() == (True,)
        assert other.claim() is True  # the lock went with the ended session
        _wait(lambda: "stepped down" in caplog.text, 2, "the leader to step down")
        time.sleep(0.5)  # several retries, all refused: other leads
        assert _queued() == Counter(EVERY_ACTOR)
        other.release()
        _wait(lambda: _queued() == Counter({n: 2 for n in EVERY_ACTOR}), 3, "leading again")
    finally:
        stopping.set()
        loop.join(timeout=5)
        other.release()
    assert not loop.is_alive()
    assert ours.backend_pid() is None  # it let the lead and its connection go on stopping


def test_a_send_after_the_lead_was_lost_sends_nothing():
    """Between two checks the lead can go (the session ended); the next send asks first."""
    ours = Leadership(get_settings().database_url)
    send = _send_while_leading(PERIODIC[0][0], ours)
    try:
        assert ours.claim()
        send()
        assert sum(_queued().values()) == 1
        with psycopg.connect(libpq_url(get_settings().database_url), autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s, 5000)", (ours.backend_pid(),))
        send()
        assert sum(_queued().values()) == 1
        assert ours.leading is False
    finally:
        ours.release()
