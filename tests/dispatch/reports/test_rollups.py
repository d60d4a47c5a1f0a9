"""The rollups agree with the raw data: a generated month of 10 branches rolled up, then every
figure of every cell compared with a direct SQL (counts) and pay.py (money) computation."""

from collections import defaultdict
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from core.money import money
from dispatch.models import Branch, Order
from dispatch.orders.overbooking import fill_probability
from dispatch.penalties.pay import lines_of, payable
from dispatch.reports import keeping
from dispatch.reports.models import (
    ReportBranchDay,
    ReportCalibration,
    ReportDay,
    ReportWorkerDay,
)
from tests.dispatch.reports.network import make_network

# Late: past the grace after the time due, roster.due_at (a late top-up booking: +1 hour).
RAW = """
WITH o AS (
  SELECT o.*, (o.starts_at AT TIME ZONE b.timezone) AS local, b.late_grace_min AS grace
  FROM orders o JOIN branches b ON b.id = o.branch_id
  WHERE o.status <> 'awaiting_approval' AND o.branch_id = ANY(:branches)
), bk AS (
  SELECT f.order_id, f.booked_at, row_number() OVER (
      PARTITION BY f.order_id ORDER BY coalesce(f.booked_at, o.created_at), f.id) AS nth
  FROM offers f JOIN o ON o.id = f.order_id
  WHERE f.status = 'booked' AND (f.booked_at IS NULL OR f.booked_at <= o.starts_at)
), per_order AS (
  SELECT o.id,
    (SELECT count(*) FROM bk WHERE bk.order_id = o.id) AS booked,
    (SELECT coalesce(bk.booked_at, o.created_at) FROM bk
       WHERE bk.order_id = o.id AND bk.nth = o.headcount) AS full_at,
    (SELECT count(*) FROM offers f WHERE f.order_id = o.id AND f.attendance = 'no_show') AS ns,
    (SELECT count(*) FROM offers f WHERE f.order_id = o.id
       AND f.attendance IN ('arrived', 'left_early', 'sent_home')
       AND f.arrived_at > (CASE WHEN o.topped_up_at IS NOT NULL AND f.booked_at > o.starts_at
         AND f.booked_at >= o.topped_up_at THEN f.booked_at + interval '1 hour'
         ELSE o.starts_at END) + make_interval(mins => o.grace)) AS late,
    (SELECT count(*) FROM offers f WHERE f.order_id = o.id
       AND f.attendance IN ('arrived', 'left_early', 'released', 'sent_home')) AS came,
    (SELECT count(*) FROM offers f WHERE f.order_id = o.id AND f.cancelled_late) AS wlc,
    EXISTS (SELECT 1 FROM audit_log a LEFT JOIN users u ON u.id = a.actor_user_id
       WHERE a.action = 'order.cancel' AND (a.entity_ids->>0)::int = o.id
       AND (u.role = 'client' OR a.actor LIKE 'api-key:%')) AS by_client
  FROM o
)
SELECT o.branch_id, date(o.local) AS day, o.client_id, o.site_id, o.skill,
  extract(hour FROM o.local)::int AS start_hour,
  count(*) FILTER (WHERE o.status <> 'cancelled') AS orders,
  coalesce(sum(o.headcount) FILTER (WHERE o.status <> 'cancelled'), 0) AS headcount,
  coalesce(sum(least(p.booked, o.headcount)) FILTER (WHERE o.status <> 'cancelled'), 0)
    AS booked_by_start,
  coalesce(sum(p.booked) FILTER (WHERE o.status <> 'cancelled'), 0) AS booked,
  count(*) FILTER (WHERE o.status <> 'cancelled' AND p.booked >= o.headcount) AS filled_orders,
  coalesce(sum(floor(extract(epoch FROM p.full_at - o.created_at) / 60))
    FILTER (WHERE o.status <> 'cancelled' AND p.booked >= o.headcount), 0) AS fill_minutes,
  coalesce(sum(p.ns) FILTER (WHERE o.status <> 'cancelled'), 0) AS no_shows,
  coalesce(sum(p.late) FILTER (WHERE o.status <> 'cancelled'), 0) AS lates,
  coalesce(sum(p.came) FILTER (WHERE o.status <> 'cancelled'), 0) AS arrived,
  count(*) FILTER (WHERE o.status = 'cancelled' AND p.by_client) AS cancelled_client,
  count(*) FILTER (WHERE o.status = 'cancelled' AND NOT p.by_client) AS cancelled_office,
  coalesce(sum(p.wlc), 0) AS worker_late_cancels
FROM o JOIN per_order p ON p.id = o.id
GROUP BY 1, 2, 3, 4, 5, 6
"""
COUNTS = (
    "orders", "headcount", "booked_by_start", "booked", "filled_orders", "fill_minutes",
    "no_shows", "lates", "arrived", "cancelled_client", "cancelled_office", "worker_late_cancels",
)  # fmt: skip


def _key(row) -> tuple:  # noqa: ANN001
    return (row.branch_id, row.day, row.client_id, row.site_id, row.skill, row.start_hour)


def raw_money(session, net) -> dict[tuple, list[Decimal]]:  # noqa: ANN001
    """Per cell: revenue, worker pay, margin by pay.py's lines (the reports take the
    statements' royalty, from invoices: dispatch/reports/royalty.py)."""
    ids = [b.id for b in net.branches]
    orders = list(session.scalars(select(Order).where(Order.branch_id.in_(ids), payable())))
    zones = {b.id: b for b in net.branches}
    cells: dict[tuple, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 3)
    for order_id, lines in lines_of(session, orders).items():
        order = session.get_one(Order, order_id)
        branch = zones[order.branch_id]
        local = order.starts_at.astimezone(__import__("zoneinfo").ZoneInfo(branch.timezone))
        key = (branch.id, local.date(), order.client_id, order.site_id, order.skill, local.hour)
        for line in lines:
            cells[key][0] += line.client_amount or 0
            cells[key][1] += line.worker_pay
            cells[key][2] += line.margin or 0
    return {k: [money(x) for x in v] for k, v in cells.items()}


@pytest.fixture
def net(session, session_factory):
    network = make_network(session, branches=10, days=30)
    keeping.rebuild(factory=session_factory)
    session.expire_all()
    return network


def test_every_figure_of_every_cell_agrees_with_the_raw_data(session, net):
    ids = [b.id for b in net.branches]
    raw = {_key(r): r for r in session.execute(text(RAW), {"branches": ids})}
    rolled = {_key(r): r for r in session.scalars(select(ReportDay))}
    assert len(rolled) > 300 and rolled.keys() == raw.keys()
    for key, row in raw.items():
        assert {c: getattr(rolled[key], c) for c in COUNTS} == {
            c: getattr(row, c) for c in COUNTS
        }, key
    sums = {c: sum(getattr(r, c) for r in rolled.values()) for c in COUNTS}
    # The month is not a degenerate one: every kind of figure happens.
    assert all(sums[c] > 0 for c in COUNTS), sums
    money_raw = raw_money(session, net)
    for key, cell in rolled.items():
        expected = money_raw.get(key, [Decimal("0.00")] * 3)
        assert [cell.revenue, cell.worker_pay, cell.margin] == expected, key
    assert sum(c.revenue for c in rolled.values()) > 0
    # The branch-day rows are the sums of their cells.
    wholes = {(r.branch_id, r.day): r for r in session.scalars(select(ReportBranchDay))}
    summed: dict[tuple, dict] = defaultdict(lambda: defaultdict(int))
    for key, cell in rolled.items():
        for c in (*COUNTS, "revenue", "worker_pay", "margin"):
            summed[key[:2]][c] += getattr(cell, c)
    assert wholes.keys() == summed.keys()
    for key, sums in summed.items():
        assert {c: getattr(wholes[key], c) for c in sums} == sums, key


def test_workers_and_calibration_agree_with_the_raw_data(session, net):
    ids = [b.id for b in net.branches]
    workers = session.execute(
        text(
            """SELECT o.branch_id, date(o.starts_at AT TIME ZONE b.timezone) AS day, f.worker_id,
              count(*) AS shifts, count(*) FILTER (WHERE f.attendance = 'no_show') AS no_shows,
              count(*) FILTER (WHERE f.attendance IN ('arrived', 'left_early', 'sent_home')
                AND f.arrived_at > (CASE WHEN o.topped_up_at IS NOT NULL
                  AND f.booked_at > o.starts_at AND f.booked_at >= o.topped_up_at
                  THEN f.booked_at + interval '1 hour' ELSE o.starts_at END)
                  + make_interval(mins => b.late_grace_min)) AS lates
            FROM offers f JOIN orders o ON o.id = f.order_id JOIN branches b ON b.id = o.branch_id
            WHERE f.status = 'booked' AND o.status NOT IN ('cancelled', 'awaiting_approval')
              AND o.branch_id = ANY(:ids)
            GROUP BY 1, 2, 3"""
        ),
        {"ids": ids},
    )
    raw = {(r.branch_id, r.day, r.worker_id): (r.shifts, r.no_shows, r.lates) for r in workers}
    rolled = {
        (r.branch_id, r.day, r.worker_id): (r.shifts, r.no_shows, r.lates)
        for r in session.scalars(select(ReportWorkerDay))
    }
    assert rolled == raw and len(raw) > 500
    completed = [o for o in net.orders if o.status == "completed"]
    calibration = {r.order_id: r for r in session.scalars(select(ReportCalibration))}
    assert calibration.keys() == {o.id for o in completed}
    for order in completed:
        booked = session.execute(
            text(
                "SELECT reliability FROM offers WHERE order_id = :o AND status = 'booked' "
                "AND (booked_at IS NULL OR booked_at <= :s)"
            ),
            {"o": order.id, "s": order.starts_at},
        ).scalars()
        p = fill_probability([float(r) for r in booked], order.headcount)
        came = session.scalar(
            text(
                "SELECT count(*) FROM offers WHERE order_id = :o "
                "AND attendance IN ('arrived', 'left_early', 'released', 'sent_home')"
            ),
            {"o": order.id},
        )
        row = calibration[order.id]
        assert row.predicted == pytest.approx(p) and row.bucket == min(9, int(p * 10))
        assert row.filled == (came >= order.headcount)
    assert {r.filled for r in calibration.values()} == {True, False}
    assert len({r.bucket for r in calibration.values()}) >= 3


def test_branch_days_are_in_branch_time(session, net):
    """An order at 23:00 in Novosibirsk is that local day's, not the UTC day's."""
    late = [
        o
        for o in net.orders
        if o.starts_at.astimezone(
            __import__("zoneinfo").ZoneInfo(session.get_one(Branch, o.branch_id).timezone)
        ).hour
        == 23
        and o.status != "cancelled"
    ]
    assert late
    order = late[0]
    branch = session.get_one(Branch, order.branch_id)
    local = order.starts_at.astimezone(__import__("zoneinfo").ZoneInfo(branch.timezone))
    assert local.date() != order.starts_at.date() or branch.timezone == "Europe/Moscow"
    cell = session.get(
        ReportDay, (local.date(), order.branch_id, order.client_id, order.site_id, order.skill, 23)
    )
    assert cell is not None and cell.orders >= 1
