"""Errors of copies and weekly patterns; each has a stable `code` (core/errors.py) that the API
sends and the console turns into words."""

from core.errors import InvalidInput, NotFound


class PatternNotFound(NotFound):
    code = "pattern_not_found"

    def __init__(self, key: object):
        super().__init__("order pattern", key)


class WeekdaysInvalid(InvalidInput):
    """No weekday, a number outside 1..7 (ISO: Monday is 1), or one named twice."""

    code = "pattern_weekdays_invalid"


class UntilInPast(InvalidInput):
    code = "pattern_until_past"


class UntilBeforeOrder(InvalidInput):
    """The pattern would end on or before the order's own day: it would never place one."""

    code = "pattern_until_before_order"


class UntilTooFarAhead(InvalidInput):
    code = "pattern_until_too_far"


class LeadOutOfRange(InvalidInput):
    code = "pattern_lead_out_of_range"
