"""Booking a named worker straight onto an order (dispatch/changes/named.py): the rules a YES
passes, said by code; the target; the text; the audit; who may name whom."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from dispatch.changes import named
from dispatch.changes.named_errors import AlreadyBookedHere, NamedNotEligible, OrderFull
from dispatch.fill import eligibility, waves
from dispatch.models import Offer
from dispatch.orders.errors import OrderClosed, OrderNotFound
from dispatch.registry.staff import actor_of
from sms.models import Message
from tests.builders import (
    KAZAN,
    MOSCOW,
    NOW,
    book,
    make_branch_site,
    make_order,
    make_user,
    make_worker,
    offset,
)

AT = NOW + timedelta(minutes=5)


def offers_of(session, order, worker):
    query = select(Offer).where(Offer.order_id == order.id, Offer.worker_id == worker.id)
    return list(session.scalars(query))


def texts(session, order, worker, kind):
    query = select(Message).where(
        Message.order_id == order.id, Message.worker_id == worker.id, Message.kind == kind
    )
    return list(session.scalars(query))


def audited(session, action):
    query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    return list(session.scalars(query))


def book_named(session, order, worker, actor, **kw):
    return named.book_named(
        session, order_id=order.id, worker_id=worker.id, actor=actor, now=AT, **kw
    )


def test_an_eligible_worker_is_booked_at_once_texted_and_audited(session, branch, site, dispatcher):
    order = make_order(session, site=site, headcount=2)  # target 3
    walk_in = make_worker(session, branch=branch, near=offset(MOSCOW, east_m=300))
    offer = book_named(session, order, walk_in, dispatcher)
    assert (offer.status, offer.answer_source, offer.booked_at) == ("booked", "named", AT)
    assert offer.rank == 0 and offer.distance_m == pytest.approx(300, rel=0.05)
    booking = texts(session, order, walk_in, "booked")
    assert len(booking) == 1 and "/c/" in booking[0].body  # the booking text, with its link
    entry = audited(session, "offer.book_named")[-1]
    assert entry.detail["worker_id"] == walk_in.id and entry.detail["over_target"] is False
    assert order.status == "open"  # 1 of 3: not full


def test_a_worker_beyond_the_radius_is_the_dispatchers_choice(session, branch, site, dispatcher):
    order = make_order(session, site=site)
    favourite = make_worker(session, branch=branch, near=KAZAN)  # 700 km away
    assert (
        "too_far" in eligibility.for_offer(session, order, favourite.id, AT, order.radius_m).failed
    )
    assert book_named(session, order, favourite, dispatcher).status == "booked"


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"suspended_until": NOW + timedelta(days=3)}, "suspended"),
        ({"skills": ["cashier"]}, "no_skill"),
        ({"vetted": False}, "not_vetted"),
        ({"opted_out": True}, "opted_out"),
    ],
)
def test_an_ineligible_worker_is_refused_by_the_matchers_rule_and_nothing_written(
    session, branch, site, dispatcher, overrides, code
):
    order = make_order(session, site=site)
    worker = make_worker(session, branch=branch, **overrides)
    with pytest.raises(NamedNotEligible) as refused:
        book_named(session, order, worker, dispatcher)
    assert refused.value.reason == code and refused.value.loc == ("body", "worker_id")
    # The same verdict "why is worker N not on the list" gives (never the rule twice).
    why = eligibility.why_not_offered(session, order, worker.id, actor=dispatcher, now=AT)
    assert refused.value.failed == [c for c in why if c in eligibility.AT_BOOKING]
    assert offers_of(session, order, worker) == []
    assert texts(session, order, worker, "booked") == []


def test_booked_elsewhere_names_the_other_order(session, branch, site, dispatcher):
    worker = make_worker(session, branch=branch)
    first = make_order(session, site=site)
    book(session, first, [worker])
    second = make_order(session, site=site)  # the same shift
    with pytest.raises(NamedNotEligible) as refused:
        book_named(session, second, worker, dispatcher)
    assert refused.value.reason == "booked_elsewhere" and refused.value.clash_code == first.code


def test_a_full_order_refuses_unless_over_the_target(session, branch, site, dispatcher):
    order = make_order(session, site=site, headcount=1, overbook_factor=1)  # target 1
    named_first = make_worker(session, branch=branch)
    book_named(session, order, named_first, dispatcher)
    assert order.status == "filled" and order.next_wave_at is None  # counts toward the target
    extra = make_worker(session, branch=branch, near=offset(MOSCOW, north_m=100))
    with pytest.raises(OrderFull) as full:
        book_named(session, order, extra, dispatcher)
    assert (full.value.booked, full.value.target) == (1, 1)
    offer = book_named(session, order, extra, dispatcher, over_target=True)
    assert offer.status == "booked"
    assert audited(session, "offer.book_named")[-1].detail["over_target"] is True


def test_an_offer_the_worker_holds_is_booked_and_twice_is_refused(
    session, branch, site, dispatcher
):
    worker = make_worker(session, branch=branch, near=offset(MOSCOW, east_m=100))
    order = make_order(session, site=site)
    waves.start_filling(session, order.id, NOW)
    (held,) = offers_of(session, order, worker)
    assert held.status == "queued"
    assert book_named(session, order, worker, dispatcher).id == held.id
    assert held.status == "booked"
    with pytest.raises(AlreadyBookedHere):
        book_named(session, order, worker, dispatcher)


def test_another_branchs_order_and_worker_are_not_found(session, branch, site, dispatcher):
    other_branch, other_site = make_branch_site(session)
    theirs = make_order(session, site=other_site)
    mine = make_worker(session, branch=branch)
    with pytest.raises(OrderNotFound):
        book_named(session, theirs, mine, dispatcher)
    their_worker = make_worker(session, branch=other_branch)
    order = make_order(session, site=site)
    with pytest.raises(Exception) as missing:
        book_named(session, order, their_worker, dispatcher)
    assert getattr(missing.value, "code", None) == "worker_not_found"


def test_once_the_shift_has_begun_only_a_topped_up_order_books(session, branch, site, dispatcher):
    order = make_order(session, site=site)
    worker = make_worker(session, branch=branch)
    with pytest.raises(OrderClosed):
        named.book_named(
            session,
            order_id=order.id,
            worker_id=worker.id,
            actor=dispatcher,
            now=order.starts_at + timedelta(minutes=1),
        )
    order.topped_up_at = order.starts_at + timedelta(minutes=1)
    offer = named.book_named(
        session,
        order_id=order.id,
        worker_id=worker.id,
        actor=dispatcher,
        now=order.starts_at + timedelta(minutes=2),
    )
    assert offer.status == "booked"


def test_a_foreman_cannot_book(session, branch, site):
    order = make_order(session, site=site)
    foreman = actor_of(make_user(session, role="foreman", branch=branch))
    with pytest.raises(OrderNotFound):  # not their order: as for every order read
        book_named(session, order, make_worker(session, branch=branch), foreman)
