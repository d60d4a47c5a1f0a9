"""Errors of recording hours; each has a stable `code` (core/errors.py) that the API sends
and the console turns into words."""

from core.errors import Conflict, Forbidden, InvalidInput


class BreakOutOfBounds(InvalidInput):
    """A break below 0, over MAX_BREAK_MIN, or not shorter than the shift."""

    code = "hours_break_out_of_bounds"


class OvertimeOutOfBounds(InvalidInput):
    """Overtime that does not run past the scheduled end, or runs past it by over 12 h."""

    code = "hours_overtime_out_of_bounds"


class OvertimeNotApproved(InvalidInput):
    """Overtime without the name of the client's person who approved it (or a name without
    overtime)."""

    code = "hours_overtime_not_approved"


class EarlyEndOutOfBounds(InvalidInput):
    """An early end outside the scheduled shift (starts_at .. ends_at)."""

    code = "hours_early_end_out_of_bounds"


class EndsTwice(InvalidInput):
    """Both an early end and overtime: the crew ended either before the end or after it."""

    code = "hours_end_conflict"


class ReasonRequired(InvalidInput):
    """A correction after the close says why."""

    code = "hours_reason_required"


class HoursOfficeOnly(Forbidden):
    """After the close only the office (dispatcher, manager, admin) corrects the hours."""

    code = "hours_office_only"


class LinesApproved(Conflict):
    """A correction after the client approved (or the office settled) a line: an approved
    line is final (dispatch/shift/signoff.py); a disputed one is settled through the dispute."""

    code = "hours_lines_approved"


class AlreadyPaid(Conflict):
    """A correction of an order whose day the branch has paid through (Branch.paid_through):
    pay already paid out is not changed afterwards."""

    code = "hours_already_paid"


class LineInvoiced(Conflict):
    """A line on an invoice (dispatch/billing/) is final: disputing, settling or re-timing it
    would leave the invoice out of step with the timesheet."""

    code = "line_invoiced"
