"""RabbitMQ killed (SIGKILL) with jobs waiting in it: started again, every job is still there,
each delivered once (README, "Jobs: Redis or RabbitMQ"). Redis as services.sh runs it comes
back empty instead (test_redis_down.py)."""

import shutil
import tempfile
import time
from pathlib import Path

import pytest
from dramatiq import Message

from core.broker import make_broker
from tests.faults.rabbitmq import PrivateRabbitmq

JOBS = 20


@pytest.fixture
def rabbitmq():
    root = Path(tempfile.mkdtemp(prefix="brigada-faults-rabbitmq-"))
    server = PrivateRabbitmq(root)
    try:
        server.start()
        yield server
    finally:
        server.kill()
        shutil.rmtree(root, ignore_errors=True)


def test_jobs_enqueued_before_a_broker_crash_are_there_after_it(rabbitmq, figure):
    broker = make_broker(rabbitmq.url, queue_prefix="brigada_faults")
    broker.declare_queue("default", ensure=True)
    for order_id in range(JOBS):  # each confirmed by RabbitMQ before enqueue returns
        broker.enqueue(
            Message(
                queue_name="default",
                actor_name="dispatch.fill",
                args=(order_id,),
                kwargs={},
                options={},
            )
        )
    broker.close()

    rabbitmq.kill()
    started = time.monotonic()
    rabbitmq.start()
    back_s = time.monotonic() - started

    broker = make_broker(rabbitmq.url, queue_prefix="brigada_faults")
    try:
        assert broker.get_queue_message_counts("default")[0] == JOBS
        consumer = broker.consume("default", prefetch=JOBS, timeout=2000)
        got = []
        for message in consumer:
            if message is None:
                break
            got.append(message.args[0])
            consumer.ack(message)
        consumer.close()
        assert sorted(got) == list(range(JOBS))  # each once, none lost
    finally:
        broker.close()
    figure(f"{JOBS} jobs waiting, RabbitMQ killed and back in {back_s:.1f} s: {len(got)} kept")
