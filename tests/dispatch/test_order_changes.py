"""Changing a placed order (dispatch/changes): headcount up and down, the shift moved, rates,
foreman and notes; each change audited with its values before and after."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry
from dispatch.changes.errors import (
    ChangeAfterStart,
    NotesTooLong,
    OrderNotChangeable,
    ValueMissing,
)
from dispatch.changes.patch import OrderChange, change_order
from dispatch.fill import confirmations, waves
from dispatch.models import Offer, Order
from dispatch.orders import service as orders
from dispatch.orders.errors import (
    HeadcountOutOfRange,
    NegativeRate,
    ShiftEndsBeforeStart,
    ShiftInPast,
)
from dispatch.penalties import pay
from dispatch.registry.errors import NotAForeman
from rating.models import PenaltyEvent
from sms.models import Message
from tests.builders import (
    NOW,
    make_branch,
    make_client,
    make_offer,
    make_order,
    make_site,
    make_user,
)


def answer_yes(session, order, workers, start=NOW, step=timedelta(minutes=1)):
    return [
        waves.answer(
            session, order_id=order.id, worker_id=w.id, yes=True, source="sms", now=start + step * i
        ).status
        for i, w in enumerate(workers)
    ]


def statuses(session, order):
    rows = session.execute(
        select(Offer.worker_id, Offer.status).where(Offer.order_id == order.id)
    ).all()
    return dict(rows)


def texts(session, order, kind):
    return list(
        session.scalars(select(Message).where(Message.order_id == order.id, Message.kind == kind))
    )


def last_change(session, order):
    return session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "order.change", AuditEntry.entity_ids.contains([order.id]))
        .order_by(AuditEntry.id.desc())
    ).first()


def change(session, order, actor, at=NOW, **values):
    return change_order(session, order.id, actor=actor, change=OrderChange.of(**values), now=at)


def test_raising_moves_standby_up_and_sends_a_wave_at_once(session, site, dispatcher, crowd):
    order = make_order(session, site=site, headcount=2)  # target 3, a wave of 6
    waves.start_filling(session, order.id, NOW)
    offered = set(statuses(session, order))
    assert len(offered) == 6
    first = [w for w in crowd if w.id in offered]
    assert answer_yes(session, order, first[:4]) == ["booked"] * 3 + ["standby"]
    assert session.get(Order, order.id).status == "filled"
    wave = order.wave

    change(session, order, dispatcher, at=NOW + timedelta(minutes=10), headcount=4)

    assert (order.headcount, order.booking_target) == (4, 6)
    now_offered = statuses(session, order)
    assert now_offered[first[3].id] == "booked"  # standby moved up first
    assert list(now_offered.values()).count("booked") == 4
    assert order.status == "filling" and order.wave == wave + 1
    new = set(now_offered) - offered
    assert new, "the wave went out at once"
    assert len(texts(session, order, "offer")) == 6 + len(new)
    entry = last_change(session, order)
    assert entry.detail["before"] == {"headcount": 2}
    assert entry.detail["after"] == {"headcount": 4}
    assert entry.detail["offered"] == len(new)


def test_raising_then_yes_books_up_to_the_new_target(session, site, dispatcher, crowd):
    order = make_order(session, site=site, headcount=1)  # target 2
    waves.start_filling(session, order.id, NOW)
    change(session, order, dispatcher, headcount=3)  # target 5
    offered = [w for w in crowd if w.id in statuses(session, order)]
    result = answer_yes(session, order, offered[:7], start=NOW + timedelta(minutes=1))
    assert result == ["booked"] * 5 + ["standby"] * 2
    assert order.status == "filled"


def _full_order(session, site, crowd, *, starts_in=timedelta(days=1)):
    """Headcount 4, target 6: six booked (earliest first) and two on standby."""
    order = make_order(session, site=site, headcount=4, starts_in=starts_in)
    waves.start_filling(session, order.id, NOW)
    offered = [w for w in crowd if w.id in statuses(session, order)]
    assert answer_yes(session, order, offered[:8]) == ["booked"] * 6 + ["standby"] * 2
    return order, offered[:6], offered[6:8]


def test_lowering_lets_standby_go_then_the_newest_bookings(session, site, dispatcher, crowd):
    order, booked, standby = _full_order(session, site, crowd)
    change(session, order, dispatcher, at=NOW + timedelta(hours=1), headcount=2)  # target 3

    now = statuses(session, order)
    assert [now[w.id] for w in standby] == ["cancelled", "cancelled"]
    assert [now[w.id] for w in booked] == ["booked"] * 3 + ["cancelled"] * 3
    assert order.booking_target == 3 and order.status == "filled"
    assert {m.worker_id for m in texts(session, order, "standby_released")} == {
        w.id for w in standby
    }
    withdrawn = texts(session, order, "booking_withdrawn")
    assert {m.worker_id for m in withdrawn} == {w.id for w in booked[3:]}
    # A day ahead: outside late_cancel_h (12 h), no show-up pay.
    assert session.scalar(select(func.count()).select_from(PenaltyEvent)) == 0
    entry = last_change(session, order)
    assert entry.detail["released_booked"] == [w.id for w in reversed(booked[3:])]
    assert entry.detail["released_standby"] == [w.id for w in standby]
    assert entry.detail["paid_late"] == []


def test_lowering_inside_the_late_window_pays_show_up_pay(session, site, dispatcher, crowd):
    order, booked, _ = _full_order(session, site, crowd, starts_in=timedelta(hours=8))
    change(session, order, dispatcher, at=NOW + timedelta(hours=1), headcount=3)  # target 5

    released = booked[5]
    assert statuses(session, order)[released.id] == "cancelled"
    paid = session.scalars(select(PenaltyEvent).where(PenaltyEvent.order_id == order.id)).all()
    assert [(e.worker_id, e.kind, e.payout) for e in paid] == [
        (released.id, "compensation", Decimal("300.00"))
    ]
    assert paid[0].reason_code == "client_cancelled_late"
    assert [m.worker_id for m in texts(session, order, "compensation")] == [released.id]
    assert last_change(session, order).detail["paid_late"] == [released.id]
    # The timesheet (pay.crews reads the bookings and the compensated only): the released
    # worker stays on it for the show-up pay; the standby, paid nothing, do not.
    sheet = {offer.worker_id for offer, _, _ in pay.crews(session, [order])[order.id]}
    assert sheet == {w.id for w in booked[:6]}


def test_cancel_order_still_pays_the_late_client_cancel(session, site, dispatcher, crowd):
    """The rule moved into one function: the cancelled order keeps following it."""
    order, booked, _ = _full_order(session, site, crowd, starts_in=timedelta(hours=8))
    orders.cancel_order(
        session, order.id, actor=dispatcher, reason="client", now=NOW + timedelta(hours=1)
    )
    paid = session.scalars(select(PenaltyEvent.worker_id).where(PenaltyEvent.order_id == order.id))
    assert sorted(paid) == sorted(w.id for w in booked)


def test_moving_the_shift_asks_every_booked_worker_again(session, site, dispatcher, crowd):
    order = make_order(session, site=site, headcount=1)  # target 2
    waves.start_filling(session, order.id, NOW)
    offered = [w for w in crowd if w.id in statuses(session, order)]
    answer_yes(session, order, offered[:3])  # two booked, one standby
    at = order.starts_at - timedelta(hours=12)
    assert confirmations.ask_confirmations(session, at) == 2
    answer_yes(session, order, offered[:2], start=at + timedelta(minutes=5))  # both confirm
    booked = [o for o in session.scalars(select(Offer).where(Offer.order_id == order.id))]
    assert sum(o.confirmed_at is not None for o in booked) == 2

    moved = at + timedelta(minutes=30)
    new_start = order.starts_at + timedelta(hours=2)
    change(
        session,
        order,
        dispatcher,
        at=moved,
        starts_at=new_start,
        ends_at=new_start + timedelta(hours=8),
    )

    asked = texts(session, order, "order_moved")
    assert {m.worker_id for m in asked} == {w.id for w in offered[:2]}
    assert "ДА" in asked[0].body and order.code in asked[0].body
    assert [m.worker_id for m in texts(session, order, "order_moved_notice")] == [offered[2].id]
    for offer in session.scalars(
        select(Offer).where(Offer.order_id == order.id, Offer.status == "booked")
    ):
        assert (offer.confirmed_at, offer.confirm_asked_at, offer.reminded_at) == (
            None,
            moved,
            None,
        )
    # The existing sweep does the rest: nobody is asked twice; one confirms, the other is
    # released at confirm_by_h (3 h) before the new start and the standby moves up.
    assert confirmations.ask_confirmations(session, moved + timedelta(minutes=1)) == 0
    answer_yes(session, order, offered[:1], start=moved + timedelta(minutes=2))
    deadline = new_start - timedelta(hours=3)
    assert confirmations.release_unconfirmed(session, deadline - timedelta(minutes=1)) == 0
    assert confirmations.release_unconfirmed(session, deadline) == 1
    now = statuses(session, order)
    assert (now[offered[0].id], now[offered[1].id], now[offered[2].id]) == (
        "booked",
        "released",
        "booked",
    )
    entry = last_change(session, order)
    assert entry.detail["before"]["starts_at"] == (new_start - timedelta(hours=2)).isoformat()
    assert entry.detail["after"]["starts_at"] == new_start.isoformat()
    assert sorted(entry.detail["asked_to_confirm"]) == sorted(w.id for w in offered[:2])


def test_a_move_past_the_confirmation_deadline_only_tells(session, site, dispatcher, crowd):
    order = make_order(session, site=site, headcount=1, starts_in=timedelta(hours=4))
    waves.start_filling(session, order.id, NOW)
    offered = [w for w in crowd if w.id in statuses(session, order)]
    answer_yes(session, order, offered[:1])
    new_start = order.starts_at - timedelta(hours=2)  # 2 h ahead: inside confirm_by_h
    change(session, order, dispatcher, starts_at=new_start, ends_at=new_start + timedelta(hours=6))
    assert texts(session, order, "order_moved") == []
    assert len(texts(session, order, "order_moved_notice")) == 1
    assert confirmations.release_unconfirmed(session, NOW + timedelta(minutes=1)) == 0


def test_rates_foreman_and_notes(session, branch, site, dispatcher):
    order = make_order(session, site=site)
    foreman = make_user(session, role="foreman", branch=branch)
    change(
        session,
        order,
        dispatcher,
        client_rate=Decimal("260"),
        worker_rate=Decimal("130.5"),
        foreman_id=foreman.id,
        notes="  Перчатки, вход со двора  ",
    )
    assert (order.client_rate, order.worker_rate) == (Decimal("260.00"), Decimal("130.50"))
    assert (order.foreman_id, order.notes) == (foreman.id, "Перчатки, вход со двора")
    entry = last_change(session, order)
    assert entry.detail["before"] == {
        "client_rate": "250.00",
        "worker_rate": "120.00",
        "foreman_id": None,
        "notes": None,
    }
    assert entry.detail["after"]["worker_rate"] == "130.50"
    change(session, order, dispatcher, notes="   ", foreman_id=None)
    assert (order.notes, order.foreman_id) == (None, None)


def test_the_same_values_are_no_change(session, site, dispatcher):
    order = make_order(session, site=site)
    change(session, order, dispatcher, headcount=2, client_rate=Decimal("250.00"))
    assert last_change(session, order) is None


def test_refusals(session, branch, site, dispatcher):
    order = make_order(session, site=site)
    with pytest.raises(HeadcountOutOfRange) as refused:
        change(session, order, dispatcher, headcount=0)
    assert refused.value.loc == ("body", "headcount")
    with pytest.raises(ValueMissing):
        change(session, order, dispatcher, headcount=None)
    with pytest.raises(ShiftInPast):
        change(session, order, dispatcher, starts_at=NOW - timedelta(hours=1))
    with pytest.raises(ShiftEndsBeforeStart) as refused:
        change(session, order, dispatcher, ends_at=order.starts_at)
    assert refused.value.loc == ("body", "ends_at")
    with pytest.raises(NegativeRate):
        change(session, order, dispatcher, worker_rate=Decimal("-1"))
    with pytest.raises(NotesTooLong):
        change(session, order, dispatcher, notes="x" * 1001)
    other = make_user(session, role="foreman", branch=make_branch(session))
    with pytest.raises(NotAForeman):
        change(session, order, dispatcher, foreman_id=other.id)
    not_foreman = make_user(session, role="dispatcher", branch=branch)
    with pytest.raises(NotAForeman):
        change(session, order, dispatcher, foreman_id=not_foreman.id)


def test_an_order_under_way_keeps_headcount_and_times(session, site, dispatcher):
    order = make_order(session, site=site)
    started = order.starts_at + timedelta(minutes=5)
    for values in ({"headcount": 3}, {"ends_at": order.ends_at + timedelta(hours=1)}):
        with pytest.raises(ChangeAfterStart):
            change(session, order, dispatcher, at=started, **values)
    change(session, order, dispatcher, at=started, worker_rate=Decimal("125"), notes="gate 3")
    assert (order.worker_rate, order.notes) == (Decimal("125.00"), "gate 3")


def test_cancelled_and_completed_orders_do_not_change(session, site, dispatcher):
    order = make_order(session, site=site)
    orders.cancel_order(session, order.id, actor=dispatcher, reason="off", now=NOW)
    with pytest.raises(OrderNotChangeable) as refused:
        change(session, order, dispatcher, notes="x")
    assert refused.value.code == "order_not_changeable"
    done = make_order(session, site=site)
    done.status = "completed"
    session.flush()
    with pytest.raises(OrderNotChangeable):
        change(session, done, dispatcher, headcount=3)


def test_another_branchs_order_is_not_found(session, site, dispatcher):
    from dispatch.orders.errors import OrderNotFound
    from dispatch.registry.staff import actor_of

    order = make_order(session, site=site)
    elsewhere = make_branch(session)
    make_site(session, client=make_client(session, branch=elsewhere))
    stranger = actor_of(make_user(session, role="dispatcher", branch=elsewhere))
    with pytest.raises(OrderNotFound):
        change(session, order, stranger, headcount=5)


def test_an_order_not_yet_filling_waits_for_its_first_wave(session, site, dispatcher, crowd):
    order = make_order(session, site=site, headcount=2)  # open: its first wave is a job
    change(session, order, dispatcher, headcount=5)
    assert (order.status, order.booking_target, order.wave) == ("open", 8, 0)
    assert statuses(session, order) == {}
    assert waves.start_filling(session, order.id, NOW) == 16  # the new target x 2


def test_adaptive_lowering_keeps_only_what_the_goal_needs(session, site, dispatcher, crowd):
    order = make_order(session, site=site, headcount=4, overbooking_mode="adaptive")
    waves.start_filling(session, order.id, NOW)
    offered = [w for w in crowd if w.id in statuses(session, order)]
    answer_yes(session, order, offered[:12])
    booked_before = list(statuses(session, order).values()).count("booked")
    change(session, order, dispatcher, headcount=2)
    booked = session.scalars(
        select(Offer.reliability).where(Offer.order_id == order.id, Offer.status == "booked")
    ).all()
    reliabilities = [float(r) for r in booked]
    assert len(booked) < booked_before
    assert waves.is_full(order, reliabilities)  # still enough to reach the goal
    assert not waves.is_full(order, reliabilities[:-1])  # and not one more than that
    assert order.booking_target >= len(booked) and order.status == "filled"


def test_a_cut_and_a_move_together(session, site, dispatcher, crowd):
    """The cut is judged at the start the workers were booked for; the move then asks the
    ones who stay."""
    order, booked, _ = _full_order(session, site, crowd, starts_in=timedelta(hours=13))
    later = order.starts_at + timedelta(hours=3)
    at = NOW + timedelta(minutes=30)  # 12.5 h before the old start: not late
    change(
        session,
        order,
        dispatcher,
        at=at,
        headcount=3,
        starts_at=later,
        ends_at=later + timedelta(hours=8),
    )
    assert session.scalar(select(func.count()).select_from(PenaltyEvent)) == 0
    asked = {m.worker_id for m in texts(session, order, "order_moved")}
    assert asked == {w.id for w in booked[:5]}
    assert order.starts_at == later and order.booking_target == 5


def test_a_no_to_a_moved_shift_is_no_late_cancellation(session, site, dispatcher, crowd):
    order = make_order(session, site=site, headcount=1, starts_in=timedelta(hours=10))
    waves.start_filling(session, order.id, NOW)
    offered = [w for w in crowd if w.id in statuses(session, order)]
    answer_yes(session, order, offered[:2])  # target 2: both booked
    later = order.starts_at + timedelta(hours=1)
    change(session, order, dispatcher, starts_at=later, ends_at=later + timedelta(hours=8))
    said_no = NOW + timedelta(minutes=5)  # 11 h before the start: inside late_cancel_h (12)
    offer = waves.answer(
        session, order_id=order.id, worker_id=offered[0].id, yes=False, source="sms", now=said_no
    )
    assert (offer.status, offer.cancelled_late) == ("cancelled", False)
    assert session.scalar(select(func.count()).select_from(PenaltyEvent)) == 0
    # A booking made after the move is on the new terms: its late NO is a late cancellation.
    fresh = make_order(session, site=site, headcount=1, starts_in=timedelta(hours=10))
    waves.start_filling(session, fresh.id, NOW)
    worker = next(w for w in crowd if w.id in statuses(session, fresh))
    answer_yes(session, fresh, [worker])
    late = waves.answer(
        session, order_id=fresh.id, worker_id=worker.id, yes=False, source="sms", now=said_no
    )
    assert late.cancelled_late is True


def test_a_move_lets_go_who_cannot_work_the_new_times(session, site, dispatcher, crowd):
    """Booked elsewhere at the new time, or a patent ending before the new day: let go with
    no penalty, their places filled the usual way (standby first), the audit says why."""
    order = make_order(session, site=site, headcount=1)  # target 2, tomorrow
    waves.start_filling(session, order.id, NOW)
    offered = [w for w in crowd if w.id in statuses(session, order)]
    assert answer_yes(session, order, offered[:4]) == ["booked"] * 2 + ["standby"] * 2
    clashing, lapsing, waiting, busy = offered[:4]
    lapsing.patent_expires_on = (order.starts_at + timedelta(hours=3)).date()  # the old day
    later = order.starts_at + timedelta(days=1)
    other = make_order(session, site=site, headcount=2, starts_in=timedelta(days=2))
    for worker in (clashing, busy):
        make_offer(session, order=other, worker=worker, status="booked")
    session.flush()

    change(session, order, dispatcher, starts_at=later, ends_at=later + timedelta(hours=8))

    now = statuses(session, order)
    assert [now[w.id] for w in (clashing, lapsing, waiting, busy)] == [
        "cancelled",
        "cancelled",
        "booked",  # moved up from standby, at the new times
        "cancelled",
    ]
    withdrawn = texts(session, order, "booking_withdrawn")
    assert {m.worker_id for m in withdrawn} == {clashing.id, lapsing.id}
    assert [m.worker_id for m in texts(session, order, "standby_released")] == [busy.id]
    assert [m.worker_id for m in texts(session, order, "booked")][-1] == waiting.id
    assert order.status == "filling" and order.starts_at == later  # still one short: a wave
    assert session.scalar(select(func.count()).select_from(PenaltyEvent)) == 0
    entry = last_change(session, order)
    gone = {r["worker_id"]: (r["was"], r["why"]) for r in entry.detail["released_on_move"]}
    assert gone == {
        clashing.id: ("booked", ["booked_elsewhere"]),
        lapsing.id: ("booked", ["patent_expired"]),
        busy.id: ("standby", ["booked_elsewhere"]),
    }
    assert entry.detail["asked_to_confirm"] == []


def test_a_confirmed_move_makes_a_late_no_late_again(session, site, dispatcher, crowd):
    """Only the end moves, the worker confirms it: the move's pass ends with the YES."""
    order = make_order(session, site=site, headcount=1, starts_in=timedelta(hours=10))
    waves.start_filling(session, order.id, NOW)
    worker = next(w for w in crowd if w.id in statuses(session, order))
    answer_yes(session, order, [worker])
    change(session, order, dispatcher, ends_at=order.ends_at + timedelta(hours=1))
    offer = session.scalars(select(Offer).where(Offer.worker_id == worker.id)).one()
    assert offer.shift_moved_at == NOW and offer.confirm_asked_at == NOW
    answer_yes(session, order, [worker], start=NOW + timedelta(minutes=2))  # confirms
    assert offer.confirmed_at == NOW + timedelta(minutes=2) and offer.shift_moved_at is None
    said_no = NOW + timedelta(minutes=5)  # 10 h before the start: inside late_cancel_h (12)
    offer = waves.answer(
        session, order_id=order.id, worker_id=worker.id, yes=False, source="sms", now=said_no
    )
    assert (offer.status, offer.cancelled_late) == ("cancelled", True)
    kinds = session.scalars(select(PenaltyEvent.kind).where(PenaltyEvent.worker_id == worker.id))
    assert list(kinds) == ["late_cancellation"]
