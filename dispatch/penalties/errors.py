"""Errors of the penalty ledger as dispatch keeps it; each has a stable
`code` (core/errors.py) that the API sends and the console turns into words."""

from core.errors import Forbidden


class PenaltyOfAnotherBranch(Forbidden):
    """An entry recorded on another branch's order: that branch decides it (and admins); the
    worker's home branch sees it but may not reverse it."""

    code = "penalty_of_another_branch"

    def __init__(self, event_id: int):
        super().__init__(
            f"penalty {event_id} was recorded on another branch's order: only that branch "
            "(or the head office) may reverse it"
        )
