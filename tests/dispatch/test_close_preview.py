"""Issue 15 item 1: the close's preview is the close (same figures, nothing written), an early
close ends when the foreman says, and a negative pay line says why."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry
from dispatch.models import Offer
from dispatch.shift import onsite, timesheets
from dispatch.shift.errors import EndNotChosen, UnknownEnd
from rating.models import PenaltyEvent
from tests.builders import MOSCOW, book, make_order, make_worker, offset

MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)

# The mark mixes of tests/dispatch/test_timesheets.py and test_onsite.py: per worker, the
# marks as (status, minutes after the start it happened, minutes after the start it is marked).
ON_TIME = [("arrived", -5, 0)]
LATE = [("arrived", 25, 30)]
LEFT_EARLY = [("arrived", 0, 0), ("left_early", 120, 130)]
RELEASED = [("released", 0, 0)]
NO_SHOW = [("no_show", 40, 40)]
UNMARKED: list = []  # the close makes them no-shows
CORRECTED = [("no_show", 40, 40), ("arrived", 10, 50)]  # a no-show corrected to an arrival
SCENARIOS = {
    "on time": [ON_TIME],
    "late": [LATE],
    "left early": [LEFT_EARLY],
    "released": [RELEASED],
    "no-show": [NO_SHOW],
    "unmarked": [UNMARKED],
    "corrected": [CORRECTED],
    "the whole crew": [ON_TIME, LATE, LEFT_EARLY, RELEASED, NO_SHOW, UNMARKED, CORRECTED],
}
FIGURES = ("hours", "client_amount", "base_pay", "allowances", "fines", "worker_pay", "margin")


def _shift(session, branch, site, dispatcher, crew):
    workers = [
        make_worker(session, branch=branch, near=offset(MOSCOW, east_m=10 * i))
        for i in range(len(crew))
    ]
    order = make_order(session, site=site, headcount=len(crew))  # 8 h
    book(session, order, workers)
    for worker, marks in zip(workers, crew, strict=True):
        for status, at, marked in marks:
            onsite.mark_attendance(
                session,
                order.id,
                actor=dispatcher,
                worker_id=worker.id,
                status=status,
                at=order.starts_at + at * MIN,
                now=order.starts_at + marked * MIN,
            )
    return order


def _figures(sheet):
    lines = [
        (line.worker_id, line.attendance, line.note, *(getattr(line, f) for f in FIGURES))
        for line in sheet.lines
    ]
    return lines, sheet.totals


def _state(session, order):
    """Everything a close writes: the order, the marks, the ledger, the audit log."""
    session.expire_all()
    offers = session.scalars(select(Offer).where(Offer.order_id == order.id)).all()
    return (
        (order.closed_at, order.status, order.work_ended_at),
        sorted((o.worker_id, o.attendance, o.arrived_at, o.left_at) for o in offers),
        session.scalar(select(func.count()).select_from(PenaltyEvent)),
        session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action != "worker.list")
        ),
    )


@pytest.mark.parametrize("window_s", [0, 900])  # 900: punishing marks still wait at the close
@pytest.mark.parametrize("end", ["now", "scheduled"])
@pytest.mark.parametrize("closing_after", [4 * HOUR, 8 * HOUR, 9 * HOUR])
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_the_preview_and_the_close_agree_on_hours_and_money(
    session, branch, site, dispatcher, scenario, closing_after, end, window_s
):
    branch.undo_window_s = window_s
    order = _shift(session, branch, site, dispatcher, SCENARIOS[scenario])
    pending = session.scalar(
        select(func.count())
        .select_from(Offer)
        .where(Offer.order_id == order.id, Offer.pending_mark.is_not(None))
    )
    punishing = sum(bool(c) and c[-1][0] in ("no_show", "left_early") for c in SCENARIOS[scenario])
    assert pending == (punishing if window_s else 0)  # no job ran: they wait for the close
    closing = order.starts_at + closing_after
    before = _state(session, order)
    preview = onsite.preview_close(session, order.id, actor=dispatcher, now=closing, end=end)
    assert _state(session, order) == before  # the preview writes nothing
    onsite.close_shift(session, order.id, actor=dispatcher, now=closing, end=end)
    session.expire_all()
    closed = timesheets.timesheet(session, order.id, actor=dispatcher)
    assert closed.closed and preview.closed  # the preview is of the sheet as closed
    assert _figures(preview) == _figures(closed)
    ended = order.ends_at if end == "scheduled" else min(closing, order.ends_at)
    assert order.work_ended_at == ended


def test_an_early_close_counts_hours_to_the_chosen_end(session, branch, site, dispatcher):
    order = _shift(session, branch, site, dispatcher, [ON_TIME])
    closing = order.starts_at + 4 * HOUR + 2 * MIN
    with pytest.raises(EndNotChosen):  # before the end, the choice is the foreman's
        onsite.close_shift(session, order.id, actor=dispatcher, now=closing, end=None)
    with pytest.raises(UnknownEnd):
        onsite.close_shift(session, order.id, actor=dispatcher, now=closing, end="later")
    now = onsite.preview_close(session, order.id, actor=dispatcher, now=closing, end="now")
    scheduled = onsite.preview_close(
        session, order.id, actor=dispatcher, now=closing, end="scheduled"
    )
    assert now.totals["hours"] == Decimal("4.03")  # 4 h 2 min
    assert scheduled.totals["hours"] == Decimal("8.00")
    # After the scheduled end there is nothing to choose.
    assert onsite.end_of_work(order, None, order.ends_at + MIN) == order.ends_at


def test_a_fine_above_the_hours_pay_says_why_the_pay_is_negative(session, branch, site, dispatcher):
    """A worker who arrived late just before an early close "now": 0.00 h, a late fine, a
    negative pay line that names the reason (a debt carried into the payouts)."""
    order = _shift(session, branch, site, dispatcher, [[("arrived", 20, 20)], ON_TIME])
    onsite.close_shift(
        session, order.id, actor=dispatcher, now=order.starts_at + 20 * MIN, end="now"
    )
    session.expire_all()
    sheet = timesheets.timesheet(session, order.id, actor=dispatcher)
    late = next(line for line in sheet.lines if line.fines > 0)
    assert late.hours == Decimal("0.00") and late.worker_pay < 0
    assert late.worker_pay == -late.fines
    assert late.note == timesheets.FINE_EXCEEDS_PAY
    assert all(line.note is None for line in sheet.lines if line.worker_pay >= 0)
    table = timesheets.timesheet_table(sheet)
    note = table.columns.index("note")
    assert timesheets.FINE_EXCEEDS_PAY in [row[note] for row in table.rows]


@pytest.mark.parametrize(
    "after_start, closed, status, ends",
    [
        (-HOUR, False, "filled", ()),  # not started: nothing to close yet
        (HOUR, False, "filled", ("now", "scheduled")),  # under way: the foreman chooses
        (9 * HOUR, False, "filled", ("scheduled",)),  # past the scheduled end
        (HOUR, True, "completed", ()),
        (HOUR, False, "cancelled", ()),
    ],
)
def test_the_ends_a_close_may_be_given(session, site, after_start, closed, status, ends):
    order = make_order(session, site=site)  # 8 h
    order.status = status
    order.closed_at = order.starts_at if closed else None
    assert onsite.ends_to_choose(order, order.starts_at + after_start) == ends
