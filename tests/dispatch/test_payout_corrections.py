"""Hours corrected after a payout batch paid a line (dispatch/penalties/batch_lines.py): the
next batch carries the difference as a numbered correction line (paid more, or recovered),
once; the bank's file and the worker's ДЕНЬГИ answer show it."""

from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from api.exports import write_csv
from core.tenancy import SYSTEM
from dispatch.client_models import TimesheetSignoff
from dispatch.penalties import batches, pay
from dispatch.penalties.batch_models import PayoutBatchLine
from dispatch.penalties.errors import NothingToPay
from dispatch.registry.staff import actor_of
from dispatch.replies import forget, inbox, intake
from dispatch.shift import signoff, timesheets
from sms.models import Message
from tests.builders import NOW, make_foremans_site, make_user, make_worked_shift
from tests.csv_reading import read_csv

D = Decimal
MOSCOW_TZ = ZoneInfo("Europe/Moscow")
_sid = iter(range(10**6))


def text(session, worker, body, at):
    message_id = intake.receive(
        session, provider_sid=f"SMpayc{next(_sid):028d}", from_phone=worker.phone, body=body
    )
    return inbox.handle_inbound(session, message_id, at)


def answer(session, worker) -> str:
    return session.scalars(
        select(Message.body)
        .where(Message.worker_id == worker.id, Message.direction == "out")
        .order_by(Message.id.desc())
        .limit(1)
    ).one()


def pay_of(session, order, worker):
    sheet = timesheets.timesheet(session, order.id, actor=SYSTEM)
    return next(line.worker_pay for line in sheet.lines if line.worker_id == worker.id)


def settle(session, order, worker, office, hours):
    after = order.ends_at + timedelta(hours=1)
    signoff.dispute(session, order.id, worker.id, actor=office, reason="hours", now=after)
    signoff.settle(
        session, order.id, worker.id, actor=office, note="agreed", hours=D(hours), now=after
    )


def lines_of_batch(session, batch):
    rows = session.execute(
        select(PayoutBatchLine.worker_id, PayoutBatchLine.seq, PayoutBatchLine.amount).where(
            PayoutBatchLine.batch_id == batch.id
        )
    )
    return sorted(tuple(row) for row in rows)


@pytest.fixture
def paid_shift(session):
    """A closed 8-hour shift of two workers, its lines paid by a batch."""
    branch, site, foreman_user = make_foremans_site(session)
    office = actor_of(make_user(session, role="dispatcher", branch=branch))
    order, crew = make_worked_shift(
        session, site=site, foreman=actor_of(foreman_user), crew=2, close="scheduled"
    )
    day = order.starts_at.astimezone(MOSCOW_TZ).date()
    at = NOW + timedelta(days=5)
    first = batches.make_batch(session, branch.id, actor=office, date_from=day, date_to=day, now=at)
    batches.mark_paid(session, first.id, actor=office, paid_at=at, method="bank", now=at)
    return branch, office, order, crew, day, at


def test_the_next_batch_carries_the_difference_once(session, paid_shift):
    branch, office, order, (more, less), day, at = paid_shift
    paid = {w.id: pay_of(session, order, w) for w in (more, less)}
    settle(session, order, more, office, "10")  # 2 h more than paid
    settle(session, order, less, office, "4")  # 4 h less: overpaid, recovered
    diff = {w.id: pay_of(session, order, w) - paid[w.id] for w in (more, less)}
    assert diff[more.id] == paid[more.id] / 4 and diff[less.id] == -paid[less.id] / 2

    # A later week without a shift: the batch takes the two corrections, numbered 1.
    week = (day + timedelta(days=7), day + timedelta(days=13))
    later = at + timedelta(days=7)
    second = batches.make_batch(
        session, branch.id, actor=office, date_from=week[0], date_to=week[1], now=later
    )
    assert lines_of_batch(session, second) == sorted(
        [(more.id, 1, diff[more.id]), (less.id, 1, diff[less.id])]
    )
    assert second.total == diff[more.id] + diff[less.id]
    view = batches.batch_view(session, second.id, actor=office)
    rows = read_csv(write_csv(batches.bank_table(view), "en"), "en")
    assert {row["full_name"]: row["amount"] for row in rows} == {
        more.full_name: f"{diff[more.id]:f}",
        less.full_name: f"{diff[less.id]:f}",
    }

    # Taken once: another batch finds nothing; two batches never hold one correction.
    with pytest.raises(NothingToPay):
        batches.make_batch(
            session, branch.id, actor=office, date_from=week[0], date_to=week[1], now=later
        )
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(
            PayoutBatchLine(
                batch_id=second.id, order_id=order.id, worker_id=more.id, amount=D(1), seq=1
            )
        )
        session.flush()

    # Corrected again: the next correction is numbered 2, the difference from both batches.
    settle_again = session.get_one(TimesheetSignoff, (order.id, more.id))
    settle_again.settled_hours = D("9")
    session.flush()
    third = batches.make_batch(
        session, branch.id, actor=office, date_from=week[0], date_to=week[1], now=later
    )
    assert lines_of_batch(session, third) == [(more.id, 2, -paid[more.id] / 8)]


def test_the_pay_answer_counts_the_correction_of_a_paid_line(session, paid_shift):
    branch, office, order, (worker, _), day, at = paid_shift
    paid = pay_of(session, order, worker)
    later = at + timedelta(hours=2)
    assert pay.owed(session, worker, later).lines == []
    settle(session, order, worker, office, "10")
    extra = pay_of(session, order, worker) - paid
    owed = pay.owed(session, worker, later)
    assert (owed.total, [o.id for o, _ in owed.lines], owed.corrected) == (
        extra,
        [order.id],
        frozenset({order.id}),
    )
    assert text(session, worker, "ДЕНЬГИ", later) == "pay_paid"
    body = answer(session, worker)
    assert f"К выплате {extra:f} RUB" in body and "(смен: 1)" in body

    # Paid by the next batch: owed nothing again.
    week = (day + timedelta(days=7), day + timedelta(days=7))
    second = batches.make_batch(
        session, branch.id, actor=office, date_from=week[0], date_to=week[1], now=later
    )
    batches.mark_paid(session, second.id, actor=office, paid_at=later, method="cash", now=later)
    assert pay.owed(session, worker, later).lines == []


def test_a_worker_owed_a_correction_is_not_forgotten_yet(session, paid_shift):
    branch, office, order, (worker, _), day, at = paid_shift
    later = at + timedelta(hours=2)
    assert forget.blocker(session, worker.id, later) is None  # paid by the batch
    settle(session, order, worker, office, "10")
    assert forget.blocker(session, worker.id, later) == "pay"


@pytest.fixture
def left_out_shift(session):
    """A closed shift of two workers: one settled at 0 hours, left out of the paid batch."""
    branch, site, foreman_user = make_foremans_site(session)
    office = actor_of(make_user(session, role="dispatcher", branch=branch))
    order, (paid, left) = make_worked_shift(
        session, site=site, foreman=actor_of(foreman_user), crew=2, close="scheduled"
    )
    full = pay_of(session, order, left)
    settle(session, order, left, office, "0")
    day = order.starts_at.astimezone(MOSCOW_TZ).date()
    at = NOW + timedelta(days=5)
    first = batches.make_batch(session, branch.id, actor=office, date_from=day, date_to=day, now=at)
    assert lines_of_batch(session, first) == [(paid.id, 0, pay_of(session, order, paid))]
    batches.mark_paid(session, first.id, actor=office, paid_at=at, method="bank", now=at)
    # Corrected after the batch: the hours were worked after all.
    session.get_one(TimesheetSignoff, (order.id, left.id)).settled_hours = None
    session.flush()
    assert pay_of(session, order, left) == full
    return branch, office, order, left, full, day, at


def test_a_line_left_out_at_nothing_is_taken_by_a_later_batch_once(session, left_out_shift):
    branch, office, order, left, full, day, at = left_out_shift
    later = at + timedelta(days=7)
    assert pay.owed(session, left, later).total == full  # PAY counts it
    assert forget.blocker(session, left.id, later) == "pay"
    # Previewing the batched day again: the line is fresh and due, taken once.
    again = batches.preview(session, branch.id, actor=office, date_from=day, date_to=day, now=later)
    assert [(w.worker_id, w.lines, w.amount) for w in again.workers] == [(left.id, 1, full)]

    # The office batches the next week: it takes the line left out, as its first (seq 0).
    week = (day + timedelta(days=7), day + timedelta(days=13))
    second = batches.make_batch(
        session, branch.id, actor=office, date_from=week[0], date_to=week[1], now=later
    )
    assert lines_of_batch(session, second) == [(left.id, 0, full)]
    batches.mark_paid(session, second.id, actor=office, paid_at=later, method="cash", now=later)
    assert pay.owed(session, left, later).lines == []
    assert forget.blocker(session, left.id, later) is None
    with pytest.raises(NothingToPay):
        batches.make_batch(
            session, branch.id, actor=office, date_from=week[0], date_to=week[1], now=later
        )


def test_a_line_left_out_before_paid_through_stays_paid_the_old_way(session, left_out_shift):
    branch, office, order, left, full, day, at = left_out_shift
    later = at + timedelta(days=7)
    pay.set_paid_through(session, branch.id, actor=office, through=day, today=day)
    assert pay.owed(session, left, later).lines == []  # paid_through says paid
    week = (day + timedelta(days=7), day + timedelta(days=13))
    with pytest.raises(NothingToPay):
        batches.make_batch(
            session, branch.id, actor=office, date_from=week[0], date_to=week[1], now=later
        )


def test_corrections_are_due_in_the_window_pay_counts_whatever_the_period(session, paid_shift):
    branch, office, order, (worker, _), day, at = paid_shift
    paid = pay_of(session, order, worker)
    settle(session, order, worker, office, "10")
    extra = pay_of(session, order, worker) - paid
    later = at + timedelta(days=1)
    assert pay.owed(session, worker, later).total == extra  # PAY counts it now
    # A batch of an earlier period (its end before the shift) still takes it: both count
    # the lines open at now (pay.open_since), not back from the period's end.
    month_ago = day - timedelta(days=30)
    late = batches.make_batch(
        session, branch.id, actor=office, date_from=month_ago, date_to=month_ago, now=later
    )
    assert lines_of_batch(session, late) == [(worker.id, 1, extra)]


def test_an_order_left_out_whole_in_a_batched_period_is_due_once_corrected(session):
    branch, site, foreman_user = make_foremans_site(session)
    office = actor_of(make_user(session, role="dispatcher", branch=branch))
    foreman = actor_of(foreman_user)
    taken, _ = make_worked_shift(session, site=site, foreman=foreman, crew=1, close="scheduled")
    nothing, (worker,) = make_worked_shift(
        session, site=site, foreman=foreman, crew=1, close="scheduled", spacing_m=30
    )
    full = pay_of(session, nothing, worker)
    settle(session, nothing, worker, office, "0")
    day = taken.starts_at.astimezone(MOSCOW_TZ).date()
    at = NOW + timedelta(days=5)
    first = batches.make_batch(session, branch.id, actor=office, date_from=day, date_to=day, now=at)
    assert {
        o
        for (o,) in session.execute(
            select(PayoutBatchLine.order_id).where(PayoutBatchLine.batch_id == first.id)
        )
    } == {taken.id}  # the other order: no batch line at all
    session.get_one(TimesheetSignoff, (nothing.id, worker.id)).settled_hours = None
    session.flush()
    week = day + timedelta(days=7)
    second = batches.make_batch(
        session, branch.id, actor=office, date_from=week, date_to=week, now=at
    )
    assert lines_of_batch(session, second) == [(worker.id, 0, full)]
