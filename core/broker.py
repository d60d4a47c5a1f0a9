"""The dramatiq broker on Redis and its middleware, in order."""

from functools import lru_cache

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import (
    AgeLimit,
    Callbacks,
    CurrentMessage,
    Pipelines,
    Retries,
    ShutdownNotifications,
    TimeLimit,
)

from core.settings import get_settings


def make_broker(redis_url: str) -> RedisBroker:
    middleware = [
        AgeLimit(),  # drop messages older than their max_age (stale timeouts)
        TimeLimit(),  # a stuck job is interrupted, not left holding a process
        ShutdownNotifications(),  # lets long jobs stop cleanly on Ctrl-C
        Callbacks(),  # on_success / on_failure hooks
        Pipelines(),  # job chains
        Retries(min_backoff=1_000, max_backoff=300_000),  # transient failures back off
        CurrentMessage(),  # actors can read their own message id for idempotency keys
    ]
    return RedisBroker(url=redis_url, middleware=middleware, namespace="brigada")


@lru_cache
def setup_broker() -> RedisBroker:
    """Build the broker from settings and make it dramatiq's global one (once per process)."""
    broker = make_broker(get_settings().redis_url)
    dramatiq.set_broker(broker)
    return broker
