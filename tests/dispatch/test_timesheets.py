"""Timesheets to the cent, their CSV, and a branch's payouts over local dates."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from api.exports import write_csv
from core.errors import InvalidInput
from dispatch.fill import waves
from dispatch.orders import service as orders
from dispatch.orders.errors import OrderNotFound
from dispatch.penalties import record
from dispatch.registry.errors import BranchNotFound
from dispatch.registry.staff import actor_of
from dispatch.shift import onsite, timesheets
from rating.models import PenaltyEvent
from tests.builders import (
    MOSCOW,
    NOW,
    book,
    make_branch,
    make_order,
    make_user,
    make_worker,
    offset,
)
from tests.csv_reading import read_csv

MIN = timedelta(minutes=1)
D = Decimal


def mark(session, order, worker, status, actor, at, now):
    onsite.mark_attendance(
        session, order.id, actor=actor, worker_id=worker.id, status=status, at=at, now=now
    )


# name, attendance, hours, client_amount, base_pay, allowances, fines, worker_pay, margin
# client 250.00/h, worker 120.00/h, 8 h shift, grace 10 min, fine 5.00 per minute beyond it.
EXPECTED = [
    ("A on time", "arrived", "8.00", "2000.00", "960.00", "0", "0", "960.00", "1040.00"),
    # 25 min late: 455 min = 7.58 h (shown); 250 x 7.58 = 1895.00; fine 5.00 x 15 = 75.00
    ("B late", "arrived", "7.58", "1895.00", "909.60", "0", "75.00", "834.60", "1060.40"),
    ("C left early", "left_early", "5.00", "1250.00", "600.00", "0", "0", "600.00", "650.00"),
    ("D released", "released", "0.00", "0.00", "0.00", "300.00", "0", "300.00", "-300.00"),
    ("E no-show", "no_show", "0.00", "0.00", "0.00", "0", "300.00", "-300.00", "300.00"),
]
COLUMNS = (
    "hours",
    "client_amount",
    "base_pay",
    "allowances",
    "fines",
    "worker_pay",
    "margin",
)


@pytest.fixture
def closed_shift(session, branch, site, dispatcher):
    workers = [
        make_worker(session, branch=branch, near=offset(MOSCOW, east_m=10 * i), full_name=row[0])
        for i, row in enumerate(EXPECTED)
    ]
    order = make_order(session, site=site, headcount=4)  # 250.00 / 120.00, 8 h
    book(session, order, workers)
    start, end = order.starts_at, order.ends_at
    on_time, late, left, released, _ = workers
    mark(session, order, on_time, "arrived", dispatcher, start - 5 * MIN, start)
    mark(session, order, late, "arrived", dispatcher, start + 25 * MIN, start + 30 * MIN)
    mark(session, order, left, "arrived", dispatcher, start, start)
    mark(session, order, left, "left_early", dispatcher, start + timedelta(hours=5), end)
    mark(session, order, released, "released", dispatcher, start, start)
    onsite.close_shift(session, order.id, actor=dispatcher, now=end)  # E: a no-show
    return order


def test_a_closed_shift_adds_up_to_the_cent(session, dispatcher, closed_shift):
    sheet = timesheets.timesheet(session, closed_shift.id, actor=dispatcher)
    assert sheet.closed and sheet.currency == "RUB" and sheet.code == closed_shift.code
    got = [
        (line.full_name, line.attendance, *(getattr(line, c) for c in COLUMNS))
        for line in sheet.lines
    ]
    assert got == [(name, att, *map(D, rest)) for name, att, *rest in EXPECTED]
    assert sheet.totals == {
        "hours": D("20.58"),
        "scheduled_hours": D("40.00"),  # five lines of an 8-hour shift
        "billed_hours": D("20.58"),  # the branch bills to the minute: the hours worked
        "client_amount": D("5145.00"),
        "base_pay": D("2469.60"),
        "allowances": D("300.00"),
        "fines": D("375.00"),
        "worker_pay": D("2394.60"),
        "margin": D("2750.40"),
    }
    for column in COLUMNS:
        assert sheet.totals[column] == sum(getattr(line, column) for line in sheet.lines)
    assert sheet.totals["margin"] == sheet.totals["client_amount"] - sheet.totals["worker_pay"]


def test_a_reversed_fine_is_off_the_sheet(session, dispatcher, closed_shift):
    sheet = timesheets.timesheet(session, closed_shift.id, actor=dispatcher)
    late = next(line for line in sheet.lines if line.full_name == "B late")
    (fine,) = session.scalars(
        select(PenaltyEvent).where(
            PenaltyEvent.worker_id == late.worker_id, PenaltyEvent.kind == "late"
        )
    )
    record.reverse_penalty(
        session, fine.id, actor=dispatcher, reason="the bus broke down", now=closed_shift.ends_at
    )
    sheet = timesheets.timesheet(session, closed_shift.id, actor=dispatcher)
    late = next(line for line in sheet.lines if line.full_name == "B late")
    assert (late.fines, late.worker_pay, late.margin) == (D("0"), D("909.60"), D("985.40"))
    assert (sheet.totals["fines"], sheet.totals["worker_pay"]) == (D("300.00"), D("2469.60"))


def test_the_csv_reads_back_to_the_same_figures(session, dispatcher, closed_shift):
    sheet = timesheets.timesheet(session, closed_shift.id, actor=dispatcher)
    rows = read_csv(write_csv(timesheets.timesheet_table(sheet), "en"))
    *lines, total = rows
    assert len(lines) == len(sheet.lines) == 5
    for row, line in zip(lines, sheet.lines, strict=True):
        assert row["order"] == sheet.code
        assert (int(row["worker_id"]), row["full_name"]) == (line.worker_id, line.full_name)
        assert {c: D(row[c]) for c in COLUMNS} == {c: getattr(line, c) for c in COLUMNS}
    assert total["worker_id"] == "Total" and total["full_name"] == ""
    totals = (*COLUMNS, "scheduled_hours", "billed_hours")
    assert {c: D(total[c]) for c in totals} == sheet.totals
    local = sheet.lines[0].arrived_at.astimezone(ZoneInfo(sheet.timezone))
    assert lines[0]["arrived_at"] == local.strftime("%Y-%m-%d %H:%M:%S")  # branch time, no µs
    assert lines[-1]["arrived_at"] == ""  # the no-show


def test_a_worker_who_cancelled_late_is_not_on_the_sheet(session, branch, site, dispatcher):
    stayed, dropped = (
        make_worker(session, branch=branch, near=offset(MOSCOW, east_m=10 * i)) for i in range(2)
    )
    order = make_order(session, site=site, headcount=2)
    book(session, order, [stayed, dropped])
    waves.answer(
        session,
        order_id=order.id,
        worker_id=dropped.id,
        yes=False,
        source="sms",
        now=order.starts_at - timedelta(hours=1),
    )
    mark(session, order, stayed, "arrived", dispatcher, order.starts_at, order.starts_at)
    onsite.close_shift(session, order.id, actor=dispatcher, now=order.ends_at)
    sheet = timesheets.timesheet(session, order.id, actor=dispatcher)
    assert [line.worker_id for line in sheet.lines] == [stayed.id]
    day = order.starts_at.date()
    _, rows = timesheets.payouts(session, branch.id, actor=dispatcher, date_from=day, date_to=day)
    assert [row.worker_id for row in rows] == [stayed.id]


def test_a_timesheet_is_staff_of_its_branch_only(session, closed_shift):
    elsewhere = actor_of(make_user(session, role="dispatcher", branch=make_branch(session)))
    with pytest.raises(OrderNotFound):
        timesheets.timesheet(session, closed_shift.id, actor=elsewhere)


def test_payouts_count_closed_and_cancelled_orders_by_local_date(session, branch, site, dispatcher):
    """Moscow is UTC+3: an order at 21:30 UTC is on the next local day."""
    worker = make_worker(session, branch=branch, full_name="Worker W")
    other = make_worker(session, branch=branch, full_name="Worker V", near=offset(MOSCOW, 20))

    def order_at(utc, hours=4):
        return make_order(session, site=site, headcount=1, starts_in=utc - NOW, hours=hours)

    def worked(order, who):
        book(session, order, [who])
        mark(session, order, who, "arrived", dispatcher, order.starts_at, order.starts_at)
        onsite.close_shift(session, order.id, actor=dispatcher, now=order.ends_at)

    day_before = order_at(datetime(2026, 11, 26, 20, 0, tzinfo=UTC))  # local 26.11 23:00
    worked(day_before, other)
    first = order_at(datetime(2026, 11, 26, 21, 0, tzinfo=UTC))  # local 27.11 00:00
    worked(first, worker)
    called_off = order_at(datetime(2026, 11, 27, 6, 0, tzinfo=UTC))  # local 27.11 09:00
    book(session, called_off, [worker])
    orders.cancel_order(
        session,
        called_off.id,
        actor=dispatcher,
        reason="client cancelled",
        now=called_off.starts_at - timedelta(hours=1),
    )
    open_ = order_at(datetime(2026, 11, 27, 12, 0, tzinfo=UTC))  # local 27.11 15:00
    book(session, open_, [worker])
    mark(session, open_, worker, "arrived", dispatcher, open_.starts_at, open_.ends_at)
    last = order_at(datetime(2026, 11, 27, 20, 59, tzinfo=UTC))  # local 27.11 23:59
    worked(last, other)
    next_day = order_at(datetime(2026, 11, 28, 21, 0, tzinfo=UTC))  # local 29.11 00:00
    worked(next_day, worker)

    def pay(date_from, date_to):
        currency, rows = timesheets.payouts(
            session, branch.id, actor=dispatcher, date_from=date_from, date_to=date_to
        )
        assert currency == "RUB"
        return {
            row.full_name: (row.shifts, row.hours, row.allowances, row.fines, row.worker_pay)
            for row in rows
        }

    four_hours = (D("4.00"), D("0.00"), D("0.00"), D("480.00"))
    assert pay(date(2026, 11, 27), date(2026, 11, 27)) == {
        "Worker V": (1, *four_hours),  # 23:59 counts, 23:00 the day before does not
        "Worker W": (1, D("4.00"), D("300.00"), D("0.00"), D("780.00")),  # shift + show-up pay
    }
    assert pay(date(2026, 11, 26), date(2026, 11, 26)) == {"Worker V": (1, *four_hours)}
    assert pay(date(2026, 11, 28), date(2026, 11, 28)) == {}
    assert pay(date(2026, 11, 27), date(2026, 11, 29))["Worker W"] == (
        2,
        D("8.00"),
        D("300.00"),
        D("0.00"),
        D("1260.00"),
    )


def test_payouts_check_the_branch_and_the_dates(session, branch, dispatcher):
    elsewhere = make_branch(session)
    with pytest.raises(BranchNotFound):
        timesheets.payouts(
            session,
            elsewhere.id,
            actor=dispatcher,
            date_from=date(2026, 11, 1),
            date_to=date(2026, 11, 2),
        )
    with pytest.raises(InvalidInput) as error:
        timesheets.payouts(
            session,
            branch.id,
            actor=dispatcher,
            date_from=date(2026, 11, 2),
            date_to=date(2026, 11, 1),
        )
    assert error.value.loc == ("query", "to")
