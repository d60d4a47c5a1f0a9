"""The dramatiq broker (Redis or RabbitMQ, by BRIGADA_BROKER_URL) and its middleware, in order."""

from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import dramatiq
from dramatiq.broker import Consumer
from dramatiq.brokers.rabbitmq import RabbitmqBroker
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import (
    AgeLimit,
    Callbacks,
    CurrentMessage,
    Middleware,
    Pipelines,
    Retries,
    ShutdownNotifications,
    TimeLimit,
)
from sqlalchemy.engine import make_url

from core.settings import Settings, get_settings

NAMESPACE = "brigada"


def middleware() -> list[Middleware]:
    return [
        AgeLimit(),  # drop messages older than their max_age (stale timeouts)
        TimeLimit(),  # a stuck job is interrupted, not left holding a process
        ShutdownNotifications(),  # lets long jobs stop cleanly on Ctrl-C
        Callbacks(),  # on_success / on_failure hooks
        Pipelines(),  # job chains
        Retries(min_backoff=1_000, max_backoff=300_000),  # transient failures back off
        CurrentMessage(),  # actors can read their own message id for idempotency keys
    ]


class NamespacedRabbitmqBroker(RabbitmqBroker):
    """RabbitMQ with every queue named `<namespace>.<queue>`: Brigadas (or parallel test
    workers) sharing one RabbitMQ never take each other's jobs, as Redis's db numbers keep
    them apart. Actors keep their plain queue names ("default"); only the wire sees these."""

    def __init__(self, *, namespace: str, **kwargs: Any) -> None:
        self.namespace = namespace
        super().__init__(**kwargs)

    def own(self, queue_name: str) -> str:
        # Idempotent: messages read back from RabbitMQ (retries, delays) carry the full name.
        prefix = f"{self.namespace}."
        return queue_name if queue_name.startswith(prefix) else prefix + queue_name

    def declare_queue(self, queue_name: str, *, ensure: bool = False) -> None:
        super().declare_queue(self.own(queue_name), ensure=ensure)

    def consume(self, queue_name: str, prefetch: int = 1, timeout: int = 5000) -> Consumer:
        return super().consume(self.own(queue_name), prefetch, timeout)

    def enqueue(
        self, message: dramatiq.Message[Any], *, delay: int | None = None
    ) -> dramatiq.Message[Any]:
        named = message.copy(queue_name=self.own(message.queue_name))
        return super().enqueue(named, delay=delay)

    def get_queue_message_counts(self, queue_name: str) -> tuple[int, int, int]:
        return super().get_queue_message_counts(self.own(queue_name))

    def flush(self, queue_name: str) -> None:
        super().flush(self.own(queue_name))


def make_broker(url: str, *, queue_prefix: str = NAMESPACE) -> dramatiq.Broker:
    """Redis for redis:// and rediss://, RabbitMQ for amqp:// and amqps:// (its queues named
    `<queue_prefix>.<queue>`); nothing connects until the first job is sent or consumed."""
    scheme = urlsplit(url).scheme
    if scheme in ("redis", "rediss"):
        # Redis keeps the namespace on its keys (brigada:default); db numbers part Brigadas.
        return RedisBroker(url=url, middleware=middleware(), namespace=NAMESPACE)
    if scheme in ("amqp", "amqps"):
        # confirm_delivery: a job counts as sent once RabbitMQ has it, not when it left here.
        return NamespacedRabbitmqBroker(
            url=url, middleware=middleware(), namespace=queue_prefix, confirm_delivery=True
        )
    raise ValueError(f"BRIGADA_BROKER_URL: no broker for {scheme or 'a URL without a scheme'}")


def broker_for(settings: Settings) -> dramatiq.Broker:
    """The broker BRIGADA_BROKER_URL names. RabbitMQ's queues are named after the database:
    the jobs in them act on its rows."""
    database = make_url(settings.database_url).database or NAMESPACE
    return make_broker(settings.jobs_broker_url, queue_prefix=database)


@lru_cache
def setup_broker() -> dramatiq.Broker:
    """Build the broker from settings and make it dramatiq's global one (once per process)."""
    broker = broker_for(get_settings())
    dramatiq.set_broker(broker)
    return broker
