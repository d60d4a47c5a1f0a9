"""Check-in links: signed tokens, the geofence, the time window, and the booking text."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.errors import Conflict, NotFound
from core.settings import get_settings
from core.tenancy import SYSTEM
from dispatch.models import Offer
from dispatch.orders import service as orders
from dispatch.shift import checkin
from dispatch.texts import links
from sms.models import Message
from sms.segments import measure
from tests.builders import (
    MOSCOW,
    NOW,
    book,
    make_branch_site,
    make_order,
    make_worker,
    offset,
)

SECRET = "a-test-secret-of-more-than-32-characters"


@pytest.fixture
def booked(session):
    """A worker booked on an 8 h order starting tomorrow (NOW + 1 day) at a 250 m site."""
    branch, site = make_branch_site(session)
    worker = make_worker(session, branch=branch)
    order = make_order(session, site=site, headcount=1)
    book(session, order, [worker])
    offer = session.scalars(
        select(Offer).where(Offer.order_id == order.id, Offer.worker_id == worker.id)
    ).one()
    return order, offer, site


def checkins(session, offer) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "checkin", AuditEntry.entity == "offer")
            .order_by(AuditEntry.id)
        )
    )


def test_a_token_names_its_offer_and_nothing_else(session, booked):
    _, offer, _ = booked
    token = links.token_for(offer.id, SECRET)
    number, sig = token.split("-", 1)
    assert number == str(offer.id) and len(sig) == 12
    assert links.offer_for_token(session, token, secret=SECRET) is offer
    link = links.checkin_link(offer, "https://brigada.example.ru/", SECRET)
    assert link == f"https://brigada.example.ru/c/{token}"
    # Another secret, a changed signature, another offer's number: none of them opens it.
    forged = [
        links.token_for(offer.id, SECRET + "x"),
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        f"{offer.id + 1}-{sig}",
        f"{offer.id}-{sig}x",
        f"{offer.id}",
        "",
        f"0{offer.id}-{sig}",
        f"99999999999-{sig}",
        f"{offer.id}-ЖЖЖЖЖЖЖЖЖЖЖЖ",
        links.token_for(2_000_000_000, SECRET),  # genuine, but no such offer
    ]
    for token in forged:
        with pytest.raises(NotFound):
            links.offer_for_token(session, token, secret=SECRET)


def test_inside_the_geofence_the_arrival_is_recorded_once_and_audited(session, booked):
    order, offer, _ = booked
    token = links.token_for(offer.id, SECRET)
    at = order.starts_at - timedelta(minutes=5)
    here = offset(MOSCOW, north_m=120)
    result = checkin.check_in(session, token, here, secret=SECRET, now=at)
    assert result.inside and not result.repeated and result.geofence_m == 250
    assert 115 < result.distance_m < 125
    session.refresh(offer)
    assert offer.checked_in_at == at and 115 < offer.checkin_distance_m < 125
    assert offer.attendance is None  # the foreman confirms; nothing is marked yet
    [entry] = checkins(session, offer)
    assert entry.actor == "system" and entry.actor_user_id is None
    assert entry.entity_ids == [offer.id] and entry.branch_id == order.branch_id

    again = checkin.check_in(session, token, MOSCOW, secret=SECRET, now=at + timedelta(minutes=3))
    assert again.inside and again.repeated and again.checked_in_at == at
    session.refresh(offer)
    assert offer.checked_in_at == at and len(checkins(session, offer)) == 1


def test_the_geofence_is_the_sites_own(session, booked):
    order, offer, site = booked
    site.geofence_m = 500
    session.flush()
    token = links.token_for(offer.id, SECRET)
    result = checkin.check_in(
        session, token, offset(MOSCOW, east_m=400), secret=SECRET, now=order.starts_at
    )
    assert result.inside and result.geofence_m == 500


def test_outside_it_says_how_far_and_writes_nothing(session, booked):
    order, offer, _ = booked
    token = links.token_for(offer.id, SECRET)
    result = checkin.check_in(
        session, token, offset(MOSCOW, north_m=1500), secret=SECRET, now=order.starts_at
    )
    assert not result.inside and result.checked_in_at is None
    assert 1490 < result.distance_m < 1510 and result.geofence_m == 250
    session.refresh(offer)
    assert offer.checked_in_at is None and offer.checkin_distance_m is None
    assert checkins(session, offer) == []


def test_links_work_from_three_hours_before_the_start_until_the_end(session, booked):
    order, offer, _ = booked
    token = links.token_for(offer.id, SECRET)
    opens = order.starts_at - timedelta(hours=3)
    with pytest.raises(Conflict) as early:
        checkin.check_in(session, token, MOSCOW, secret=SECRET, now=opens - timedelta(seconds=1))
    assert early.value.reason == "too_early" and early.value.opens_at == opens
    with pytest.raises(Conflict) as late:
        checkin.check_in(
            session, token, MOSCOW, secret=SECRET, now=order.ends_at + timedelta(seconds=1)
        )
    assert late.value.reason == "expired" and "expired" in str(late.value)
    session.refresh(offer)
    assert offer.checked_in_at is None and checkins(session, offer) == []
    assert checkin.check_in(session, token, MOSCOW, secret=SECRET, now=order.ends_at).inside


def test_not_for_a_cancelled_order_nor_a_released_booking(session, booked):
    order, offer, _ = booked
    token = links.token_for(offer.id, SECRET)
    orders.cancel_order(session, order.id, actor=SYSTEM, reason="client called off", now=NOW)
    with pytest.raises(Conflict) as refused:
        checkin.check_in(session, token, MOSCOW, secret=SECRET, now=order.starts_at)
    assert refused.value.reason == "cancelled" and "cancelled" in str(refused.value)
    session.refresh(offer)
    assert offer.checked_in_at is None and checkins(session, offer) == []


def test_not_once_the_foreman_has_marked_or_for_a_booking_no_longer_held(session, booked):
    order, offer, _ = booked
    token = links.token_for(offer.id, SECRET)
    offer.attendance, offer.arrived_at = "arrived", order.starts_at
    session.flush()
    with pytest.raises(Conflict) as marked:
        checkin.check_in(session, token, MOSCOW, secret=SECRET, now=order.starts_at)
    assert marked.value.reason == "marked"
    offer.attendance, offer.arrived_at, offer.status = None, None, "cancelled"
    session.flush()
    with pytest.raises(Conflict) as gone:
        checkin.check_in(session, token, MOSCOW, secret=SECRET, now=order.starts_at)
    assert gone.value.reason == "not_booked"


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_booking_text_carries_the_link_within_two_segments(session, language):
    branch, site = make_branch_site(session)
    worker = make_worker(session, branch=branch, language=language)
    order = make_order(session, site=site, headcount=1)
    book(session, order, [worker])
    offer = session.scalars(select(Offer).where(Offer.order_id == order.id)).one()
    [text] = session.scalars(
        select(Message).where(Message.order_id == order.id, Message.kind == "booked")
    )
    settings = get_settings()
    link = links.checkin_link(offer, settings.public_url, settings.secret_key)
    assert text.body.endswith(link) and order.code in text.body
    assert measure(text.body).segments <= 2
    others = session.scalars(
        select(Message.body).where(Message.order_id == order.id, Message.kind != "booked")
    )
    assert all("/c/" not in body for body in others)  # only the booking carries it
