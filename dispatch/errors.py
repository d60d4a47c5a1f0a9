"""Errors of branches, clients, sites, staff, orders and the work on site; each has a stable
`code` (core/errors.py) that the API sends and the console turns into words."""

from core.errors import Conflict, Forbidden, InvalidInput, NotFound


class BranchNotFound(NotFound):
    code = "branch_not_found"

    def __init__(self, key: object):
        super().__init__("branch", key)


class ClientNotFound(NotFound):
    code = "client_not_found"

    def __init__(self, key: object):
        super().__init__("client", key)


class SiteNotFound(NotFound):
    code = "site_not_found"

    def __init__(self, key: object):
        super().__init__("site", key)


class UserNotFound(NotFound):
    code = "user_not_found"

    def __init__(self, key: object):
        super().__init__("user", key)


class WordingNotFound(NotFound):
    code = "wording_not_found"

    def __init__(self, key: object):
        super().__init__("wording", key)


class DuplicateName(Conflict):
    code = "duplicate_name"

    def __init__(self, field: str, value: str):
        super().__init__(f"{field}: {value!r} is already taken")
        self.field = field


class OrderNotFound(NotFound):
    code = "order_not_found"

    def __init__(self, key: object):
        super().__init__("order", key)


class OfferNotFound(NotFound):
    code = "offer_not_found"

    def __init__(self, order_id: int, worker_id: int):
        super().__init__("offer", f"of order {order_id} to worker {worker_id}")


class OrderClosed(Conflict):
    code = "order_closed"

    def __init__(self, code: str, status: str):
        super().__init__(f"order {code} is {status}; it takes no more answers")


class OfferClosed(Conflict):
    code = "offer_closed"

    def __init__(self, status: str):
        super().__init__(f"the offer is {status}; it cannot be accepted")


class BookedElsewhere(Conflict):
    code = "booked_elsewhere"

    def __init__(self, worker_id: int, code: str):
        super().__init__(f"worker {worker_id} is already booked on order {code} at that time")


class NotEligible(Conflict):
    """A worker an eligibility rule refuses; `reason` is the rule's code (dispatch/eligibility.py,
    whose codes a test holds equal to these)."""

    code = "not_eligible"
    reasons = (
        "inactive",
        "not_vetted",
        "opted_out",
        "phone_unreachable",
        "suspended",
        "no_skill",
        "too_far",
        "booked_elsewhere",
        "blocked_by_client",
        "already_offered",
    )

    def __init__(self, worker_id: int, why: str, reason: str):
        if reason not in self.reasons:
            raise ValueError(f"unknown eligibility rule {reason!r}")
        super().__init__(f"worker {worker_id} {why}")
        self.reason = reason


class LastActiveAdmin(Conflict):
    code = "last_active_admin"

    def __init__(self, username: str):
        super().__init__(f"{username} is the last active admin; the network would have none")


class PasswordChangeRequired(Forbidden):
    code = "password_change_required"

    def __init__(self):
        super().__init__(
            "password change required: sign-in used a one-time password; set your own with "
            "POST /api/v1/auth/password first"
        )


class WrongPassword(InvalidInput):
    code = "wrong_password"

    def __init__(self, field: str = "old_password", why: str = "the current password is wrong"):
        super().__init__(field, why)


class WeakPassword(InvalidInput):
    """A new password the one password rule refuses; `reason` says which part of it."""

    code = "weak_password"
    reasons = ("required", "too_short", "too_long", "is_username", "unchanged")

    def __init__(self, field: str, why: str, reason: str):
        if reason not in self.reasons:
            raise ValueError(f"unknown password refusal {reason!r}")
        super().__init__(field, why)
        self.reason = reason


class MayNotManageUser(Forbidden):
    code = "may_not_manage_user"

    def __init__(self, actor_role: str, user_role: str):
        super().__init__(
            f"a {actor_role} may not switch off or reset the password of a {user_role}"
        )


# -- staff and the registry ----------------------------------------------------------------


class HeadOfficeOnly(Forbidden):
    """Only an admin (the head office) may do this."""

    code = "head_office_only"


class NotAForeman(InvalidInput):
    code = "not_a_foreman"


# -- taking an order in and cancelling it -------------------------------------------------


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


class FillingOver(Conflict):
    """A push for more offers (the next wave, a wider radius) on an order whose filling is
    over: the shift has begun, or the order was cancelled or closed."""

    code = "filling_over"

    def __init__(self, code: str, status: str):
        super().__init__(f"order {code} is {status} and no longer being filled")


class NoFreeOrderCode(Conflict):
    code = "no_free_order_code"


# -- the office's hand on one offer (dispatch/office.py) ----------------------------------


class OfferActionNotOpen(Conflict):
    """An action the offer's state does not allow (the page was older than the offer)."""

    code = "offer_action_not_open"

    def __init__(self, action: str, status: str):
        super().__init__(f"the offer is {status}: {action.replace('_', ' ')} is not possible")


class OfferTextWaiting(Conflict):
    """The offer's last text has not gone out yet: a second would say the same twice."""

    code = "offer_text_waiting"


# -- marks on site and the close ------------------------------------------------------------


class OrderCancelled(Conflict):
    code = "order_cancelled"


class AttendanceFinal(Conflict):
    """The shift is closed: its marks are final."""

    code = "attendance_final"


class NotBooked(Conflict):
    code = "not_booked"


class ShiftNotStarted(Conflict):
    code = "shift_not_started"


class UnknownEnd(InvalidInput):
    """A close's end of work is neither "now" nor "scheduled"."""

    code = "unknown_end"


class EndNotChosen(InvalidInput):
    """A close before the scheduled end must say when work ended: now, or at the end."""

    code = "end_not_chosen"


class NoArrival(Conflict):
    """Left early without an arrival to leave from."""

    code = "no_arrival"


class UnknownMark(InvalidInput):
    code = "unknown_mark"


class MarkInFuture(InvalidInput):
    code = "mark_in_future"


class ArrivalTooEarly(InvalidInput):
    code = "arrival_too_early"


class ArrivalAfterEnd(InvalidInput):
    code = "arrival_after_end"


class LeftBeforeArrival(InvalidInput):
    code = "left_before_arrival"


class NotCheckedIn(Conflict):
    """A check-in to confirm that never happened."""

    code = "not_checked_in"


class NothingToUndo(Conflict):
    """An undo with no pending mark: never made, already undone or replaced by another mark."""

    code = "nothing_to_undo"


class UndoTooLate(Conflict):
    """An undo after the branch's undo window: the mark counts; correct it instead."""

    code = "undo_too_late"


# -- the ledger -----------------------------------------------------------------------------


class PenaltyOfAnotherBranch(Forbidden):
    """An entry recorded on another branch's order: that branch decides it (and admins); the
    worker's home branch sees it but may not reverse it."""

    code = "penalty_of_another_branch"

    def __init__(self, event_id: int):
        super().__init__(
            f"penalty {event_id} was recorded on another branch's order: only that branch "
            "(or the head office) may reverse it"
        )


# -- reviews --------------------------------------------------------------------------------


class DidNotWork(Conflict):
    """A review of a worker who did not work on the order."""

    code = "did_not_work"


# -- branch policy ------------------------------------------------------------------------


class PolicyInvalid(InvalidInput):
    """A policy knob unknown, of the wrong type, out of its bounds, or at odds with another."""

    code = "policy_invalid"
