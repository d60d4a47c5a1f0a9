"""Client orders placed inside the branch's lead time wait for the office's approval
(dispatch/orders/approval.py): held with nothing sent, approved (a fill job, then offers),
refused after the start, declined (the one cancel path: the client's event), cancelled by
the client; and a client moving a start inside the lead time is refused."""

from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry
from core.errors import ReasonRequired
from core.jobs import pending_jobs
from core.tenancy import SYSTEM
from dispatch.changes import named, topup
from dispatch.changes.named_errors import TopUpNotOpen
from dispatch.changes.patch import OrderChange, change_order
from dispatch.client_models import ClientEvent
from dispatch.enums import OrderStatus
from dispatch.fill import tasks, waves
from dispatch.models import Client, Offer, Order
from dispatch.orders import approval
from dispatch.orders import service as orders
from dispatch.orders.errors import (
    ApprovalAfterStart,
    ApprovalByOfficeOnly,
    OrderClosed,
    OrderNotAwaitingApproval,
    OrderNotFound,
    StartInsideLeadTime,
)
from dispatch.orders.service import OrderInput
from dispatch.rates.agreed import AgreedRate, replace_rates
from dispatch.registry.client_side import keys as client_keys
from dispatch.registry.client_side.keys import actor_of_key
from dispatch.registry.staff import actor_of
from dispatch.shift import onsite
from sms.models import Message
from tests.builders import (
    MOSCOW,
    NOW,
    make_branch,
    make_client_user,
    make_user,
    make_worker,
    offset,
)

LEAD_H = 6
H = timedelta(hours=1)


@pytest.fixture
def branch(branch, session):
    branch.client_order_approval_h = LEAD_H
    session.flush()
    return branch


@pytest.fixture
def client_actor(session, site):
    return actor_of(make_client_user(session, client=session.get_one(Client, site.client_id)))


@pytest.fixture
def key_actor(session, site):
    _, key = client_keys.create_key(
        session, actor=SYSTEM, client_id=site.client_id, name="erp", now=NOW
    )
    actor = actor_of_key(session, key)
    assert actor is not None and actor.is_client
    return actor


def place(session, site, actor, starts_in, now=NOW):
    starts_at = now + starts_in
    data = OrderInput(
        site_id=site.id,
        skill="loader",
        headcount=2,
        starts_at=starts_at,
        ends_at=starts_at + 8 * H,
        client_rate=None if actor.is_client else Decimal("250.00"),
        worker_rate=None if actor.is_client else Decimal("120.00"),
    )
    return orders.create_order(session, actor=actor, data=data, now=now)


@pytest.fixture
def rates(session, site):
    rate = AgreedRate("loader", Decimal("250.00"), Decimal("120.00"))
    replace_rates(session, actor=SYSTEM, client_id=site.client_id, rates=[rate])
    session.flush()


def fill_jobs(session, order):
    return [args for name, args in pending_jobs(session) if name == "dispatch.fill"] == [
        (order.id,)
    ]


def texts(session, order):
    query = select(func.count()).select_from(Message).where(Message.order_id == order.id)
    return session.scalar(query)


def audited(session, action, order):
    query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    return [e for e in session.scalars(query) if order.id in (e.entity_ids or [])]


@pytest.mark.usefixtures("rates")
@pytest.mark.parametrize("who", ["client_actor", "key_actor"])
def test_a_client_order_inside_the_lead_time_waits_with_nothing_sent(session, site, who, request):
    actor = request.getfixturevalue(who)
    order = place(session, site, actor, starts_in=3 * H)
    assert order.status == OrderStatus.AWAITING_APPROVAL
    assert order.next_wave_at is None
    assert not [name for name, _ in pending_jobs(session) if name == "dispatch.fill"]
    assert waves.start_filling(session, order.id, NOW) == 0  # a lost or stray job sends nothing
    assert texts(session, order) == 0
    assert waves.overdue_orders(session, NOW + 10 * H, timedelta(0)) == []


@pytest.mark.usefixtures("rates")
def test_a_client_order_outside_the_lead_time_fills_at_once(session, site, client_actor):
    # Exactly the lead time ahead is not "sooner than" it.
    order = place(session, site, client_actor, starts_in=LEAD_H * H)
    assert order.status == OrderStatus.OPEN and order.next_wave_at == NOW
    assert fill_jobs(session, order)


def test_the_offices_orders_are_never_held(session, site, dispatcher):
    order = place(session, site, dispatcher, starts_in=1 * H)
    assert order.status == OrderStatus.OPEN
    assert fill_jobs(session, order)


@pytest.mark.usefixtures("rates")
def test_no_lead_time_holds_nothing(session, branch, site, client_actor):
    branch.client_order_approval_h = 0
    order = place(session, site, client_actor, starts_in=1 * H)
    assert order.status == OrderStatus.OPEN


@pytest.mark.usefixtures("rates")
def test_approval_opens_the_order_and_a_fill_job_sends_offers(
    session, branch, site, client_actor, dispatcher
):
    for i in range(4):
        make_worker(session, branch=branch, near=offset(MOSCOW, east_m=50 * (i + 1)))
    order = place(session, site, client_actor, starts_in=3 * H)
    later = NOW + 10 * timedelta(minutes=1)
    approved = approval.approve_order(session, order.id, actor=dispatcher, now=later)
    assert approved.status == OrderStatus.OPEN and approved.next_wave_at == later
    assert fill_jobs(session, order)
    [entry] = audited(session, "order.approve", order)
    assert entry.actor_user_id == dispatcher.user_id
    # The job the approval enqueued is the one that starts filling a new order.
    assert waves.start_filling(session, order.id, later) > 0
    assert session.get_one(Order, order.id).status == OrderStatus.FILLING
    offered = select(func.count()).select_from(Offer).where(Offer.order_id == order.id)
    assert session.scalar(offered) > 0
    with pytest.raises(OrderNotAwaitingApproval):  # twice: the second is refused by code
        approval.approve_order(session, order.id, actor=dispatcher, now=later)


@pytest.mark.usefixtures("rates")
def test_approval_after_the_start_is_refused(session, site, client_actor, dispatcher):
    order = place(session, site, client_actor, starts_in=3 * H)
    with pytest.raises(ApprovalAfterStart) as refused:
        approval.approve_order(session, order.id, actor=dispatcher, now=NOW + 3 * H)
    assert refused.value.code == "order_approval_after_start"
    assert order.status == OrderStatus.AWAITING_APPROVAL


@pytest.mark.usefixtures("rates")
def test_a_declined_order_is_cancelled_with_the_reason_and_the_client_hears(
    session, site, client_actor, dispatcher
):
    order = place(session, site, client_actor, starts_in=3 * H)
    declined = approval.decline_order(
        session, order.id, actor=dispatcher, reason="  no crew that soon ", now=NOW
    )
    assert declined.status == OrderStatus.CANCELLED
    assert declined.cancel_reason == "no crew that soon"
    assert audited(session, "order.decline", order) and audited(session, "order.cancel", order)
    kinds = session.scalars(select(ClientEvent.type).where(ClientEvent.order_id == order.id))
    assert list(kinds) == ["order.cancelled"]
    assert texts(session, order) == 0  # no worker was ever texted
    with pytest.raises(OrderNotAwaitingApproval):
        approval.approve_order(session, order.id, actor=dispatcher, now=NOW)


@pytest.mark.usefixtures("rates")
def test_a_decline_without_a_reason_is_refused(session, site, client_actor, dispatcher):
    order = place(session, site, client_actor, starts_in=3 * H)
    with pytest.raises(ReasonRequired):
        approval.decline_order(session, order.id, actor=dispatcher, reason=" ", now=NOW)
    assert order.status == OrderStatus.AWAITING_APPROVAL


@pytest.mark.usefixtures("rates")
def test_the_client_cancels_an_awaiting_order_without_consequence(
    session, site, client_actor, dispatcher
):
    order = place(session, site, client_actor, starts_in=3 * H)
    cancelled = orders.cancel_order(
        session, order.id, actor=client_actor, reason="not needed", now=NOW
    )
    assert cancelled.status == OrderStatus.CANCELLED
    with pytest.raises(OrderNotAwaitingApproval):
        approval.approve_order(session, order.id, actor=dispatcher, now=NOW)


@pytest.mark.usefixtures("rates")
def test_only_the_office_of_the_orders_branch_approves_or_declines(
    session, branch, site, client_actor
):
    order = place(session, site, client_actor, starts_in=3 * H)
    stranger = actor_of(make_user(session, role="dispatcher", branch=make_branch(session)))
    with pytest.raises(OrderNotFound):
        approval.approve_order(session, order.id, actor=stranger, now=NOW)
    for not_office in (client_actor, actor_of(make_user(session, role="foreman", branch=branch))):
        with pytest.raises(ApprovalByOfficeOnly):
            approval.approve_order(session, order.id, actor=not_office, now=NOW)
        with pytest.raises(ApprovalByOfficeOnly):
            approval.decline_order(session, order.id, actor=not_office, reason="x", now=NOW)
    assert order.status == OrderStatus.AWAITING_APPROVAL


@pytest.mark.usefixtures("rates")
def test_a_client_may_not_move_a_start_inside_the_lead_time(
    session, site, client_actor, dispatcher
):
    order = place(session, site, client_actor, starts_in=48 * H)
    soon = NOW + 2 * H
    with pytest.raises(StartInsideLeadTime) as refused:
        change_order(
            session,
            order.id,
            actor=client_actor,
            change=OrderChange.of(starts_at=soon, ends_at=soon + 8 * H),
            now=NOW,
        )
    assert refused.value.loc == ("body", "starts_at")
    # Outside the lead time the client moves it; the office moves it anywhere.
    later = NOW + 24 * H
    change_order(
        session,
        order.id,
        actor=client_actor,
        change=OrderChange.of(starts_at=later, ends_at=later + 8 * H),
        now=NOW,
    )
    change_order(
        session,
        order.id,
        actor=dispatcher,
        change=OrderChange.of(starts_at=soon, ends_at=soon + 8 * H),
        now=NOW,
    )
    assert order.starts_at == soon


@pytest.mark.usefixtures("rates")
def test_a_client_may_not_add_workers_once_the_start_is_inside_the_lead_time(
    session, site, client_actor, dispatcher
):
    """A small order placed early, raised an hour before: the raise would skip approval."""
    order = place(session, site, client_actor, starts_in=48 * H, now=NOW)
    assert order.status != OrderStatus.AWAITING_APPROVAL
    late = order.starts_at - 1 * H
    raise_it = OrderChange.of(headcount=order.headcount + 5)
    with pytest.raises(StartInsideLeadTime) as refused:
        change_order(session, order.id, actor=client_actor, change=raise_it, now=late)
    assert refused.value.loc == ("body", "headcount")
    assert order.headcount == 2
    # Fewer is the client's to say; more, the office's.
    change_order(
        session, order.id, actor=client_actor, change=OrderChange.of(headcount=1), now=late
    )
    change_order(session, order.id, actor=dispatcher, change=raise_it, now=late)
    assert order.headcount == 7


@pytest.mark.usefixtures("rates")
def test_more_workers_on_an_awaiting_order_send_nothing(session, branch, site, client_actor):
    for i in range(4):
        make_worker(session, branch=branch, near=offset(MOSCOW, east_m=50 * (i + 1)))
    order = place(session, site, client_actor, starts_in=3 * H)
    change_order(session, order.id, actor=client_actor, change=OrderChange.of(headcount=4), now=NOW)
    assert order.status == OrderStatus.AWAITING_APPROVAL and order.headcount == 4
    assert texts(session, order) == 0
    offered = select(func.count()).select_from(Offer).where(Offer.order_id == order.id)
    assert session.scalar(offered) == 0


@pytest.mark.usefixtures("rates")
def test_a_foreman_is_not_shown_an_order_awaiting_approval(session, site, client_actor, dispatcher):
    order = place(session, site, client_actor, starts_in=3 * H)
    assert order not in onsite.orders_on_site(session, actor=dispatcher, now=NOW)
    approval.approve_order(session, order.id, actor=dispatcher, now=NOW)
    assert order in onsite.orders_on_site(session, actor=dispatcher, now=NOW)


@pytest.mark.usefixtures("rates")
def test_no_top_up_or_named_booking_slips_past_the_approval(
    session, branch, site, client_actor, dispatcher
):
    worker = make_worker(session, branch=branch, near=offset(MOSCOW, east_m=50))
    order = place(session, site, client_actor, starts_in=3 * H)
    with pytest.raises(TopUpNotOpen) as refused:
        topup.top_up(session, order_id=order.id, count=1, actor=dispatcher, now=NOW + 4 * H)
    assert refused.value.reason == "awaiting_approval"
    with pytest.raises(OrderClosed):
        named.book_named(session, order_id=order.id, worker_id=worker.id, actor=dispatcher, now=NOW)
    assert order.status == OrderStatus.AWAITING_APPROVAL and texts(session, order) == 0


def declines(session, order):
    """What the client saw of the order: its events, and whether its pages say declined."""
    kinds = session.scalars(select(ClientEvent.type).where(ClientEvent.order_id == order.id))
    return list(kinds), approval.declined(session, [order.id]) == {order.id}


@pytest.mark.usefixtures("rates")
def test_an_order_still_awaiting_at_its_start_is_declined_once_by_the_system(
    session, site, client_actor, dispatcher
):
    late = place(session, site, client_actor, starts_in=2 * H)
    ahead = place(session, site, client_actor, starts_in=5 * H)
    approved = place(session, site, client_actor, starts_in=1 * H)
    approval.approve_order(session, approved.id, actor=dispatcher, now=NOW)
    at = NOW + 2 * H  # the start itself: too late to approve (ApprovalAfterStart)
    assert approval.expired(session, at - timedelta(seconds=1)) == []
    assert approval.expired(session, at) == [late.id]
    declined = approval.decline_expired(session, late.id, at)
    assert declined is not None and declined.status == OrderStatus.CANCELLED
    assert declined.cancel_reason == approval.NOT_APPROVED
    assert declines(session, late) == (["order.cancelled"], True)
    [entry] = audited(session, "order.decline", late)
    assert entry.actor_user_id is None  # the system, not a user
    # A second run (the next tick, or a duplicate delivery) changes nothing.
    assert approval.expired(session, at) == []
    assert approval.decline_expired(session, late.id, at + H) is None
    assert declines(session, late) == (["order.cancelled"], True)
    assert len(audited(session, "order.cancel", late)) == 1
    # The one before its start, and the approved one, are left alone.
    assert approval.decline_expired(session, ahead.id, at) is None
    assert session.get_one(Order, ahead.id).status == OrderStatus.AWAITING_APPROVAL
    assert approval.decline_expired(session, approved.id, at) is None
    assert session.get_one(Order, approved.id).status == OrderStatus.OPEN


@pytest.mark.usefixtures("rates")
def test_the_reconciler_declines_the_orders_that_expired(session, site, client_actor, monkeypatch):
    @contextmanager
    def in_test(factory=None):  # the job's transactions: savepoints of the test's
        with session.begin_nested():
            yield session

    late = place(session, site, client_actor, starts_in=2 * H)
    ahead = place(session, site, client_actor, starts_in=5 * H)
    for module in ("core.jobs", "dispatch.fill.tasks"):
        monkeypatch.setattr(f"{module}.session_scope", in_test)
        monkeypatch.setattr(f"{module}.now", lambda: NOW + 3 * H)
    tasks.reconcile.fn()
    assert session.get_one(Order, late.id).status == OrderStatus.CANCELLED
    assert session.get_one(Order, ahead.id).status == OrderStatus.AWAITING_APPROVAL
    tasks.reconcile.fn()
    assert len(audited(session, "order.decline", late)) == 1
