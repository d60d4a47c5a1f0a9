"""The personal-data rule on its own: home branch and admins see all, a branch that booked or
paid the worker sees the name and a masked phone, anyone else nothing; one audit row a read."""

from datetime import timedelta

from sqlalchemy import select

from core.audit import AuditEntry
from core.tenancy import SYSTEM
from dispatch.access.privacy import Sight, show_workers
from dispatch.orders import service as orders
from dispatch.penalties import record
from dispatch.registry.staff import actor_of
from rating.models import PenaltyEvent
from tests.builders import KAZAN, book, make_branch, make_order, make_user, make_worker


def _sights(session, actor, *workers):
    shown = show_workers(session, actor=actor, worker_ids=[w.id for w in workers], via="test")
    return [shown[w.id] for w in workers]


def test_each_reader_sees_what_the_rule_allows_and_the_read_is_audited_once(
    session, branch, site, dispatcher
):
    home = make_branch(session, center=KAZAN)
    booked = make_worker(session, branch=home, phone="+79215550123")
    offered = make_worker(session, branch=home, phone="+79215550145")
    order = make_order(session, site=site, headcount=1)
    book(session, order, [booked])  # the first wave offered both
    seen_booked, seen_offered = _sights(session, dispatcher, booked, offered)
    assert (seen_booked.sight, seen_booked.name, seen_booked.phone) == (
        Sight.PAYING,
        booked.full_name,
        "+*********23",
    )
    assert (seen_offered.sight, seen_offered.name, seen_offered.phone) == (Sight.NONE, None, None)
    for actor in (actor_of(make_user(session, role="dispatcher", branch=home)), SYSTEM):
        seen = _sights(session, actor, booked, offered)
        assert [(s.sight, s.name, s.phone) for s in seen] == [
            (Sight.FULL, booked.full_name, booked.phone),
            (Sight.FULL, offered.full_name, offered.phone),
        ]
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "worker.list").order_by(AuditEntry.id)
    ).all()
    assert [(e.entity_ids, e.detail["masked"]) for e in entries] == [
        ([booked.id], [booked.id]),
        (sorted([booked.id, offered.id]), []),
        (sorted([booked.id, offered.id]), []),
    ]


def test_a_late_cancellations_show_up_pay_makes_a_paying_branch_until_reversed(
    session, branch, site, dispatcher
):
    worker = make_worker(session, branch=make_branch(session, center=KAZAN))
    order = make_order(session, site=site, headcount=1)
    book(session, order, [worker])
    orders.cancel_order(
        session,
        order.id,
        actor=dispatcher,
        reason="client",
        now=order.starts_at - timedelta(hours=1),
    )
    (seen,) = _sights(session, dispatcher, worker)
    assert seen.sight is Sight.PAYING  # not booked any more, but on the sheet: paid
    pay = session.scalars(select(PenaltyEvent).where(PenaltyEvent.payout > 0)).one()
    record.reverse_penalty(
        session, pay.id, actor=dispatcher, reason="paid twice", now=order.starts_at
    )
    (seen,) = _sights(session, dispatcher, worker)
    assert seen.sight is Sight.NONE
