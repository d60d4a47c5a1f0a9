"""One sending rate per sender number, shared by every jobs process through Redis."""

import time

from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter


def rate_item(per_second: float) -> RateLimitItem:
    """limits counts whole messages: below 1/s the rate is expressed per minute."""
    if per_second >= 1:
        return parse(f"{int(per_second)}/second")
    return parse(f"{max(1, round(per_second * 60))}/minute")


class SenderLimiter:
    def __init__(self, redis_url: str, per_second: float):
        self._limiter = MovingWindowRateLimiter(storage_from_string(redis_url))
        self._item = rate_item(per_second)

    def acquire(self, sender: str, max_wait_s: float = 5.0) -> bool:
        """Take one send slot for this sender, waiting up to max_wait_s; False if none came."""
        deadline = time.monotonic() + max_wait_s
        while True:
            if self._limiter.hit(self._item, "brigada-sms", sender):
                return True
            reset_at, _ = self._limiter.get_window_stats(self._item, "brigada-sms", sender)
            pause = max(0.01, min(reset_at - time.time(), deadline - time.monotonic()))
            if time.monotonic() + pause > deadline:
                return False
            time.sleep(pause)


class InboundLimiter:
    """Texts taken in from one number, in a moving window shared by every API process: a
    flood from one phone stops costing work (and replies) at the door."""

    NAMESPACE = "brigada-sms-in"

    def __init__(self, redis_url: str, rate: str):
        self._limiter = MovingWindowRateLimiter(storage_from_string(redis_url))
        self._item = parse(rate)

    def allow(self, phone: str, kind: str) -> bool:
        """One more text of this kind ("answer" or "other") from the phone within the rate?"""
        return self._limiter.hit(self._item, self.NAMESPACE, kind, phone)
