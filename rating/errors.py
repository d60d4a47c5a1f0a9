"""Errors of the penalty ledger; each has a stable `code` (core/errors.py) that the API sends
and the console turns into words."""

from core.errors import Conflict, NotFound


class PenaltyNotFound(NotFound):
    code = "penalty_not_found"

    def __init__(self, key: object):
        super().__init__("penalty", key)


class PenaltyAlreadyReversed(Conflict):
    code = "penalty_already_reversed"

    def __init__(self, event_id: int):
        super().__init__(f"penalty {event_id} was already reversed")


class ReversalNotReversible(Conflict):
    """A reversal is itself never reversed: the original entry's history is the record."""

    code = "reversal_not_reversible"

    def __init__(self, event_id: int):
        super().__init__(f"penalty {event_id} is itself a reversal")


class ReviewAlreadyGiven(Conflict):
    code = "review_already_given"

    def __init__(self, worker_id: int, order_id: int):
        super().__init__(f"worker {worker_id} already has a review for order {order_id}")
