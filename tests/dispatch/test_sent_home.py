"""A worker sent home unfit (issue 20): a mark after the arrival with a reason from a closed
list, a sent_home penalty at the branch's knobs, withdrawn when the mark is corrected, held
for the undo window like the other punishing marks, texted in the worker's language with the
reason, disputable by SMS, and paid until sent home."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from dispatch.orders import client_view, roster
from dispatch.penalties import disputes
from dispatch.registry.knobs import DEFAULTS
from dispatch.registry.staff import actor_of
from dispatch.replies import inbox, intake
from dispatch.shift import onsite, timesheets
from dispatch.shift.errors import NoArrival, ReasonNotAsked, ReasonRequired, UnknownReason
from rating.models import PenaltyDispute, PenaltyEvent
from sms.models import Message
from tests.builders import MOSCOW, book, make_order, make_user, make_worker, offset

MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)


@pytest.fixture
def shift(session, branch, site):
    """An 8 h order starting tomorrow with three booked workers (120.00/h to the worker)."""
    workers = [
        make_worker(session, branch=branch, near=offset(MOSCOW, east_m=10 * i)) for i in range(3)
    ]
    order = make_order(session, site=site, headcount=2)
    book(session, order, workers)
    return order, workers


def mark(session, order, worker, status, actor, *, at, now=None, reason=None):
    return onsite.mark_attendance(
        session,
        order.id,
        actor=actor,
        worker_id=worker.id,
        status=status,
        at=at,
        now=now or at,
        reason=reason,
    )


def entries(session, worker, kind="sent_home"):
    query = select(PenaltyEvent).where(
        PenaltyEvent.worker_id == worker.id, PenaltyEvent.kind == kind
    )
    return list(session.scalars(query.order_by(PenaltyEvent.id)))


def texts(session, worker, kind="penalty"):
    query = select(Message.body).where(Message.worker_id == worker.id, Message.kind == kind)
    return list(session.scalars(query.order_by(Message.id)))


def test_the_knobs_default_to_a_no_shows_points_and_fine():
    assert DEFAULTS["sent_home_points"] == 3
    assert DEFAULTS["sent_home_fine"] == DEFAULTS["no_show_fine"] == Decimal("300.00")


def test_sent_home_from_an_arrival_with_a_reason_is_a_penalty_at_the_knobs(
    session, branch, shift, dispatcher
):
    branch.sent_home_points, branch.sent_home_fine = 2, Decimal("450.00")
    order, (worker, *_) = shift
    start = order.starts_at
    mark(session, order, worker, "arrived", dispatcher, at=start)
    offer = mark(
        session, order, worker, "sent_home", dispatcher, at=start + HOUR, reason="intoxicated"
    )
    assert (offer.attendance, offer.sent_home_reason) == ("sent_home", "intoxicated")
    assert (offer.arrived_at, offer.left_at) == (start, start + HOUR)
    (entry,) = entries(session, worker)
    assert (entry.points, entry.fine, entry.reversed_at) == (2, Decimal("450.00"), None)
    assert (entry.reason_code, entry.reason_args) == ("sent_home", {"why": "intoxicated"})
    assert entry.reason == "sent home unfit: intoxicated"
    # The worker is told why, in their language (Russian here), with the fine and the points.
    (said,) = texts(session, worker)
    assert f"Заказ {order.code}: отправка домой: опьянение. Штраф 450.00 RUB, баллов 2" in said
    # The roster's word for the day: sent home (the office's page); the client's: arrived.
    standing = roster.standing(order, branch, offer)
    assert (standing.word, standing.left_at) == ("sent_home", start + HOUR)
    assert client_view.day_word(standing.word) == "arrived"
    marked = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "attendance.mark").order_by(AuditEntry.id)
    ).all()[-1]
    assert marked.detail["after"]["reason"] == "intoxicated"
    assert marked.detail["after"]["left_at"] == (start + HOUR).isoformat()


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "Order {code}: sent home: no safety gear. Fine 300.00 RUB, 3 points"),
        ("uz", "Buyurtma {code}: uyga jo'natish: himoya vositasi yo'q. Jarima 300.00"),
        ("tg", "Фармоиш {code}: ба хона фиристодан: бе воситаи муҳофизат. Ҷарима 300.00"),
        ("ky", "Заказ {code}: үйгө жөнөтүү: коргоочу каражат жок. Айып 300.00"),
    ],
)
def test_the_text_says_why_in_the_workers_language(session, shift, dispatcher, language, words):
    order, (worker, *_) = shift
    worker.language = language
    mark(session, order, worker, "arrived", dispatcher, at=order.starts_at)
    mark(
        session,
        order,
        worker,
        "sent_home",
        dispatcher,
        at=order.starts_at + HOUR,
        reason="no_safety_gear",
    )
    (said,) = texts(session, worker)
    assert said.startswith(words.format(code=order.code))


def test_sent_home_needs_an_arrival_and_a_reason_from_the_list(session, shift, dispatcher):
    order, (worker, other, _) = shift
    start = order.starts_at
    # Turned away at the gate: marked arrived first, then sent home (no arrival: refused).
    with pytest.raises(NoArrival):
        mark(session, order, worker, "sent_home", dispatcher, at=start, reason="refused_task")
    mark(session, order, worker, "arrived", dispatcher, at=start)
    with pytest.raises(ReasonRequired) as missing:
        mark(session, order, worker, "sent_home", dispatcher, at=start + MIN)
    assert missing.value.loc == ("body", "reason")
    with pytest.raises(UnknownReason) as unknown:
        mark(session, order, worker, "sent_home", dispatcher, at=start + MIN, reason="sleepy")
    assert unknown.value.loc == ("body", "reason")
    # A reason with another mark is refused, not dropped.
    with pytest.raises(ReasonNotAsked) as stray:
        mark(session, order, other, "arrived", dispatcher, at=start, reason="intoxicated")
    assert stray.value.loc == ("body", "reason")
    assert entries(session, worker) == []


def test_a_corrected_mark_withdraws_the_penalty(session, shift, dispatcher):
    order, (worker, *_) = shift
    start = order.starts_at
    mark(session, order, worker, "arrived", dispatcher, at=start)
    mark(session, order, worker, "sent_home", dispatcher, at=start + HOUR, reason="other")
    # The foreman tapped the wrong worker: released on site instead (show-up pay, no penalty).
    offer = mark(session, order, worker, "released", dispatcher, at=start)
    assert (offer.attendance, offer.sent_home_reason, offer.left_at) == ("released", None, None)
    (entry,) = entries(session, worker)
    assert entry.reversed_at is not None
    reversal = session.scalars(
        select(PenaltyEvent).where(PenaltyEvent.reverses_id == entry.id)
    ).one()
    assert reversal.reason_code == "attendance_corrected" and reversal.automatic
    assert texts(session, worker, "penalty_reversed")
    assert len(entries(session, worker, "compensation")) == 1


def test_another_reason_is_another_entry_and_the_text_says_it(session, shift, dispatcher):
    order, (worker, *_) = shift
    start = order.starts_at
    mark(session, order, worker, "arrived", dispatcher, at=start)
    mark(session, order, worker, "sent_home", dispatcher, at=start + HOUR, reason="other")
    # Same mark, same time, same reason: nothing changes, nothing is texted again.
    mark(session, order, worker, "sent_home", dispatcher, at=start + HOUR, reason="other")
    assert len(entries(session, worker)) == 1
    mark(session, order, worker, "sent_home", dispatcher, at=start + HOUR, reason="intoxicated")
    first, second = entries(session, worker)
    assert first.reversed_at is not None and second.reversed_at is None
    assert (first.reason_args, second.reason_args) == ({"why": "other"}, {"why": "intoxicated"})
    assert "опьянение" in texts(session, worker)[-1]


def test_a_foremans_sent_home_waits_out_the_undo_window(session, branch, shift):
    branch.undo_window_s = 120
    foreman = actor_of(make_user(session, role="foreman", branch=branch))
    order, (worker, other, _) = shift
    order.foreman_id = foreman.user_id
    start = order.starts_at
    for someone in (worker, other):
        mark(session, order, someone, "arrived", foreman, at=start)
    tapped = start + 2 * HOUR
    offer = mark(session, order, worker, "sent_home", foreman, at=tapped, reason="refused_task")
    assert (offer.attendance, offer.pending_mark, offer.pending_reason) == (
        "arrived",
        "sent_home",
        "refused_task",
    )
    assert entries(session, worker) == [] and texts(session, worker) == []
    assert roster.standing(order, branch, offer).word == "sent_home_pending"
    # Over: applied once, as the foreman made it, with the reason.
    assert onsite.settle_pending(session, offer.id, tapped + 121 * timedelta(seconds=1))
    assert (offer.attendance, offer.sent_home_reason, offer.pending_reason) == (
        "sent_home",
        "refused_task",
        None,
    )
    assert offer.left_at == tapped
    (entry,) = entries(session, worker)
    assert entry.reason_args == {"why": "refused_task"}
    assert len(texts(session, worker)) == 1
    # Another, undone inside the window: no trace in the ledger or the outbox.
    held = mark(session, order, other, "sent_home", foreman, at=tapped, reason="intoxicated")
    assert held.pending_reason == "intoxicated"
    onsite.undo_mark(session, order.id, actor=foreman, worker_id=other.id, now=tapped + MIN)
    assert (held.attendance, held.pending_mark, held.pending_reason) == ("arrived", None, None)
    assert entries(session, other) == [] and texts(session, other) == []


def test_sent_home_is_paid_until_then_with_the_fine(session, shift, dispatcher):
    order, (worker, *_) = shift
    start = order.starts_at
    mark(session, order, worker, "arrived", dispatcher, at=start)
    mark(
        session,
        order,
        worker,
        "sent_home",
        dispatcher,
        at=start + 3 * HOUR,
        reason="intoxicated",
    )
    onsite.close_shift(session, order.id, actor=dispatcher, now=order.ends_at)
    sheet = timesheets.timesheet(session, order.id, actor=dispatcher)
    (line,) = [line for line in sheet.lines if line.worker_id == worker.id]
    assert line.attendance == "sent_home"
    assert line.left_at == start + 3 * HOUR
    # 3 h x 120.00 = 360.00, less the 300.00 fine.
    assert (line.hours, line.base_pay, line.fines, line.worker_pay) == (
        Decimal("3.00"),
        Decimal("360.00"),
        Decimal("300.00"),
        Decimal("60.00"),
    )


def test_a_sent_home_penalty_is_disputed_by_sms_and_reversed(session, shift, dispatcher):
    order, (worker, *_) = shift
    start = order.starts_at
    mark(session, order, worker, "arrived", dispatcher, at=start)
    mark(session, order, worker, "sent_home", dispatcher, at=start + HOUR, reason="intoxicated")
    (entry,) = entries(session, worker)
    assert worker.strikes == 1
    body = f"СПОР {order.code} я был трезв"
    message_id = intake.receive(
        session, provider_sid=f"SMHOME{worker.id:028d}", from_phone=worker.phone, body=body
    )
    assert inbox.handle_inbound(session, message_id, start + 2 * HOUR) == "dispute opened"
    case = session.scalars(
        select(PenaltyDispute).where(PenaltyDispute.penalty_id == entry.id)
    ).one()
    assert case.status == "open" and case.words == "я был трезв"
    decided = disputes.decide(
        session, case.id, actor=dispatcher, reverse=True, reason="", now=start + 3 * HOUR
    )
    assert decided.status == "reversed"
    assert entry.reversed_at == start + 3 * HOUR
    session.refresh(worker)
    assert worker.strikes == 0
    assert texts(session, worker, "dispute_reversed")
