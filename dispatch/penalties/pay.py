"""What a worker is paid for a shift: the one rule, used by the timesheets and the payouts
(dispatch/shift/timesheets.py) and by a worker's PAY answer (owed below), and the branch's
"paid up to and including" date the office sets.

Per booked worker (and a cancelled order's compensated one), a line: the scheduled hours, the
hours worked by the hours rule (dispatch/hours/policy.py: span less an unpaid break, approved
overtime, an early end; the latest timesheet version's inputs), base pay = hours x worker
rate, the night and day-off surcharges and the minimum hours (dispatch/rates/surcharges.py,
by the order's snapshot of the rate card), allowances (show-up pay and compensation on the
ledger), fines (the standing fines on the order), pay = base + surcharge + allowances - fines
(negative: a debt, the line says "fine_exceeds_pay"); the client's amount (billed hours, the
worked ones rounded by the branch's rule, x client rate, plus the surcharges) and the margin
beside them. A line settled with the client takes the agreed hours, worked and billed.

A worker is owed the pay of the lines on closed or cancelled orders (PAYABLE, as the payouts
report counts them) whose local date is after the order's branch's paid_through; with none set,
those of the last MAX_LOOKBACK_DAYS days; and that no paid payout batch holds
(dispatch/penalties/batches.py): a batch marked paid pays its lines whatever paid_through says.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select, tuple_
from sqlalchemy.orm import Session

from core import audit
from core.db import locked
from core.errors import Forbidden, InvalidInput
from core.money import money
from core.tenancy import Actor
from dispatch.client_models import TimesheetSignoff
from dispatch.enums import OFFICE, WORKED, Attendance, LineState, OfferStatus, OrderStatus
from dispatch.hours import policy as hours_rule
from dispatch.hours.policy import NO_TERMS, Rules, Terms
from dispatch.hours.service import hours_of_orders
from dispatch.models import Branch, Offer, Order
from dispatch.penalties.batch_models import PAID, PayoutBatch, PayoutBatchLine
from dispatch.rates import surcharges
from dispatch.rates.calendar import is_day_off
from dispatch.rates.surcharges import NO_SPLIT, Split
from dispatch.registry.errors import BranchNotFound
from rating.models import PenaltyEvent
from workers.models import Worker

ZERO = Decimal("0.00")
MAX_LOOKBACK_DAYS = 366  # with no paid_through set, a PAY answer counts this far back


def open_since(now: datetime) -> datetime:
    """The first start of an order whose lines are still open at `now`: a PAY answer (owed)
    counts them and a batch corrects them (batch_lines.py), both back from now."""
    return now - timedelta(days=MAX_LOOKBACK_DAYS)


def payable() -> ColumnElement[bool]:
    """The orders whose lines are paid out: closed, or cancelled (compensation)."""
    return (Order.closed_at.is_not(None)) | (Order.status == OrderStatus.CANCELLED)


@dataclass(frozen=True)
class Line:
    worker_id: int
    full_name: str | None  # None: a worker the reader may not see (dispatch/access/privacy.py)
    attendance: str | None
    arrived_at: datetime | None
    left_at: datetime | None
    hours: Decimal
    client_amount: Decimal | None  # None: the reader may not see it (dispatch/access/prices.py)
    base_pay: Decimal
    allowances: Decimal
    fines: Decimal
    worker_pay: Decimal
    margin: Decimal | None  # None: the reader may not see it
    note: str | None = None  # "fine_exceeds_pay": why worker_pay is negative (a debt)
    state: str = LineState.PENDING  # the client's sign-off (dispatch/shift/signoff.py)
    scheduled_hours: Decimal = ZERO  # the order's start to its end
    billed_hours: Decimal = ZERO  # hours (worked) rounded by the branch's rule: the client's
    # dispatch/rates/surcharges.py: the worked night and day-off hours, and the surcharges
    # they earn on each side (in client_amount and in worker_pay; base_pay is without them).
    night_hours: Decimal = ZERO
    day_off_hours: Decimal = ZERO
    client_surcharge: Decimal | None = ZERO  # None: the reader may not see it
    worker_surcharge: Decimal = ZERO


FINE_EXCEEDS_PAY = "fine_exceeds_pay"


def worked_span(
    order: Order, offer: Offer, terms: Terms = NO_TERMS, rules: Rules = Rules()
) -> tuple[int, Split]:
    """The line's worked minutes by the hours rule (dispatch/hours/policy.py), and of them the
    night and day-off ones (dispatch/rates/surcharges.py: a break taken pro rata)."""
    if offer.attendance not in WORKED or offer.arrived_at is None:
        return 0, NO_SPLIT
    # Until leaving (left early, or sent home: left_at), or the end of work for everyone
    # (older closes: their moment).
    ended = hours_rule.end_of_work(
        order.work_ended_at or order.closed_at, order.ends_at, terms, order.closed_at
    )
    span = hours_rule.span_minutes(offer.arrived_at, offer.left_at, order.starts_at, ended)
    worked = hours_rule.worked_minutes(span, terms.break_min, rules.break_paid)
    start = max(offer.arrived_at, order.starts_at)
    split = surcharges.split_span(
        start, start + timedelta(minutes=span), rules.timezone, is_day_off
    )
    return worked, surcharges.apportion(split, span, worked)


def minutes_worked(
    order: Order, offer: Offer, terms: Terms = NO_TERMS, rules: Rules = Rules()
) -> int:
    """The line's worked minutes by the hours rule (dispatch/hours/policy.py)."""
    return worked_span(order, offer, terms, rules)[0]


def _terms_of(order: Order) -> surcharges.Terms:
    return surcharges.Terms(order.night_pct or 0, order.holiday_pct or 0, order.min_hours or ZERO)


def line_of(
    order: Order,
    offer: Offer,
    name: str,
    entries: list[PenaltyEvent],
    signoff: TimesheetSignoff | None = None,
    hours_in: tuple[Terms, Rules] = (NO_TERMS, Rules()),
) -> Line:
    """hours_in: the order's latest timesheet version's terms and its branch's rules."""
    terms, rules = hours_in
    # Amounts from the hours as shown, so a clerk's hours x rate gives the same figure.
    worked, split = worked_span(order, offer, terms, rules)
    hours = hours_rule.hours_of(worked)
    billed = hours_rule.hours_of(hours_rule.billed_minutes(worked, rules.rounding))
    extra = _terms_of(order)
    stayed = offer.attendance == Attendance.ARRIVED  # min_hours: not one who left or was sent
    hours = surcharges.lifted_hours(hours, extra, stayed)
    billed = surcharges.lifted_hours(billed, extra, stayed)
    if signoff is not None and signoff.settled_hours is not None:
        hours = billed = money(signoff.settled_hours)  # agreed with the client at settling
        # The surcharges follow the agreed hours: the worked split scaled to them.
        split = surcharges.apportion(split, worked, int(hours * 60))
    # Each side's amount rounded once: hours x rate plus the surcharges; base pay is hours x
    # rate as the sheet shows it, the surcharge the rest (so base + surcharge = the amount).
    client_amount = money(
        order.client_rate * billed + surcharges.surcharge(order.client_rate, split, extra)
    )
    earned = money(
        order.worker_rate * hours + surcharges.surcharge(order.worker_rate, split, extra)
    )
    base_pay = money(order.worker_rate * hours)
    worker_surcharge = earned - base_pay
    allowances = sum((e.payout for e in entries), ZERO)  # show-up pay is on the ledger
    fines = sum((e.fine for e in entries), ZERO)
    pay = earned + allowances - fines
    return Line(
        worker_id=offer.worker_id,
        full_name=name,
        attendance=offer.attendance,
        arrived_at=offer.arrived_at,
        left_at=offer.left_at,
        hours=hours,
        client_amount=client_amount,
        base_pay=base_pay,
        allowances=money(allowances),
        fines=money(fines),
        worker_pay=money(pay),
        margin=money(client_amount - pay),
        note=FINE_EXCEEDS_PAY if pay < 0 else None,
        state=signoff.state if signoff is not None else LineState.PENDING,
        scheduled_hours=hours_rule.hours_of(
            hours_rule.scheduled_minutes(order.starts_at, order.ends_at)
        ),
        billed_hours=billed,
        night_hours=hours_rule.hours_of(split.night_min),
        day_off_hours=hours_rule.hours_of(split.day_off_min),
        client_surcharge=client_amount - money(order.client_rate * billed),
        worker_surcharge=worker_surcharge,
    )


def _standing_entries(
    session: Session, order_ids: list[int]
) -> dict[tuple[int | None, int], list[PenaltyEvent]]:
    rows = session.scalars(
        select(PenaltyEvent).where(
            PenaltyEvent.order_id.in_(order_ids),
            PenaltyEvent.kind != "reversal",
            PenaltyEvent.reversed_at.is_(None),
        )
    )
    entries: dict[tuple[int | None, int], list[PenaltyEvent]] = {}
    for entry in rows:
        entries.setdefault((entry.order_id, entry.worker_id), []).append(entry)
    return entries


# A booked worker's offer, name and standing entries on the order: what a line is made of.
Crew = list[tuple[Offer, str, list[PenaltyEvent]]]


def crews(session: Session, orders: list[Order]) -> dict[int, Crew]:
    """Per order, the booked workers (and the cancelled order's compensated ones)."""
    if not orders:
        return {}
    by_id = {o.id: o for o in orders}
    entries = _standing_entries(session, list(by_id))
    # Only the bookings and the compensated are read (an order's other offers, ~30 of them,
    # are most of its rows and make no line): the bookings by their partial index.
    paid_to = [key for key, mine in entries.items() if any(e.payout for e in mine)]
    on_sheet = Offer.status == OfferStatus.BOOKED
    if paid_to:
        on_sheet = on_sheet | tuple_(Offer.order_id, Offer.worker_id).in_(paid_to)
    rows = session.execute(
        select(Offer, Worker.full_name)
        .join(Worker, Worker.id == Offer.worker_id)
        .where(Offer.order_id.in_(by_id), on_sheet)
        .order_by(Offer.order_id, Worker.full_name, Offer.worker_id)
    )
    crews: dict[int, Crew] = {o.id: [] for o in orders}
    for offer, name in rows:
        mine = entries.get((offer.order_id, offer.worker_id), [])
        if offer.status != OfferStatus.BOOKED and not any(e.payout for e in mine):
            continue  # a late cancellation's entry puts nobody on the sheet; compensation does
        crews[offer.order_id].append((offer, name, mine))
    return crews


def signoffs_of(session: Session, order_ids: list[int]) -> dict[tuple[int, int], TimesheetSignoff]:
    """The client's word per (order, worker) line; a line without one is pending."""
    if not order_ids:
        return {}
    rows = session.scalars(select(TimesheetSignoff).where(TimesheetSignoff.order_id.in_(order_ids)))
    return {(row.order_id, row.worker_id): row for row in rows}


def lines_of(session: Session, orders: list[Order]) -> dict[int, list[Line]]:
    by_id = {o.id: o for o in orders}
    signoffs = signoffs_of(session, list(by_id))
    hours_in = hours_of_orders(session, orders)  # the latest timesheet versions
    return {
        order_id: [
            line_of(
                by_id[order_id],
                *member,
                signoffs.get((order_id, member[0].worker_id)),
                hours_in[order_id],
            )
            for member in crew
        ]
        for order_id, crew in crews(session, orders).items()
    }


@dataclass(frozen=True)
class Owed:
    """What a worker is owed: the payable lines after paid_through, and their sum."""

    currency: str
    since: date | None  # the first day counted (the day after paid_through), None: no lines
    lines: list[tuple[Order, Line]]  # oldest first
    total: Decimal
    # Per order: what is owed of its line; its worker_pay, or for a line a paid batch paid
    # (corrected), the correction: worker_pay now less what was paid (batch_lines.py).
    due: dict[int, Decimal] = field(default_factory=dict)
    corrected: frozenset[int] = frozenset()

    @property
    def fined(self) -> list[tuple[Order, Line]]:
        """The lines with fines on what is owed (a correction's were netted when paid)."""
        return [
            (order, line)
            for order, line in self.lines
            if line.fines > 0 and order.id not in self.corrected
        ]


def owed(session: Session, worker: Worker, now: datetime) -> Owed:
    """The worker's pay for shifts not yet paid out, by the one rule (line_of). Each order
    counts by its own branch's paid_through and timezone, as that branch's payouts do; a
    line in a paid payout batch is paid, but for its correction (worker_pay now less what
    the paid batches paid of it), whatever paid_through says."""
    rows = session.execute(
        select(Order, Branch.paid_through, Branch.timezone)
        .join(Branch, Branch.id == Order.branch_id)
        .where(
            Order.id.in_(select(Offer.order_id).where(Offer.worker_id == worker.id)),
            payable(),
            Order.starts_at >= open_since(now),
            Order.starts_at < now,
        )
        .order_by(Order.starts_at, Order.id)
    ).all()
    days = {order.id: order.starts_at.astimezone(ZoneInfo(zone)).date() for order, _, zone in rows}
    paid_of = dict(
        session.execute(
            select(PayoutBatchLine.order_id, func.sum(PayoutBatchLine.amount))
            .join(PayoutBatch, PayoutBatch.id == PayoutBatchLine.batch_id)
            .where(
                PayoutBatchLine.worker_id == worker.id,
                PayoutBatchLine.order_id.in_(list(days)),
                PayoutBatch.status == PAID,
            )
            .group_by(PayoutBatchLine.order_id)
        ).all()
    )
    orders = [
        order
        for order, paid, _ in rows
        if paid is None or days[order.id] > paid or order.id in paid_of
    ]
    lines = lines_of(session, orders)
    # A line a paid batch paid is owed only its correction: worker_pay now less that.
    due = {
        order.id: line.worker_pay - money(paid_of.get(order.id, ZERO))
        for order in orders
        for line in lines.get(order.id, [])
        if line.worker_id == worker.id
    }
    mine = [
        (order, line)
        for order in orders
        for line in lines.get(order.id, [])
        if line.worker_id == worker.id and (order.id not in paid_of or due[order.id] != ZERO)
    ]
    home = session.get_one(Branch, worker.branch_id)
    return Owed(
        currency=home.currency,
        since=days[mine[0][0].id] if mine else None,
        lines=mine,
        total=money(sum((due[order.id] for order, _ in mine), ZERO)),
        due={order.id: due[order.id] for order, _ in mine},
        corrected=frozenset(order.id for order, _ in mine if order.id in paid_of),
    )


class PaidThroughBackwards(InvalidInput):
    """A paid-through date before the one recorded: payouts made cannot be unmade."""

    code = "paid_through_backwards"


class PayoutsOfficeOnly(Forbidden):
    """Recording payouts is the office's (admin, manager, dispatcher)."""

    code = "paid_through_office_only"


def set_paid_through(
    session: Session, branch_id: int, *, actor: Actor, through: date, today: date
) -> Branch:
    """The office records that the branch's workers are paid up to and including `through`
    (audited). Never backwards, never beyond today (the branch's)."""
    if actor.role not in OFFICE:
        raise PayoutsOfficeOnly("only the office records payouts")
    if not actor.sees_branch(branch_id):
        raise BranchNotFound(branch_id)
    branch = session.scalars(locked(select(Branch).where(Branch.id == branch_id))).one_or_none()
    if branch is None:
        raise BranchNotFound(branch_id)
    if through > today:
        raise InvalidInput("through", "is after today: only shifts already worked are paid")
    was = branch.paid_through
    if was is not None and through < was:
        raise PaidThroughBackwards("through", f"is before the recorded {was.isoformat()}")
    branch.paid_through = through
    session.flush()
    audit.log(
        session,
        actor,
        "branch.paid_through",
        "branch",
        [branch.id],
        branch.id,
        was=was.isoformat() if was else None,
        now=through.isoformat(),
    )
    return branch
