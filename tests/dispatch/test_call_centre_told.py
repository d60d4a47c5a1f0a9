"""The branch is told by SMS (dispatch/intake/tell.py): a call-centre order queues one text to
each active manager and dispatcher with a phone of the routed branch, in the order's own
transaction: none to another branch, to an inactive user or another role, none after a
rollback."""

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from core.clock import now
from core.jobs import pending_jobs
from core.tenancy import Actor
from dispatch.intake import callcentre
from dispatch.intake.tell import KIND
from dispatch.network.areas import check_area
from geo.points import Point
from sms.models import Message
from tests.builders import make_branch, make_user

INSIDE = Point(lat=55.0, lon=37.0)
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[36.5, 54.8], [37.5, 54.8], [37.5, 55.6], [36.5, 55.6], [36.5, 54.8]]],
}


def _world(session):
    a = make_branch(session, center=Point(lat=55.5, lon=37.0))
    a.area = check_area(session, SQUARE)
    b = make_branch(session, center=Point(lat=54.99, lon=37.0))  # nearer, but A's area holds it
    told = [
        make_user(session, role="manager", branch=a, phone="+79160000001"),
        make_user(session, role="dispatcher", branch=a, phone="+79160000002"),
    ]
    for role, branch, phone, active in [
        ("dispatcher", a, None, True),  # no phone
        ("manager", a, "+79160000003", False),  # inactive
        ("foreman", a, "+79160000004", True),  # not the office
        ("recruiter", a, "+79160000005", True),
        ("manager", b, "+79160000006", True),  # another branch
        ("dispatcher", b, "+79160000007", True),
    ]:
        make_user(session, role=role, branch=branch, phone=phone, active=active)
    session.flush()
    return a, told


def _order() -> callcentre.CallCentreOrder:
    start = (now() + timedelta(days=2)).replace(microsecond=0)
    return callcentre.CallCentreOrder(
        skill="loader",
        headcount=4,
        starts_at=start,
        ends_at=start + timedelta(hours=8),
        client=callcentre.NewClient(name="ООО Склад"),
        site=callcentre.NewSite("Склад №1", "ул. Складская, 1", INSIDE),
        client_rate=Decimal("300"),
        worker_rate=Decimal("150"),
    )


def _texts(session) -> list[Message]:
    return list(session.scalars(select(Message).where(Message.kind == KIND)))


def _call_centre() -> Actor:
    return Actor(user_id=None, name="Колл-центр", role="call_centre", branch_id=None)


def test_the_routed_branchs_managers_and_dispatchers_with_a_phone_are_texted(session):
    a, told = _world(session)
    placed = callcentre.place_order(session, actor=_call_centre(), data=_order(), now=now())
    assert placed.branch.id == a.id
    texts = _texts(session)
    assert sorted(m.phone for m in texts) == sorted(u.phone for u in told)
    assert {m.order_id for m in texts} == {placed.order.id} and {m.worker_id for m in texts} == {
        None
    }
    body = texts[0].body
    for part in (placed.order.code, "ООО Склад", "Склад №1", "4 чел."):
        assert part in body, body
    sends = [args[0] for name, args in pending_jobs(session) if name == "sms.send"]
    assert {m.id for m in texts} <= set(sends)


def test_a_rolled_back_order_texts_no_one(session):
    _world(session)
    savepoint = session.begin_nested()
    callcentre.place_order(session, actor=_call_centre(), data=_order(), now=now())
    assert len(_texts(session)) == 2
    savepoint.rollback()
    assert _texts(session) == []
    assert not [job for job in pending_jobs(session) if job[0] == "sms.send"]
