"""Errors of the rate card and of an order's rates; each has a stable `code` (core/errors.py)
that the API sends and the console turns into words."""

from core.errors import Conflict, Forbidden, InvalidInput


class CardRowInvalid(InvalidInput):
    """A rate card row with a bad value (a negative rate, a percent outside 0..300, minimum
    hours outside 0..24, an unknown skill or client); the field names the row."""

    code = "rate_card_invalid"


class CardRowTwice(InvalidInput):
    """Two rate card rows for the same skill (and the same client, or both branch rows)."""

    code = "rate_card_duplicate"


class RateReasonMissing(InvalidInput):
    """Rates typed that differ from the rate card's without a reason (rate_reason)."""

    code = "rate_reason_missing"


class CardManagersOnly(Forbidden):
    """Only the branch's manager or an admin changes the rate card."""

    code = "rate_card_managers_only"


class NoAgreedRate(InvalidInput):
    """An order without rates, for a skill with no row on the card (the client's or the
    branch's)."""

    code = "no_agreed_rate"


class ClientMoved(Conflict):
    """The client moved to another branch while its agreed rates were being saved: save again
    (the new branch's card is locked then)."""

    code = "client_moved"

    def __init__(self, client_id: int) -> None:
        super().__init__(f"client {client_id} moved to another branch meanwhile; save again")
