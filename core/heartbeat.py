"""Proof that the scheduler -> Redis -> jobs pipeline is alive, read by /metrics."""

import time
from typing import cast

import dramatiq

from core.broker import setup_broker
from core.redis import get_redis

KEY = "brigada:heartbeat:jobs"

setup_broker()


@dramatiq.actor(actor_name="core.heartbeat", max_retries=0, max_age=60_000)
def heartbeat() -> None:
    get_redis().set(KEY, f"{time.time():.3f}")


def last_beat_age_s() -> float | None:
    """Seconds since a jobs process last ran the heartbeat, or None if never."""
    # redis-py types every reply as "Awaitable | Any" (one signature for its sync and async
    # clients); the sync client without decode_responses answers bytes, or None for no key.
    raw = cast(bytes | None, get_redis().get(KEY))
    return None if raw is None else max(0.0, time.time() - float(raw))
