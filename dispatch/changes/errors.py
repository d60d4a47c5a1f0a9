"""Errors of changing an order once placed; each has a stable `code` (core/errors.py) that
the API sends and the console turns into words (api/console/words/errors.py)."""

from core.errors import Conflict, InvalidInput


class OrderNotChangeable(Conflict):
    """The order is cancelled or completed: nothing about it changes any more."""

    code = "order_not_changeable"

    def __init__(self, code: str, status: str):
        super().__init__(f"order {code} is {status}; it can no longer be changed")


class ChangeAfterStart(Conflict):
    """The shift has begun: its headcount and times are what the site lives with now (a
    top-up adds workers, the foreman sends extras home, the hours record a longer day)."""

    code = "order_change_after_start"

    def __init__(self, field: str, code: str):
        super().__init__(f"order {code} has started: its {field} can no longer change")
        self.field = field


class NotesTooLong(InvalidInput):
    code = "order_notes_too_long"


class ValueMissing(InvalidInput):
    """A field sent empty (null) that an order cannot be without."""

    code = "order_change_value_missing"
