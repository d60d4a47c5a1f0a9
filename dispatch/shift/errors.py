"""Errors of the work on site: marks, the close, check-in, reviews; each has a stable
`code` (core/errors.py) that the API sends and the console turns into words."""

from datetime import datetime

from core.errors import Conflict, Forbidden, InvalidInput, NotFound


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


class ReasonRequired(InvalidInput):
    """A worker sent home unfit: the foreman says why (dispatch/enums.py SENT_HOME_REASONS)."""

    code = "sent_home_reason_required"


class UnknownReason(InvalidInput):
    code = "sent_home_reason_unknown"


class ReasonNotAsked(InvalidInput):
    """A reason given with a mark other than sent home: refused, not silently dropped."""

    code = "reason_not_asked"


class NotCheckedIn(Conflict):
    """A check-in to confirm that never happened."""

    code = "not_checked_in"


class NothingToUndo(Conflict):
    """An undo with no pending mark: never made, already undone or replaced by another mark."""

    code = "nothing_to_undo"


class UndoTooLate(Conflict):
    """An undo after the branch's undo window: the mark counts; correct it instead."""

    code = "undo_too_late"


class DidNotWork(Conflict):
    """A review of a worker who did not work on the order."""

    code = "did_not_work"


class CheckInRefused(Conflict):
    """The link is genuine but cannot record an arrival now; `reason` names why."""

    code = "checkin_refused"
    reasons = ("not_booked", "cancelled", "closed", "expired", "too_early", "marked")

    def __init__(self, reason: str, message: str, opens_at: datetime | None = None):
        if reason not in self.reasons:
            raise ValueError(f"unknown check-in refusal {reason!r}")
        super().__init__(message)
        self.reason = reason
        self.opens_at = opens_at


# -- the client's sign-off of a timesheet (dispatch/shift/signoff.py) --


class TimesheetNotClosed(Conflict):
    """A timesheet is signed off only after the close: until then its hours may change."""

    code = "timesheet_not_closed"


class NotOnTimesheet(NotFound):
    """A worker with no line on the order's timesheet."""

    code = "not_on_timesheet"


class LineAlreadyApproved(Conflict):
    """An approved line is final: it can no longer be disputed."""

    code = "line_already_approved"


class LineAlreadyDisputed(Conflict):
    code = "line_already_disputed"


class LineAlreadySettled(Conflict):
    """A settled dispute is final: the line is neither disputed again nor settled twice."""

    code = "line_already_settled"


class LineNotDisputed(Conflict):
    """Only a disputed line is settled."""

    code = "line_not_disputed"


class SignOffForbidden(Forbidden):
    """The caller may not speak for this order's client (signoff.may_sign_off)."""

    code = "sign_off_forbidden"


class SettledHoursInvalid(InvalidInput):
    code = "settled_hours_invalid"
