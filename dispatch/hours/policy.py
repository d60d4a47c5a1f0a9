"""The hours rule: pure functions of plain values (no database, no clock).

A line's span runs from the arrival (or the start, if earlier) to leaving, capped by the end
of work for everyone (end_of_work): the end chosen at the close (dispatch/shift/onsite.py
end_of_work), never past the scheduled end; an early end (ended_at) cuts it, never lengthens
it; approved overtime (overtime_until, with who approved it) moves it past the scheduled end,
up to the close's moment at most.
Worked minutes = span - break, unless the branch pays breaks (never below 0). The worker is
paid the worked minutes exactly; the client is billed them rounded by the branch's rule
("minute", "quarter", "half") to the nearest unit, halves up (docs/hours.md says why).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.money import hours_of as hours_of  # the sheet's hours, defined once
from dispatch.enums import LineState
from dispatch.hours.errors import (
    BreakOutOfBounds,
    EarlyEndOutOfBounds,
    EndsTwice,
    OvertimeNotApproved,
    OvertimeOutOfBounds,
)

ROUNDING = ("minute", "quarter", "half")
UNIT_MIN = {"minute": 1, "quarter": 15, "half": 30}
MAX_BREAK_MIN = 600
MAX_OVERTIME = timedelta(hours=12)
MAX_APPROVER = 120  # characters of the approver's name


@dataclass(frozen=True)
class Terms:
    """The hours' inputs of one timesheet version (none yet: NO_TERMS, the close's sheet)."""

    break_min: int = 0
    overtime_until: datetime | None = None
    overtime_approved_by: str | None = None  # the client's person, by name
    overtime_approved_at: datetime | None = None  # when it was recorded
    ended_at: datetime | None = None  # an early end for the whole crew


NO_TERMS = Terms()


@dataclass(frozen=True)
class Rules:
    """A branch's knobs for hours (dispatch/registry/knobs.py)."""

    rounding: str = "minute"
    break_paid: bool = False
    timezone: str = "Europe/Moscow"  # the branch's: its night and its days off (dispatch/rates)


def check_terms(terms: Terms, starts_at: datetime, ends_at: datetime) -> None:
    """Refuse terms that cannot have happened; each refusal names its field."""
    shift_min = int((ends_at - starts_at).total_seconds() // 60)
    if not 0 <= terms.break_min <= MAX_BREAK_MIN or terms.break_min >= shift_min:
        raise BreakOutOfBounds(
            "break_min",
            f"must be 0 to {min(MAX_BREAK_MIN, shift_min - 1)} minutes (shorter than the shift)",
        )
    if terms.overtime_until is not None:
        if not ends_at < terms.overtime_until <= ends_at + MAX_OVERTIME:
            raise OvertimeOutOfBounds(
                "overtime_until", "must be after the scheduled end, by at most 12 hours"
            )
        if not (terms.overtime_approved_by or "").strip():
            raise OvertimeNotApproved(
                "overtime_approved_by", "overtime needs the name of the client's approver"
            )
    elif terms.overtime_approved_by:
        raise OvertimeNotApproved("overtime_until", "an approver without overtime")
    if terms.ended_at is not None:
        if not starts_at <= terms.ended_at <= ends_at:
            raise EarlyEndOutOfBounds("ended_at", "must be between the start and the end")
        if terms.overtime_until is not None:
            raise EndsTwice("ended_at", "an early end and overtime cannot both hold")


def end_of_work(
    closed_end: datetime | None,
    ends_at: datetime,
    terms: Terms,
    closed_at: datetime | None = None,
) -> datetime:
    """When work ended for everyone. The close's end (closed_end: the end chosen at the close;
    None: not closed, the scheduled end), never past the scheduled end, unless the terms say
    otherwise, within what the close allows:
    - an early end (ended_at) cuts it; it never moves it later (an early end after an early
      close "now" runs to the close's end at most);
    - approved overtime (overtime_until) moves it past the scheduled end, but never past the
      close's moment (closed_at): nobody worked on after the shift was closed, whatever end
      was planned when the overtime was approved (and never sooner than the close's end)."""
    chosen = min(closed_end or ends_at, ends_at)
    if terms.ended_at is not None:
        return min(terms.ended_at, chosen)
    if terms.overtime_until is not None:
        if closed_at is None:
            return terms.overtime_until
        return max(chosen, min(terms.overtime_until, closed_at))
    return chosen


def span_minutes(
    arrived_at: datetime,
    left_at: datetime | None,
    starts_at: datetime,
    ended: datetime,
) -> int:
    """Whole minutes from the arrival (or the start) to leaving (or the end of work)."""
    start = max(arrived_at, starts_at)
    end = min(left_at or ended, ended)
    return max(0, int((end - start).total_seconds() // 60))


def worked_minutes(span_min: int, break_min: int, break_paid: bool) -> int:
    """The span less an unpaid break (a span shorter than the break: nothing)."""
    return span_min if break_paid else max(0, span_min - break_min)


def billed_minutes(worked_min: int, rounding: str) -> int:
    """Worked minutes to the nearest unit of the rule, halves up: 7 -> 0 and 8 -> 15 by the
    quarter, 15 -> 30 by the half."""
    unit = UNIT_MIN[rounding]
    return (worked_min * 2 + unit) // (2 * unit) * unit


def scheduled_minutes(starts_at: datetime, ends_at: datetime) -> int:
    return int((ends_at - starts_at).total_seconds() // 60)


# Why a timesheet line may not be billed yet (the one rule: the timesheet's billable amount
# and the invoice's lines both ask it).
DISPUTED = "disputed"
TOO_RECENT = "too_recent"


def bill_hold(state: str, closed_at: datetime | None, after_days: int, now: datetime) -> str | None:
    """None when the line may be billed: approved, settled, or pending with its order closed
    at least `after_days` days ago (undisputed after N days); else why not."""
    if state == LineState.DISPUTED:
        return DISPUTED
    recent = closed_at is None or closed_at > now - timedelta(days=after_days)
    if state == LineState.PENDING and recent:
        return TOO_RECENT
    return None
