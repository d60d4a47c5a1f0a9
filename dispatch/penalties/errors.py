"""Errors of the penalty ledger as dispatch keeps it; each has a stable
`code` (core/errors.py) that the API sends and the console turns into words."""

from core.errors import Conflict, Forbidden, InvalidInput, NotFound


class PenaltyOfAnotherBranch(Forbidden):
    """An entry recorded on another branch's order: that branch decides it (and admins); the
    worker's home branch sees it but may not reverse it."""

    code = "penalty_of_another_branch"

    def __init__(self, event_id: int):
        super().__init__(
            f"penalty {event_id} was recorded on another branch's order: only that branch "
            "(or the head office) may reverse it"
        )


class DisputeNotFound(NotFound):
    code = "dispute_not_found"

    def __init__(self, dispute_id: int):
        super().__init__("dispute", dispute_id)


class DisputeDecided(Conflict):
    """The case was decided already (by another dispatcher, or reversed at its deadline)."""

    code = "dispute_decided"

    def __init__(self, dispute_id: int):
        super().__init__(f"dispute {dispute_id} is already decided")


class DisputeOfficeOnly(Forbidden):
    """Only the office (admin, manager, dispatcher) decides a worker's dispute."""

    code = "dispute_office_only"

    def __init__(self) -> None:
        super().__init__("only the office decides a worker's dispute")


class PayoutBatchNotFound(NotFound):
    code = "payout_batch_not_found"

    def __init__(self, batch_id: int):
        super().__init__("payout_batch", batch_id)


class PayoutBatchAlreadyPaid(Conflict):
    """A batch is marked paid once; a paid batch is not deleted either."""

    code = "batch_already_paid"

    def __init__(self, batch_id: int):
        super().__init__(f"payout batch {batch_id} is already paid")


class PayoutLinesTaken(Conflict):
    """Another batch, made at the same moment, took some of the lines first (the unique
    constraint decided): make the batch again, it takes what is left."""

    code = "payout_lines_taken"

    def __init__(self) -> None:
        super().__init__("another batch took some of these lines at the same moment")


class NothingToPay(InvalidInput):
    """No payable line of the period is left outside a batch."""

    code = "payout_batch_empty"


class PayoutsOfficeOnly(Forbidden):
    """Payout batches are the office's (admin, manager, dispatcher); an owner reads them."""

    code = "payout_batch_office_only"

    def __init__(self) -> None:
        super().__init__("only the office makes and pays payout batches")
