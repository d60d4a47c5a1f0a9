"""A shared Redis client for rate limits, heartbeats and readiness checks."""

from functools import lru_cache

import redis

from core.settings import get_settings


@lru_cache
def get_redis() -> redis.Redis:
    return redis.Redis.from_url(get_settings().redis_url, socket_timeout=2)
