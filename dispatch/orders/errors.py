"""Errors of taking in, reading and cancelling orders; each has a stable
`code` (core/errors.py) that the API sends and the console turns into words."""

from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from dispatch.rates.errors import NoAgreedRate as NoAgreedRate  # the card's (moved)


class OrderNotFound(NotFound):
    code = "order_not_found"

    def __init__(self, key: object):
        super().__init__("order", key)


class OrderClosed(Conflict):
    code = "order_closed"

    def __init__(self, code: str, status: str):
        super().__init__(f"order {code} is {status}; it takes no more answers")


class TimeWithoutOffset(InvalidInput):
    code = "time_without_offset"


class HeadcountOutOfRange(InvalidInput):
    code = "headcount_out_of_range"


class ShiftInPast(InvalidInput):
    code = "shift_in_past"


class ShiftTooFarAhead(InvalidInput):
    code = "shift_too_far_ahead"


class ShiftEndsBeforeStart(InvalidInput):
    code = "shift_ends_before_start"


class ShiftTooLong(InvalidInput):
    code = "shift_too_long"


class NegativeRate(InvalidInput):
    code = "negative_rate"


class OrderFinished(Conflict):
    """The order is already completed or cancelled."""

    code = "order_finished"


class OrderUnderWay(Conflict):
    """Attendance is marked: the order can no longer be cancelled."""

    code = "order_under_way"


class NoFreeOrderCode(Conflict):
    code = "no_free_order_code"


class OrderCancelled(Conflict):
    code = "order_cancelled"


class ClientSetsNoRates(InvalidInput):
    """Rates are agreed with the office (the client's page): a client user or key sends none."""

    code = "client_sets_no_rates"


class ClientSetsNoForeman(InvalidInput):
    """The foreman who runs an order is the office's choice (else the site's): a client user
    or key names none."""

    code = "client_sets_no_foreman"


class ClientSetsNoOverbooking(InvalidInput):
    """How far to overbook (overbook_factor, overbooking_mode, fill_goal) is the office's: a
    client's order takes the branch's knobs."""

    code = "client_sets_no_overbooking"


class OrderNotAwaitingApproval(Conflict):
    """Approve or decline an order that is not (or no longer) awaiting the office's approval:
    already approved, declined or cancelled by the client."""

    code = "order_not_awaiting_approval"

    def __init__(self, code: str, status: str):
        super().__init__(f"order {code} is {status}, not awaiting approval")


class ApprovalAfterStart(Conflict):
    """The shift's start has passed while the order awaited approval: too late to fill it."""

    code = "order_approval_after_start"

    def __init__(self, code: str):
        super().__init__(f"order {code} has already started: decline it or place a new one")


class StartInsideLeadTime(InvalidInput):
    """A client moving a start sooner than the branch's approval lead time: ask the office."""

    code = "start_inside_lead_time"


class ApprovalByOfficeOnly(Forbidden):
    """Approving or declining is the office's (admin, manager, dispatcher), never the client's
    nor a foreman's."""

    code = "order_approval_office_only"
