"""RabbitMQ for the end-to-end job tests, which make test runs on both brokers: the machine's
own unless BRIGADA_TEST_RABBITMQ_URL says otherwise."""

import os

from core import broker, db
from core import redis as core_redis
from core.broker import NamespacedRabbitmqBroker, broker_for
from core.jobs import QUEUE, QUEUES
from core.settings import get_settings

RABBITMQ_URL = os.environ.get("BRIGADA_TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")


def settings_afresh() -> None:
    """The settings and what is built from them (engine, sessions, Redis, broker) read again
    from the environment, after a test changed it."""
    for cached in (
        get_settings,
        db.get_engine,
        db.get_sessionmaker,
        core_redis.get_redis,
        broker.setup_broker,
    ):
        cached.cache_clear()


def rabbitmq_broker() -> NamespacedRabbitmqBroker:
    """RabbitMQ with the queues a jobs process of this test worker reads (named after its
    database, so parallel workers and other checkouts never take each other's jobs)."""
    broker = broker_for(get_settings().model_copy(update={"broker_url": RABBITMQ_URL}))
    assert isinstance(broker, NamespacedRabbitmqBroker), broker
    return broker


def empty_rabbitmq_queues(broker: NamespacedRabbitmqBroker) -> None:
    """Purge this worker's queues (with their delayed and dead-letter ones), as the Redis db
    is flushed per test: no job of an earlier test or run is left for the next jobs process."""
    for queue in set(QUEUES.values()) | {QUEUE}:
        broker.declare_queue(queue, ensure=True)
    broker.flush_all()


def rabbitmq_readers(queue: str) -> int:
    """How many consumers (jobs processes' threads) read this worker's queue on RabbitMQ."""
    broker = rabbitmq_broker()
    try:
        broker.declare_queue(queue, ensure=True)
        declared = broker.channel.queue_declare(queue=broker.own(queue), passive=True)
        return int(declared.method.consumer_count)
    finally:
        broker.close()


def delete_rabbitmq_queues(broker: NamespacedRabbitmqBroker) -> None:
    """Delete this worker's queues (with their delayed and dead-letter ones): for queues named
    after a database of one run only, which would otherwise pile up on the shared RabbitMQ."""
    for queue in set(QUEUES.values()) | {QUEUE}:
        for name in (queue, f"{queue}.DQ", f"{queue}.XQ"):
            broker.channel.queue_delete(queue=broker.own(name))
