"""Errors of filling an order: offers, answers, the office's hand on an offer, pushes; each
has a stable `code` (core/errors.py) that the API sends and the console turns into words."""

from core.errors import Conflict, NotFound


class OfferNotFound(NotFound):
    code = "offer_not_found"

    def __init__(self, order_id: int, worker_id: int):
        super().__init__("offer", f"of order {order_id} to worker {worker_id}")


class OfferClosed(Conflict):
    code = "offer_closed"

    def __init__(self, status: str):
        super().__init__(f"the offer is {status}; it cannot be accepted")


class BookedElsewhere(Conflict):
    code = "booked_elsewhere"

    def __init__(self, worker_id: int, code: str | None):
        super().__init__(f"worker {worker_id} is already booked on order {code} at that time")


class NotEligible(Conflict):
    """A worker an eligibility rule refuses; `reason` is the rule's code
    (dispatch/fill/eligibility.py, whose codes a test holds equal to these)."""

    code = "not_eligible"
    reasons = (
        "inactive",
        "not_vetted",
        "opted_out",
        "phone_unreachable",
        "suspended",
        "paused",
        "patent_expired",
        "no_skill",
        "too_far",
        "booked_elsewhere",
        "said_busy",
        "blocked_by_client",
        "already_offered",
    )

    def __init__(self, worker_id: int, why: str, reason: str):
        if reason not in self.reasons:
            raise ValueError(f"unknown eligibility rule {reason!r}")
        super().__init__(f"worker {worker_id} {why}")
        self.reason = reason


class FillingOver(Conflict):
    """A push for more offers (the next wave, a wider radius) on an order whose filling is
    over: the shift has begun, or the order was cancelled or closed."""

    code = "filling_over"

    def __init__(self, code: str, status: str):
        super().__init__(f"order {code} is {status} and no longer being filled")


class OfferActionNotOpen(Conflict):
    """An action the offer's state does not allow (the page was older than the offer)."""

    code = "offer_action_not_open"

    def __init__(self, action: str, status: str):
        super().__init__(f"the offer is {status}: {action.replace('_', ' ')} is not possible")


class OfferTextWaiting(Conflict):
    """The offer's last text has not gone out yet: a second would say the same twice."""

    code = "offer_text_waiting"
