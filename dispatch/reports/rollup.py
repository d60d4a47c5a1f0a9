"""The rollups of one branch's day (in branch time), recomputed whole: DELETE the day's rows,
INSERT them again from the raw orders, offers, ledger and timesheet lines, in one transaction
under an advisory lock of (branch, day), so reruns give the same rows and concurrent runs
queue up. Money comes only from dispatch/penalties/pay.py (lines_of): the one rule.

Definitions (docs/reports.md): an order counts on the day and hour it starts; booked by the
start = offers booked (booked_at at or before the start) and still booked, capped at the
headcount per order; filled = booked by the start >= headcount; time to fill = placed ->
the headcount-th booking; late = worked and arrived past the branch's grace after the time
due (is_late: the penalties' rule); arrived = came at all; a cancelled order is the client's
when a client user or key cancelled it (the audit log's order.cancel), else the office's; a
worker's late cancellation is offers.cancelled_late. The rollups keep no royalty: the
reports' royalty is the statements' (invoiced turnover x rate, royalty.py; migration 0058)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.orm import Session

from core.audit import ORDER, SLACK, AuditEntry, fixed, naming
from core.money import money
from dispatch.enums import CAME, CLIENT, WORKED, OfferStatus, OrderStatus
from dispatch.models import Branch, Offer, Order, User
from dispatch.orders.overbooking import fill_probability
from dispatch.orders.roster import judged_arrival
from dispatch.penalties.pay import ZERO, lines_of, payable
from dispatch.reports.models import (
    ReportBranchDay,
    ReportCalibration,
    ReportDay,
    ReportWorkerDay,
)

LOCK_SPACE = 21 << 48  # issue 21's advisory locks: (branch << 20) | day ordinal below


@dataclass
class Cell:
    orders: int = 0
    headcount: int = 0
    booked_by_start: int = 0
    filled_orders: int = 0
    fill_minutes: int = 0
    fill_count: int = 0
    booked: int = 0
    no_shows: int = 0
    lates: int = 0
    arrived: int = 0
    cancelled_client: int = 0
    cancelled_office: int = 0
    worker_late_cancels: int = 0
    revenue: Decimal = field(default=ZERO)
    worker_pay: Decimal = field(default=ZERO)
    margin: Decimal = field(default=ZERO)


def day_bounds(day: date, zone: str) -> tuple[datetime, datetime]:
    tz = ZoneInfo(zone)
    start = datetime.combine(day, time(), tz)
    return start, datetime.combine(day + timedelta(days=1), time(), tz)


def lock_day(session: Session, branch_id: int, day: date) -> None:
    key = LOCK_SPACE | (branch_id << 20) | (day.toordinal() & 0xFFFFF)
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def booked_by_start(order: Order, offers: list[Offer]) -> list[Offer]:
    return sorted(
        (
            o
            for o in offers
            if o.status == OfferStatus.BOOKED
            and (o.booked_at is None or o.booked_at <= order.starts_at)
        ),
        key=lambda o: (o.booked_at or order.created_at, o.id),
    )


def is_late(order: Order, branch: Branch, offer: Offer) -> bool:
    """Worked and came past the grace after the time due: the penalties' rule (roster's
    judged_arrival: due at the start, or a late top-up's booking plus travel); an arrival so
    late the penalties count it a no-show is late here too (the worker came)."""
    return (
        offer.attendance in WORKED
        and offer.arrived_at is not None
        and judged_arrival(order, branch, offer).kind != "on_time"
    )


def client_cancelled(session: Session, order_ids: list[int]) -> set[int]:
    """The cancelled orders a client user or a client's key cancelled (by the audit log)."""
    if not order_ids:
        return set()
    first = AuditEntry.entity_ids[0].astext.cast(Order.id.type)
    first_made = select(func.min(Order.created_at) - SLACK).where(Order.id.in_(order_ids))
    since = first_made.scalar_subquery()
    rows = session.execute(
        select(first, AuditEntry.actor, User.role)
        .outerjoin(User, User.id == AuditEntry.actor_user_id)
        # By ix_audit_log_order_ids: a past day's rollup would else read every month since.
        .where(AuditEntry.action == fixed("order.cancel"), naming(ORDER, order_ids))
        .where(first.in_(order_ids))
        .where(AuditEntry.at >= since)  # the audit log's months before the orders: not read
    )
    return {oid for oid, name, role in rows if role == CLIENT or name.startswith("api-key:")}


def recompute_day(session: Session, branch_id: int, day: date) -> int:
    """The branch's day rolled up again; returns the number of orders seen."""
    lock_day(session, branch_id, day)
    branch = session.get_one(Branch, branch_id)
    start, end = day_bounds(day, branch.timezone)
    tz = ZoneInfo(branch.timezone)
    orders = list(
        session.scalars(
            select(Order).where(
                Order.branch_id == branch_id,
                Order.starts_at >= start,
                Order.starts_at < end,
                Order.status != OrderStatus.AWAITING_APPROVAL,
            )
        )
    )
    ids = [o.id for o in orders]
    offers: dict[int, list[Offer]] = defaultdict(list)
    if ids:
        for offer in session.scalars(select(Offer).where(Offer.order_id.in_(ids))):
            offers[offer.order_id].append(offer)
    cancelled = [o.id for o in orders if o.status == OrderStatus.CANCELLED]
    by_client = client_cancelled(session, cancelled)
    paid = {o.id for o in session.scalars(select(Order).where(Order.id.in_(ids), payable()))}
    lines = lines_of(session, [o for o in orders if o.id in paid]) if paid else {}
    cells: dict[tuple[int, int, str, int], Cell] = defaultdict(Cell)
    workers: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    calibration = []
    for order in orders:
        cell = cells[
            (order.client_id, order.site_id, order.skill, order.starts_at.astimezone(tz).hour)
        ]
        mine = offers[order.id]
        cell.worker_late_cancels += sum(o.cancelled_late for o in mine)
        for line in lines.get(order.id, []):
            cell.revenue += line.client_amount or ZERO
            cell.worker_pay += line.worker_pay
            cell.margin += line.margin or ZERO
        if order.status == OrderStatus.CANCELLED:
            if order.id in by_client:
                cell.cancelled_client += 1
            else:
                cell.cancelled_office += 1
            continue
        booked = booked_by_start(order, mine)
        cell.orders += 1
        cell.headcount += order.headcount
        cell.booked += len(booked)
        cell.booked_by_start += min(len(booked), order.headcount)
        if order.headcount > 0 and len(booked) >= order.headcount:
            cell.filled_orders += 1
            full_at = booked[order.headcount - 1].booked_at or order.created_at
            cell.fill_minutes += max(0, int((full_at - order.created_at).total_seconds() // 60))
            cell.fill_count += 1
        came = 0
        for offer in mine:
            if offer.status != OfferStatus.BOOKED:
                continue
            late = is_late(order, branch, offer)
            no_show = offer.attendance == "no_show"
            came += offer.attendance in CAME
            cell.no_shows += no_show
            cell.lates += late
            cell.arrived += offer.attendance in CAME
            figures = workers[offer.worker_id]
            figures[0] += 1
            figures[1] += no_show
            figures[2] += late
        if order.status == OrderStatus.COMPLETED:
            predicted = fill_probability([float(o.reliability) for o in booked], order.headcount)
            calibration.append(
                {
                    "order_id": order.id,
                    "day": day,
                    "branch_id": branch_id,
                    "predicted": predicted,
                    "bucket": min(9, int(predicted * 10)),
                    "filled": came >= order.headcount,
                }
            )
    _replace(session, branch_id, day, cells, workers, calibration)
    return len(orders)


def _replace(
    session: Session,
    branch_id: int,
    day: date,
    cells: dict[tuple[int, int, str, int], Cell],
    workers: dict[int, list[int]],
    calibration: list[dict[str, Any]],
) -> None:
    for model in (ReportDay, ReportBranchDay, ReportWorkerDay, ReportCalibration):
        session.execute(delete(model).where(model.branch_id == branch_id, model.day == day))
    if cells:
        session.execute(
            insert(ReportDay),
            [
                {
                    "day": day,
                    "branch_id": branch_id,
                    "client_id": key[0],
                    "site_id": key[1],
                    "skill": key[2],
                    "start_hour": key[3],
                    **cell.__dict__,
                    "revenue": money(cell.revenue),
                    "worker_pay": money(cell.worker_pay),
                    "margin": money(cell.margin),
                }
                for key, cell in cells.items()
            ],
        )
        whole = {name: sum(getattr(c, name) for c in cells.values()) for name in Cell().__dict__}
        session.execute(
            insert(ReportBranchDay),
            [{"day": day, "branch_id": branch_id, **whole}],
        )
    if workers:
        session.execute(
            insert(ReportWorkerDay),
            [
                {
                    "day": day,
                    "branch_id": branch_id,
                    "worker_id": wid,
                    "shifts": f[0],
                    "no_shows": f[1],
                    "lates": f[2],
                }
                for wid, f in workers.items()
            ],
        )
    if calibration:
        session.execute(insert(ReportCalibration), calibration)
    session.flush()
