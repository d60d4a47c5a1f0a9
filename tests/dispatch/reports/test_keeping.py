"""The rollups are kept by the job: a change after the watermark rolls its day up again;
rebuilding gives the same rows as the incremental runs; reruns change nothing."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select, text

from core import audit
from core.tenancy import SYSTEM
from dispatch.hours.models import TimesheetVersion
from dispatch.models import Offer, Order
from dispatch.reports import keeping
from dispatch.reports.models import ReportCalibration, ReportDay, ReportWatermark, ReportWorkerDay
from rating import service as rating
from rating.models import PenaltyEvent
from tests.dispatch.reports.network import make_network

AFTER = datetime(2026, 10, 8, tzinfo=UTC)  # the job's clock: just after the generated week


def _rows(session):  # noqa: ANN001, ANN202
    session.expire_all()
    return (
        sorted(
            tuple(r.__dict__[c.name] for c in ReportDay.__table__.columns)
            for r in session.scalars(select(ReportDay))
        ),
        sorted(
            (r.branch_id, r.day, r.worker_id, r.shifts, r.no_shows, r.lates)
            for r in session.scalars(select(ReportWorkerDay))
        ),
        sorted(
            (r.order_id, r.bucket, r.filled) for r in session.scalars(select(ReportCalibration))
        ),
    )


def _age(session) -> None:  # noqa: ANN001
    """The generated rows as if written long before the job's runs."""
    for table in ("orders", "offers"):
        session.execute(text(f"UPDATE {table} SET updated_at = '2026-09-01'"))  # noqa: S608
    session.execute(
        text("UPDATE penalty_events SET occurred_at = '2026-09-01', created_at = '2026-09-01'")
    )


def test_a_late_change_rolls_its_day_up_again_by_the_watermark(session, session_factory):
    net = make_network(session, branches=2, days=7)
    _age(session)
    keeping.refresh(AFTER - timedelta(days=30), session_factory)  # first run: sets the mark
    assert session.scalar(select(ReportWatermark.at)) == AFTER - timedelta(days=30)
    keeping.rebuild(factory=session_factory)
    keeping.refresh(AFTER, session_factory)
    # A no-show marked on an old day's order (the foreman's late correction).
    offer = session.scalars(
        select(Offer)
        .join(Order)
        .where(
            Order.status == "completed",
            Offer.attendance == "arrived",
            Order.starts_at < net.first_utc(2),
        )
        .order_by(Offer.id)
    ).first()
    order = session.get_one(Order, offer.order_id)
    cell_key = net.cell_of(order)
    before = session.get_one(ReportDay, cell_key).no_shows
    offer.attendance, offer.arrived_at = "no_show", None
    session.flush()
    session.expire_all()
    assert session.get_one(ReportDay, cell_key).no_shows == before  # not yet: the job runs
    keeping.refresh(AFTER + timedelta(minutes=5), session_factory)
    session.expire_all()
    assert session.get_one(ReportDay, cell_key).no_shows == before + 1
    assert session.scalar(select(ReportWatermark.at)) == AFTER + timedelta(minutes=5)


def test_rebuild_equals_incremental_and_reruns_change_nothing(session, session_factory):
    make_network(session, branches=3, days=5, seed=7)
    # Incremental: the first run sees every order as changed (no watermark yet: the recent
    # ones only), so run it over every day touched since long ago.
    keeping.recompute(
        keeping.touched(session, datetime(2000, 1, 1, tzinfo=UTC), AFTER), session_factory
    )
    incremental = _rows(session)
    assert incremental[0] and incremental[1] and incremental[2]
    keeping.rebuild(factory=session_factory)
    assert _rows(session) == incremental
    keeping.rebuild(factory=session_factory)
    assert _rows(session) == incremental


def test_touched_days_are_the_changed_only(session):
    """A recent day nothing changed on is not looked at again (it was the job's cost: every
    run rolled up the last days whole); the first run, with no watermark, takes the recent."""
    net = make_network(session, branches=1, days=7, seed=3)
    _age(session)
    since = datetime(2026, 9, 2, tzinfo=UTC)
    assert keeping.touched(session, since, AFTER) == set()
    recent = {d for _, d in keeping.touched(session, None, AFTER)}
    assert recent and all(
        d >= (AFTER - timedelta(days=2)).date() - timedelta(days=1) for d in recent
    )
    order = net.orders[0]
    order.notes = "changed"
    session.flush()
    assert {d for _, d in keeping.touched(session, since, AFTER)} == {net.cell_of(order)[0]}


def test_a_ledger_entry_recorded_late_touches_its_day(session):
    """A no-show's entry occurs at the shift's start, days before it is recorded: it is the
    recording that touches the day."""
    net = make_network(session, branches=1, days=7, seed=3)
    _age(session)
    order = next(
        o for o in net.orders if o.closed_at is not None and o.starts_at < net.first_utc(3)
    )
    offer = session.scalars(
        select(Offer).where(Offer.order_id == order.id, Offer.status == "booked")
    ).first()
    session.execute(
        text("UPDATE offers SET updated_at = '2026-09-01' WHERE id = :i"), {"i": offer.id}
    )
    session.add(
        PenaltyEvent(
            worker_id=offer.worker_id, order_id=order.id, kind="no_show", points=10,
            fine=Decimal("500"), currency="RUB", occurred_at=order.starts_at, automatic=False,
            reason="marked late",
        )
    )  # fmt: skip
    session.flush()
    since = datetime(2026, 9, 2, tzinfo=UTC)
    assert {d for _, d in keeping.touched(session, since, AFTER)} == {net.cell_of(order)[0]}


def test_a_ledger_entry_reversed_late_touches_its_day(session):
    net = make_network(session, branches=1, days=7, seed=3)
    _age(session)
    since = datetime(2026, 9, 2, tzinfo=UTC)
    entry = session.scalars(
        select(PenaltyEvent).where(PenaltyEvent.fine > 0).order_by(PenaltyEvent.id)
    ).first()
    assert entry is not None and keeping.touched(session, since, AFTER) == set()
    rating.reverse(session, entry, reason="a late correction", now=AFTER)
    session.flush()
    order = session.get_one(Order, entry.order_id)
    assert {d for _, d in keeping.touched(session, since, AFTER)} == {net.cell_of(order)[0]}


def test_a_run_after_a_quiet_spell_rolls_up_nothing(session, session_factory):
    net = make_network(session, branches=2, days=7)
    _age(session)
    keeping.refresh(AFTER - timedelta(days=30), session_factory)  # first run: sets the mark
    keeping.rebuild(factory=session_factory)
    rows = _rows(session)
    assert keeping.refresh(AFTER, session_factory) == 0
    assert keeping.refresh(AFTER + timedelta(minutes=5), session_factory) == 0
    assert _rows(session) == rows
    order = net.orders[-1]
    order.notes = "changed"
    session.flush()
    assert keeping.refresh(AFTER + timedelta(minutes=10), session_factory) == 1


def test_a_rebuild_of_a_day_whose_orders_are_gone_empties_it(session, session_factory):
    net = make_network(session, branches=1, days=2, seed=5)
    keeping.rebuild(factory=session_factory)
    key = net.cell_of(net.orders[0])
    assert session.get(ReportDay, key) is not None
    session.execute(
        text("UPDATE orders SET status = 'awaiting_approval', closed_at = NULL WHERE id = :i"),
        {"i": net.orders[0].id},
    )
    for other in net.orders[1:]:
        if net.cell_of(other) == key:
            session.execute(
                text(
                    "UPDATE orders SET status = 'awaiting_approval', closed_at = NULL WHERE id = :i"
                ),
                {"i": other.id},
            )
    keeping.rebuild(first=key[0], last=key[0], factory=session_factory)
    session.expire_all()
    assert session.get(ReportDay, key) is None


def test_an_order_moved_to_another_day_leaves_its_old_day_too(session):
    """A start moved (the order's change, audited with the start before) marks the day it left
    as well as the day it went to: the old day's rollups still hold the order."""
    net = make_network(session, branches=1, days=7, seed=3)
    _age(session)
    order = net.orders[0]
    old_day = net.cell_of(order)[0]
    before = order.starts_at.isoformat()
    order.starts_at += timedelta(days=3)
    order.ends_at += timedelta(days=3)
    audit.log(
        session, SYSTEM, "order.change", "order", [order.id], order.branch_id,
        before={"starts_at": before}, after={"starts_at": order.starts_at.isoformat()},
    )  # fmt: skip
    session.flush()
    days = {d for _, d in keeping.touched(session, datetime(2026, 9, 2, tzinfo=UTC), AFTER)}
    assert {old_day, net.cell_of(order)[0]} <= days


def test_hours_corrected_later_roll_their_day_up_again(session):
    net = make_network(session, branches=1, days=7, seed=3)
    _age(session)
    order = next(o for o in net.orders if o.closed_at is not None)
    since = datetime(2026, 9, 2, tzinfo=UTC)
    assert net.cell_of(order)[0] not in {d for _, d in keeping.touched(session, since, AFTER)}
    session.add(
        TimesheetVersion(
            order_id=order.id, version=1, break_min=30, after_close=True, by_name="office",
            by_role="manager", reason="a correction",
        )
    )  # fmt: skip
    session.flush()
    assert net.cell_of(order)[0] in {d for _, d in keeping.touched(session, since, AFTER)}
