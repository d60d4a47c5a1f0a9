"""Errors of booking a named worker and of a top-up (dispatch/changes/named.py, topup.py);
each has a stable `code` (core/errors.py) that the API sends and the console turns into
words. Kept apart from the other changes' errors.py."""

from core.errors import Conflict, InvalidInput
from dispatch.fill.eligibility import AT_BOOKING


class NamedNotEligible(InvalidInput):
    """A named worker an eligibility rule refuses (the rules a YES must pass,
    dispatch/fill/eligibility.py AT_BOOKING); `reason` is the first rule failed, `failed`
    every one, `clash_code` the order they are booked on at that time, if any."""

    code = "named_not_eligible"
    reasons = AT_BOOKING

    def __init__(self, worker_id: int, failed: list[str], clash_code: str | None):
        words = ", ".join(failed)
        if clash_code is not None:
            words += f" (order {clash_code})"
        super().__init__("worker_id", f"worker {worker_id} cannot be booked: {words}")
        self.reason = failed[0]
        self.failed = failed
        self.clash_code = clash_code


class AlreadyBookedHere(Conflict):
    code = "already_booked_here"

    def __init__(self, worker_id: int, order_code: str):
        super().__init__(f"worker {worker_id} is already booked on order {order_code}")


class OrderFull(Conflict):
    """The order has booked its target: a named booking beyond it must be asked for
    (`over_target`), as the dispatcher's explicit choice."""

    code = "order_full"

    def __init__(self, order_code: str, booked: int, target: int):
        super().__init__(
            f"order {order_code} is full ({booked} booked of {target}); "
            "book over the target to add this worker anyway"
        )
        self.booked = booked
        self.target = target


class TopUpNotOpen(Conflict):
    """A top-up is for an order under way: started, not ended, not closed or cancelled."""

    code = "top_up_not_open"
    reasons = ("not_started", "ended", "closed", "awaiting_approval")

    def __init__(self, order_code: str, reason: str):
        if reason not in self.reasons:
            raise ValueError(f"unknown reason {reason!r}")
        said = {"not_started": "has not started: change its headcount instead"}
        super().__init__(f"order {order_code} {said.get(reason, 'is ' + reason)}")
        self.reason = reason


class TopUpCountInvalid(InvalidInput):
    code = "top_up_count_invalid"
