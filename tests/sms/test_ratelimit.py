"""The per-sender rate, shared through Redis."""

import time

from core.settings import get_settings
from sms.ratelimit import SenderLimiter, rate_item


def test_rates_below_one_per_second_become_per_minute():
    assert rate_item(1).amount == 1 and rate_item(1).get_expiry() == 1
    assert rate_item(0.5).amount == 30 and rate_item(0.5).get_expiry() == 60
    assert rate_item(30).amount == 30


def test_two_limiters_share_one_budget_and_the_next_slot_waits():
    url = get_settings().redis_url
    first, second = SenderLimiter(url, 2), SenderLimiter(url, 2)  # two jobs processes
    assert first.acquire("+15550001", max_wait_s=0)
    assert second.acquire("+15550001", max_wait_s=0)
    assert not first.acquire("+15550001", max_wait_s=0)  # 2 per second used up
    assert second.acquire("+15550002", max_wait_s=0)  # another sender has its own budget
    started = time.monotonic()
    assert first.acquire("+15550001", max_wait_s=2)
    assert 0.2 < time.monotonic() - started < 1.6
