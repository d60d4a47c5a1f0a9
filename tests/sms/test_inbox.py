"""Replies by SMS: stored once per MessageSid, acted on once, in Russian and English."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from dispatch.fill import waves
from dispatch.models import Offer
from dispatch.replies import inbox, intake
from sms.models import Message
from tests.builders import (
    MOSCOW,
    NOW,
    make_branch_site,
    make_order,
    make_worker,
    offset,
)

_sid = iter(range(10**6))


def reply(session, worker, body):
    """A worker texts us: taken in as the webhook does, then acted on as the job does."""
    message_id = intake.receive(
        session, provider_sid=f"SM{next(_sid):032d}", from_phone=worker.phone, body=body
    )
    return inbox.handle_inbound(session, message_id, NOW)


def last_text(session, worker):
    return session.scalars(
        select(Message)
        .where(Message.worker_id == worker.id, Message.direction == "out")
        .order_by(Message.id.desc())
        .limit(1)
    ).one()


@pytest.fixture
def world(session):
    branch, site = make_branch_site(session)
    return branch, site


def offer_to(session, site, workers, headcount=1, starts_in=timedelta(days=1)):
    order = make_order(session, site=site, headcount=headcount, starts_in=starts_in)
    waves.start_filling(session, order.id, NOW)
    offered = {
        o.worker_id for o in session.scalars(select(Offer).where(Offer.order_id == order.id))
    }
    assert {w.id for w in workers} <= offered
    return order


def status_of(session, order, worker):
    return session.scalars(
        select(Offer.status).where(Offer.order_id == order.id, Offer.worker_id == worker.id)
    ).one()


def test_da_books_and_net_declines(session, world):
    branch, site = world
    first = make_worker(session, branch=branch)
    second = make_worker(session, branch=branch, near=offset(MOSCOW, east_m=50))
    order = offer_to(session, site, [first, second])
    assert reply(session, first, "Да") == "queued -> booked"
    assert last_text(session, first).kind == "booked"
    assert reply(session, second, f"нет {order.code}") == "queued -> declined"
    assert status_of(session, order, second) == "declined"


def test_the_same_message_sid_takes_effect_once(session, world):
    branch, site = world
    worker = make_worker(session, branch=branch)
    offer_to(session, site, [worker])
    first = intake.receive(session, provider_sid="SMsame", from_phone=worker.phone, body="да")
    again = intake.receive(session, provider_sid="SMsame", from_phone=worker.phone, body="да")
    assert first is not None and again is None
    assert inbox.handle_inbound(session, first, NOW) == "queued -> booked"
    assert inbox.handle_inbound(session, first, NOW) == "skipped"


def test_several_open_offers_without_a_code_ask_which(session, world):
    branch, site = world
    worker = make_worker(session, branch=branch)
    first = offer_to(session, site, [worker])
    second = offer_to(session, site, [worker], starts_in=timedelta(days=2))
    assert reply(session, worker, "YES") == "asked which order"
    text = last_text(session, worker)
    assert text.kind == "which_order" and first.code in text.body and second.code in text.body
    assert reply(session, worker, f"yes #{second.code}") == "queued -> booked"
    assert status_of(session, first, worker) == "queued"


def test_cancel_after_booking_frees_the_place_for_standby(session, world):
    branch, site = world
    workers = [
        make_worker(session, branch=branch, near=offset(MOSCOW, east_m=10 * i)) for i in range(3)
    ]
    order = offer_to(session, site, workers, headcount=1)  # target 2
    for worker in workers:
        reply(session, worker, f"да {order.code}")
    assert status_of(session, order, workers[2]) == "standby"
    assert reply(session, workers[0], f"ОТМЕНА {order.code}") == "booked -> cancelled"
    assert last_text(session, workers[0]).kind == "booking_cancelled"
    cancelled = session.scalars(
        select(Offer).where(Offer.order_id == order.id, Offer.worker_id == workers[0].id)
    ).one()
    assert cancelled.cancelled_late is False  # 24 h ahead, outside the 12 h window
    assert status_of(session, order, workers[2]) == "booked"


def test_a_cancellation_inside_the_window_is_marked_late(session, world):
    branch, site = world
    worker = make_worker(session, branch=branch)
    order = offer_to(session, site, [worker], starts_in=timedelta(hours=6))
    reply(session, worker, "да")
    assert reply(session, worker, "cancel " + order.code) == "booked -> cancelled"
    assert (
        session.scalars(select(Offer.cancelled_late).where(Offer.order_id == order.id)).one()
        is True
    )


def test_stop_start_and_help(session, world):
    branch, _ = world
    worker = make_worker(session, branch=branch, language="en")
    assert reply(session, worker, "STOP") == "opted out"
    assert worker.opted_out is True and last_text(session, worker).kind == "opted_out"
    assert reply(session, worker, "START") == "opted in"
    assert worker.opted_out is False
    assert reply(session, worker, "help") == "help"
    assert last_text(session, worker).body.startswith("YES 123 takes it")


def test_gibberish_and_strangers(session, world):
    branch, _ = world
    worker = make_worker(session, branch=branch)
    assert reply(session, worker, "когда зарплата?") == "not understood"
    assert last_text(session, worker).kind == "not_understood"
    assert reply(session, worker, "да") == "no open offer"
    stranger_id = intake.receive(
        session, provider_sid="SMstranger", from_phone="+79990000000", body="да"
    )
    # A stranger is asked to register (issue 19: tests/dispatch/test_applicants.py).
    assert inbox.handle_inbound(session, stranger_id, NOW) == "applicant started"
    stored = session.scalars(select(Message).where(Message.id == stranger_id)).one()
    assert stored.status == "processed" and stored.body == "да"


def test_a_yes_for_a_cancelled_order_gets_told(session, world):
    from core.tenancy import SYSTEM
    from dispatch.orders import service as orders

    branch, site = world
    worker = make_worker(session, branch=branch)
    order = offer_to(session, site, [worker])
    orders.cancel_order(session, order.id, actor=SYSTEM, reason="called off", now=NOW)
    assert reply(session, worker, f"да {order.code}") == "no open offer"


def test_a_plain_no_is_acknowledged_once_in_the_workers_language(session, world):
    branch, site = world
    russian = make_worker(session, branch=branch)
    english = make_worker(session, branch=branch, language="en", near=offset(MOSCOW, east_m=50))
    order = offer_to(session, site, [russian, english], headcount=2)
    assert reply(session, russian, "завтра не могу, может послезавтра") == "queued -> declined"
    ack = last_text(session, russian)
    assert ack.kind == "declined" and order.code in ack.body and ack.body.startswith("Понятно")
    assert (ack.order_id, ack.offer_id) != (None, None)
    assert reply(session, english, "Sorry, can't make it") == "queued -> declined"
    assert last_text(session, english).body.startswith("OK: you declined order")
    # The same NO again changes nothing and is not acknowledged twice.
    assert reply(session, russian, "нет") == "declined -> declined"
    acks = session.scalars(
        select(Message).where(Message.worker_id == russian.id, Message.kind == "declined")
    ).all()
    assert len(acks) == 1


def test_the_acknowledgement_is_the_branchs_wording(session, world):
    from core.tenancy import SYSTEM
    from dispatch.registry import wording

    branch, site = world
    worker = make_worker(session, branch=branch)
    wording.set_wording(
        session,
        actor=SYSTEM,
        branch_id=branch.id,
        kind="declined",
        language="ru",
        body="Отказ по заказу {code} принят.",
    )
    order = offer_to(session, site, [worker])
    reply(session, worker, "не смогу")
    assert last_text(session, worker).body == f"Отказ по заказу {order.code} принят."


def _unclear_texts(session, worker):
    return [
        m.kind
        for m in session.scalars(
            select(Message)
            .where(Message.worker_id == worker.id, Message.direction == "out")
            .order_by(Message.id)
        )
    ]


def test_after_the_second_unclear_try_the_dispatcher_sees_it_and_the_worker_is_called(
    session, world
):
    from dispatch.replies import unclear

    branch, site = world
    worker = make_worker(session, branch=branch)
    order = offer_to(session, site, [worker])
    before = _unclear_texts(session, worker)
    assert reply(session, worker, "а сколько платят?") == "not understood"
    assert unclear.unclear_by_order(session, [order.id]) == {}  # one try: no badge yet
    assert reply(session, worker, "а где это?") == "not understood"
    assert unclear.unclear_by_order(session, [order.id]) == {order.id: 2}
    assert reply(session, worker, "???") == "dispatcher will call"
    call = last_text(session, worker)
    assert call.kind == "unclear_call" and order.code in call.body and call.order_id == order.id
    assert reply(session, worker, "алло") == "not understood, dispatcher told"
    assert _unclear_texts(session, worker)[len(before) :] == [
        "not_understood",
        "not_understood",
        "unclear_call",
    ]
    assert unclear.unclear_by_order(session, [order.id]) == {order.id: 4}
    stored = session.scalars(
        select(Message).where(Message.worker_id == worker.id, Message.direction == "in")
    ).all()
    assert {(m.kind, m.order_id) for m in stored} == {("unclear", order.id)}
    # An answer understood at last settles them: no badge, and a fresh count next time.
    assert reply(session, worker, "да") == "queued -> booked"
    assert unclear.unclear_by_order(session, [order.id]) == {}
    assert reply(session, worker, "во сколько?") == "not understood"


def test_a_phone_answer_taken_after_the_unclear_replies_settles_them(session, world):
    from core.clock import now
    from dispatch.replies import unclear

    branch, site = world
    worker = make_worker(session, branch=branch)
    order = make_order(session, site=site, headcount=1, now=now())
    waves.start_filling(session, order.id, now())
    for body in ("?", "??"):
        reply(session, worker, body)
    assert unclear.unclear_by_order(session, [order.id]) == {order.id: 2}
    waves.answer(
        session,
        order_id=order.id,
        worker_id=worker.id,
        yes=False,
        source="phone",
        now=now() + timedelta(minutes=1),
    )
    assert unclear.unclear_by_order(session, [order.id]) == {}


def test_unclear_replies_count_per_offer_of_each_order(session, world):
    from dispatch.replies import unclear

    branch, site = world
    first = make_worker(session, branch=branch)
    second = make_worker(session, branch=branch, near=offset(MOSCOW, east_m=50))
    order = offer_to(session, site, [first, second], headcount=2)
    reply(session, second, "?")
    assert unclear.unclear_by_order(session, [order.id]) == {}
    reply(session, second, "??")
    other = offer_to(session, site, [first], starts_in=timedelta(days=2))  # the newest offer
    for body in ("?", "?", "?"):
        reply(session, first, body)  # about the newest: the other order
    assert unclear.unclear_by_order(session, [order.id, other.id]) == {order.id: 2, other.id: 3}


def test_an_unclear_text_stored_before_the_answer_that_settled_it_is_not_counted(session, world):
    """Two texts at once: "да" and "??" are stored, then the job books on "да" first; the
    "??" it reads next is older than the answer and counts for nothing."""
    from dispatch.replies import unclear

    branch, site = world
    worker = make_worker(session, branch=branch)
    order = offer_to(session, site, [worker])
    offer = session.scalars(select(Offer).where(Offer.order_id == order.id)).one()
    offer.answered_at = NOW + timedelta(days=365)  # later than any text stored in this test
    session.flush()
    assert reply(session, worker, "??") == "not understood"
    assert reply(session, worker, "???") == "not understood"
    assert unclear.unclear_by_order(session, [order.id]) == {}
