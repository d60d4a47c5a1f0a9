"""The reports judge lateness by the penalties' rule (dispatch/orders/roster.py
judged_arrival): from the time the worker was due, not from the order's start. A worker booked
by a top-up after the start is due an hour after their booking (LATE_BOOKING_TRAVEL): arriving
before that is not late, in the attendance figures nor in the workers report."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from dispatch.models import Offer, Order
from dispatch.reports.models import ReportBranchDay, ReportWorkerDay
from dispatch.reports.rollup import recompute_day
from tests.builders import make_branch, make_client, make_site, make_worker

STARTS = datetime(2026, 10, 5, 6, 0, tzinfo=UTC)  # 09:00 in Moscow


def _offer(order: Order, worker, booked_at: datetime, arrived_at: datetime) -> Offer:  # noqa: ANN001
    return Offer(
        order_id=order.id,
        worker_id=worker.id,
        status="booked",
        wave=1,
        rank=1,
        distance_m=100,
        score=1,
        rating=worker.rating,
        reliability=worker.reliability,
        booked_at=booked_at,
        attendance="arrived",
        arrived_at=arrived_at,
    )


def test_a_staggered_worker_arriving_before_their_due_time_is_not_late(session):
    branch = make_branch(session, timezone="Europe/Moscow", late_grace_min=5)
    client = make_client(session, branch=branch)
    site = make_site(session, client=client)
    order = Order(
        code="LATE01", branch_id=branch.id, client_id=client.id, site_id=site.id,
        skill="loader", headcount=2, starts_at=STARTS, ends_at=STARTS + timedelta(hours=8),
        client_rate=Decimal("250.00"), worker_rate=Decimal("120.00"),
        overbook_factor=Decimal("1.00"), overbooking_mode="fixed", fill_goal=Decimal("0.900"),
        booking_target=2, status="completed", radius_m=5000,
        created_at=STARTS - timedelta(hours=5),
        topped_up_at=STARTS + timedelta(minutes=20),  # a top-up after the start
    )  # fmt: skip
    session.add(order)
    session.flush()
    on_time, staggered = (make_worker(session, branch=branch) for _ in range(2))
    # Booked before the start, arrived 30 min after it: late.
    session.add(_offer(order, on_time, STARTS - timedelta(hours=2), STARTS + timedelta(minutes=30)))
    # Booked by the top-up at start + 30 min, so due at start + 90 min; came at start + 80 min.
    booked = STARTS + timedelta(minutes=30)
    session.add(_offer(order, staggered, booked, STARTS + timedelta(minutes=80)))
    session.flush()
    recompute_day(session, branch.id, STARTS.date())
    whole = session.scalars(select(ReportBranchDay).where(ReportBranchDay.branch_id == branch.id))
    assert [(d.arrived, d.lates) for d in whole] == [(2, 1)]
    lates = {
        r.worker_id: r.lates
        for r in session.scalars(
            select(ReportWorkerDay).where(ReportWorkerDay.branch_id == branch.id)
        )
    }
    assert lates == {on_time.id: 1, staggered.id: 0}
