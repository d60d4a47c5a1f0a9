"""Timesheets: what a shift costs the client and pays each worker, and a branch's payouts.

Per booked worker, the scheduled hours and the hours worked: from the arrival (or the start, if
earlier) to leaving (or the end of work: the scheduled end, the moment of an early close
ended "now", an early end recorded for the crew, or approved overtime's end), less an unpaid
break, in whole minutes, shown to the hundredth of an hour. The inputs are the order's latest
timesheet version (dispatch/hours/: each record of hours, each correction after the close, a
new version; the older ones stay readable); the sheet says which version it is.
- billed hours = hours worked rounded by the branch's rule (minute, quarter, half);
- client amount = billed hours x client rate (released extras are not billed: overbooking is
  the firm's cost);
- base pay = hours x worker rate;
- allowances = the worker's show-up pay entries on the order (released, or a late cancel);
- fines = the worker's standing fines on the order;
- pay = base + allowances - fines; when the fines exceed the rest the pay is negative, a debt
  carried into the payouts, and the line says so (note = "fine_exceeds_pay");
- margin = client amount - pay.
A line the client disputed (dispatch/shift/signoff.py) shows its state and is held from the
client's bill until settled, and a pending one until its order closed the branch's
invoice_after_days ago (billable_lines: the invoices' rule too); a settlement's agreed hours
replace the marks'.
Each amount is rounded half up to the cent; the totals are the sums of the rounded lines,
so the sheet adds up to the cent.

The client amount and the margin are the office's (dispatch/access/prices.py): a sheet read by a
foreman leaves them out of its lines, totals and columns; a sheet read by the client leaves out
everything but the hours and the client amount.

Names and phones are shown as dispatch/access/privacy.py allows (a worker of another branch: the
name, the phone masked), and every sheet and report read is audited with the ids shown.
"""

from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from core.csvsafe import Table, Word
from core.errors import InvalidInput
from core.tenancy import Actor
from dispatch.access.prices import shown_money
from dispatch.access.privacy import show_workers
from dispatch.enums import ATTENDANCE, LINE_STATES, LineState
from dispatch.hours import service as hours
from dispatch.hours.models import TimesheetVersion
from dispatch.hours.policy import bill_hold
from dispatch.hours.service import hours_of_orders, latest_versions
from dispatch.models import Branch, Order
from dispatch.orders.service import ORDER_BRANCH, get_order
from dispatch.penalties.pay import FINE_EXCEEDS_PAY as FINE_EXCEEDS_PAY
from dispatch.penalties.pay import ZERO, crews, line_of, lines_of, payable
from dispatch.penalties.pay import Line as Line
from dispatch.penalties.pay import signoffs_of as signoffs_of
from dispatch.registry.errors import BranchNotFound

MAX_PAYOUT_DAYS = 366
HOURS_COLUMNS = ("hours", "scheduled_hours", "billed_hours")
MONEY_COLUMNS = ("client_amount", "base_pay", "allowances", "fines", "worker_pay", "margin")
# A line's surcharges (dispatch/rates/surcharges.py), per line only (the totals above add up
# the amounts they are in): each money column shown with its side's amount.
SURCHARGE_SIDE = {"client_surcharge": "client_amount", "worker_surcharge": "worker_pay"}


@dataclass(frozen=True)
class Timesheet:
    order_id: int
    code: str
    currency: str
    starts_at: datetime
    ends_at: datetime
    closed: bool
    lines: list[Line]
    totals: dict[str, Decimal]
    money: tuple[str, ...] = MONEY_COLUMNS  # the amounts this reader may see, in order
    timezone: str = "UTC"  # the branch's: exports show times in it
    # What the client may be billed now: the client amount of billable_lines (None: the reader
    # may not see it; pending lines wait invoice_after_days), and how many lines a dispute holds.
    billable_client_amount: Decimal | None = None
    held_lines: int = 0
    # The hours' inputs: the latest timesheet version (0: none, the close's own sheet).
    version: int = 0
    break_min: int = 0
    overtime_until: datetime | None = None
    overtime_approved_by: str | None = None
    early_end_at: datetime | None = None
    rounding: str = "minute"  # the branch's rule for billed hours
    break_paid: bool = False


def record_hours(
    session: Session, order_id: int, *, actor: Actor, changes: dict[str, Any], now: datetime
) -> TimesheetVersion:
    """A new version of the order's hours (dispatch/hours/service.py add_version): the order
    row locked first, then the version inserted."""
    order = get_order(session, order_id, actor=actor, lock=True, options=ORDER_BRANCH)
    return hours.add_version(session, order, actor=actor, changes=changes, now=now)


def hours_versions(session: Session, order_id: int, *, actor: Actor) -> list[TimesheetVersion]:
    """Every version of the order's hours, the oldest first (the order as the actor sees it)."""
    order = get_order(session, order_id, actor=actor)
    return hours.versions_of(session, order.id)


def billable(line: Line, order: Order, after_days: int, now: datetime) -> bool:
    """The one rule the invoice's lines follow too (dispatch/hours/policy.py bill_hold): a
    disputed line is held until settled; a pending one until its order closed `after_days`
    ago (undisputed after N days); approved and settled lines may be billed."""
    return bill_hold(line.state, order.closed_at, after_days, now) is None


def billable_lines(lines: list[Line], order: Order, after_days: int, now: datetime) -> list[Line]:
    return [line for line in lines if billable(line, order, after_days, now)]


def on_sheet(session: Session, order: Order) -> list[int]:
    """The workers with a line on the order's timesheet, in the sheet's order."""
    return [offer.worker_id for offer, _, _ in crews(session, [order])[order.id]]


def _totals(lines: list[Line]) -> dict[str, Decimal]:
    totals = {name: sum((getattr(line, name) for line in lines), ZERO) for name in MONEY_COLUMNS}
    for name in HOURS_COLUMNS:
        totals[name] = sum((getattr(line, name) for line in lines), ZERO)
    return totals


def timesheet(
    session: Session, order_id: int, *, actor: Actor, now: datetime | None = None
) -> Timesheet:
    return timesheets_ending(session, order_id, actor=actor, ends=(None,), now=now)[0]


def timesheets_ending(
    session: Session,
    order_id: int,
    *,
    actor: Actor,
    ends: Sequence[datetime | None],
    now: datetime | None = None,
) -> list[Timesheet]:
    """The order's sheet for each end of work (None: as it stands), from one read of the crew
    and one show of their names: an end changes the hours, not who is on the sheet. `now`
    (default: the clock) decides what may be billed yet."""
    now = now or clock.now()
    order = get_order(session, order_id, actor=actor, options=ORDER_BRANCH)
    crew = crews(session, [order])[order.id]
    shown = show_workers(
        session,
        actor=actor,
        worker_ids=[offer.worker_id for offer, _, _ in crew],
        via="timesheet",
        branch_id=order.branch_id,
        order_id=order.id,
    )
    money_shown = shown_money(actor, MONEY_COLUMNS)
    signoffs = signoffs_of(session, [order.id])
    hours_in = hours_of_orders(session, [order])[order.id]
    version = latest_versions(session, [order.id]).get(order.id)
    sheets = []
    for end in ends:
        if end is not None:
            order.work_ended_at = end
        lines = [
            replace(
                line_of(order, o, name, e, signoffs.get((order.id, o.worker_id)), hours_in),
                full_name=shown[o.worker_id].name,
            )
            for o, name, e in crew
        ]
        sheet = _sheet(order, order.branch, lines, money_shown, now)
        terms, rules = hours_in
        sheets.append(
            replace(
                sheet,
                version=version.version if version is not None else 0,
                break_min=terms.break_min,
                overtime_until=terms.overtime_until,
                overtime_approved_by=terms.overtime_approved_by,
                early_end_at=terms.ended_at,
                rounding=rules.rounding,
                break_paid=rules.break_paid,
            )
        )
    return sheets


def _sheet(
    order: Order, branch: Branch, lines: list[Line], money_shown: tuple[str, ...], now: datetime
) -> Timesheet:
    totals = _totals(lines)
    billed = _totals(billable_lines(lines, order, branch.invoice_after_days, now))
    held = sum(1 for line in lines if line.state == LineState.DISPUTED)
    lines = [_hide_client_price(line, money_shown) for line in lines]
    return Timesheet(
        order_id=order.id,
        code=order.code,
        currency=branch.currency,
        starts_at=order.starts_at,
        ends_at=order.ends_at,
        closed=order.closed_at is not None,
        lines=lines,
        totals={name: totals[name] for name in (*HOURS_COLUMNS, *money_shown)},
        money=money_shown,
        timezone=branch.timezone,
        billable_client_amount=billed["client_amount"] if "client_amount" in money_shown else None,
        held_lines=held,
    )


def _hide_client_price(line: Line, money_shown: tuple[str, ...]) -> Line:
    """The amounts a reader may not see, blanked: the client's price (shown_money leaves out
    nothing else)."""
    return replace(
        line,
        client_amount=line.client_amount if "client_amount" in money_shown else None,
        client_surcharge=line.client_surcharge if "client_amount" in money_shown else None,
        margin=line.margin if "margin" in money_shown else None,
        # "fine_exceeds_pay" tells of the worker's pay: only for those who see it
        note=line.note if "worker_pay" in money_shown else None,
    )


def audit_read(session: Session, actor: Actor, sheet: Timesheet, branch_id: int) -> None:
    """Record a read of the sheet's workers (a preview computed in a rolled-back savepoint)."""
    show_workers(
        session,
        actor=actor,
        worker_ids=[line.worker_id for line in sheet.lines],
        via="timesheet",
        branch_id=branch_id,
        order_id=sheet.order_id,
    )


def timesheet_table(sheet: Timesheet) -> Table:
    """The sheet as an export (api/exports.py writes it in the reader's language): a line
    per worker, then the totals. Only the amounts the reader may see (sheet.money) are
    columns."""
    hidden = {n for n in MONEY_COLUMNS if n not in sheet.money} | {
        n for n, side in SURCHARGE_SIDE.items() if side not in sheet.money
    }
    names = [f.name for f in fields(Line) if f.name not in hidden]
    rows = [[sheet.code, *(_value(getattr(line, n)) for n in names)] for line in sheet.lines]
    # The totals under their columns; a line's own fields (names, times, note, state) blank.
    rows.append([sheet.code, Word("total"), *(sheet.totals.get(n) for n in names[1:])])
    return Table(["order", *names], rows, sheet.timezone)


def _value(value: object) -> object:
    return Word(value) if isinstance(value, str) and value in CODED_VALUES else value


# Codes shown in the reader's words in an export: attendance marks, a line's note and state.
CODED_VALUES = (*ATTENDANCE, FINE_EXCEEDS_PAY, *LINE_STATES)


@dataclass(frozen=True)
class Payout:
    worker_id: int
    full_name: str | None  # as dispatch/access/privacy.py shows it: masked phone to other branches
    phone: str | None
    shifts: int
    hours: Decimal
    base_pay: Decimal
    allowances: Decimal
    fines: Decimal
    worker_pay: Decimal


def payouts(
    session: Session, branch_id: int, *, actor: Actor, date_from: date, date_to: date
) -> tuple[str, list[Payout]]:
    """Per worker, over the branch's closed or cancelled orders starting on those local dates
    (both included): what to pay. Returns the currency and the rows, by name."""
    if not actor.sees_branch(branch_id) or (branch := session.get(Branch, branch_id)) is None:
        raise BranchNotFound(branch_id)
    if date_to < date_from:
        raise InvalidInput("to", "is before from", location="query")
    if date_to >= date.max:  # the report runs to the next midnight, which does not exist
        raise InvalidInput("to", f"must be before {date.max}", location="query")
    if (date_to - date_from).days > MAX_PAYOUT_DAYS:
        raise InvalidInput(
            "to", f"a report covers at most {MAX_PAYOUT_DAYS} days", location="query"
        )
    zone = ZoneInfo(branch.timezone)
    start = datetime.combine(date_from, time(0), zone)
    end = datetime.combine(date_to + timedelta(days=1), time(0), zone)
    orders = list(
        session.scalars(
            select(Order).where(
                Order.branch_id == branch_id,
                Order.starts_at >= start,
                Order.starts_at < end,
                payable(),
            )
        )
    )
    per_worker: dict[int, list[Line]] = {}
    for order_lines in lines_of(session, orders).values():
        for line in order_lines:
            per_worker.setdefault(line.worker_id, []).append(line)
    shown = show_workers(
        session,
        actor=actor,
        worker_ids=list(per_worker),
        via="payouts",
        branch_id=branch_id,
        date_from=date_from.isoformat(),
        date_to=date_to.isoformat(),
    )
    rows = [
        Payout(
            worker_id=worker_id,
            full_name=shown[worker_id].name,
            phone=shown[worker_id].phone,
            shifts=sum(1 for line in lines if line.hours > 0),
            hours=sum((line.hours for line in lines), ZERO),
            base_pay=sum((line.base_pay for line in lines), ZERO),
            allowances=sum((line.allowances for line in lines), ZERO),
            fines=sum((line.fines for line in lines), ZERO),
            worker_pay=sum((line.worker_pay for line in lines), ZERO),
        )
        for worker_id, lines in per_worker.items()
    ]
    rows.sort(key=lambda p: (p.full_name or "", p.worker_id))
    return branch.currency, rows


def payouts_table(currency: str, rows: list[Payout]) -> Table:
    """Payouts as an export: a row per worker. No times in it, so no zone is needed."""
    columns = [*(f.name for f in fields(Payout)), "currency"]
    return Table(columns, [[*asdict(row).values(), currency] for row in rows], "UTC")
