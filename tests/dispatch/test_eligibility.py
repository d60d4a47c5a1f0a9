"""One definition of who may be offered an order and booked on it (dispatch/fill/eligibility.py):
a dead number is never offered nor booked, and "why is this worker not on the list" names
each rule the worker fails, by the same rules the matcher applies."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.tenancy import SYSTEM
from dispatch.fill import eligibility, waves
from dispatch.fill.errors import NotEligible
from dispatch.models import ClientBlock, Offer
from dispatch.registry.staff import actor_of
from tests.builders import (
    MOSCOW,
    NOW,
    make_client,
    make_offer,
    make_order,
    make_user,
    make_worker,
    offset,
)
from workers import availability
from workers.errors import WorkerNotFound


def _offered(session, order) -> set[int]:
    return set(session.scalars(select(Offer.worker_id).where(Offer.order_id == order.id)))


def _yes(session, order, worker, at=NOW) -> Offer:
    return waves.answer(
        session, order_id=order.id, worker_id=worker.id, yes=True, source="phone", now=at
    )


def test_a_worker_whose_number_is_unreachable_is_never_offered(session, branch, site):
    dead = make_worker(session, branch=branch, phone_invalid=True, rating=5.0)
    fine = make_worker(session, branch=branch, near=offset(MOSCOW, east_m=300))
    order = make_order(session, site=site, headcount=1)
    waves.start_filling(session, order.id, NOW)
    assert _offered(session, order) == {fine.id}  # the best-rated and nearest, but dead
    assert dead.id not in {
        c.worker_id for c, _ in waves.preview_candidates(session, order, NOW, 50, actor=SYSTEM)
    }


def test_a_number_found_unreachable_after_the_offer_cannot_book(session, branch, site):
    worker = make_worker(session, branch=branch)
    order = make_order(session, site=site, headcount=1)
    waves.start_filling(session, order.id, NOW)
    worker.phone_invalid = True  # as dispatch.texts.delivery does when a text to it fails
    session.flush()
    with pytest.raises(NotEligible, match="cannot receive SMS"):
        _yes(session, order, worker)
    assert session.scalars(select(Offer.status).where(Offer.order_id == order.id)).one() == "queued"


def test_a_standby_whose_number_became_unreachable_is_let_go(session, branch, site):
    first, second = (
        make_worker(session, branch=branch, near=offset(MOSCOW, east_m=100 * i)) for i in (1, 2)
    )
    order = make_order(session, site=site, headcount=1, overbook_factor=1)
    waves.start_filling(session, order.id, NOW)
    assert _yes(session, order, first).status == "booked"
    assert _yes(session, order, second).status == "standby"
    second.phone_invalid = True
    session.flush()
    waves.answer(session, order_id=order.id, worker_id=first.id, yes=False, source="sms", now=NOW)
    statuses = dict(
        session.execute(
            select(Offer.worker_id, Offer.status).where(Offer.order_id == order.id)
        ).all()
    )
    assert statuses == {first.id: "cancelled", second.id: "cancelled"}


def test_a_worker_who_lost_the_skill_after_the_offer_cannot_book(session, branch, site):
    """The booking check is the matcher's rules, so it checks the skill too (it did not)."""
    worker = make_worker(session, branch=branch)
    order = make_order(session, site=site, headcount=1)
    waves.start_filling(session, order.id, NOW)
    worker.skills = ["cashier"]
    session.flush()
    with pytest.raises(NotEligible, match="skill"):
        _yes(session, order, worker)


def test_a_yes_is_not_refused_for_the_radius(session, branch, site):
    """The offer was made within its wave's radius; a move farther away does not take it back."""
    worker = make_worker(session, branch=branch)
    order = make_order(session, site=site, headcount=1)
    waves.start_filling(session, order.id, NOW)
    worker.home = offset(MOSCOW, east_m=30_000).to_db()
    session.flush()
    assert _yes(session, order, worker).status == "booked"


def _faulty(session, branch, site, order, fault: str):
    """A worker failing exactly one rule, named by its code."""
    client_id = order.client_id
    if fault == "inactive":
        return make_worker(session, branch=branch, status="blocked")
    if fault == "not_vetted":
        return make_worker(session, branch=branch, vetted=False)
    if fault == "opted_out":
        return make_worker(session, branch=branch, opted_out=True)
    if fault == "phone_unreachable":
        return make_worker(session, branch=branch, phone_invalid=True)
    if fault == "suspended":
        return make_worker(session, branch=branch, suspended_until=NOW + timedelta(days=2))
    if fault == "paused":  # PAUSE 3 by SMS
        return make_worker(session, branch=branch, paused_until=NOW + timedelta(days=3))
    if fault == "patent_expired":  # the day before the shift's day
        day_before = (order.starts_at - timedelta(days=1)).date()
        return make_worker(session, branch=branch, patent_expires_on=day_before)
    if fault == "no_skill":
        return make_worker(session, branch=branch, skills=["cashier"])
    if fault == "too_far":
        return make_worker(session, branch=branch, near=offset(MOSCOW, east_m=15_000))
    worker = make_worker(session, branch=branch)
    if fault == "booked_elsewhere":
        overlapping = make_order(session, site=site, starts_in=timedelta(days=1, hours=3))
        make_offer(session, order=overlapping, worker=worker)
    elif fault == "blocked_by_client":
        session.add(ClientBlock(client_id=client_id, worker_id=worker.id, reason="fight"))
        session.flush()
    elif fault == "already_offered":
        make_offer(session, order=order, worker=worker, status="declined")
    elif fault == "said_busy":  # BUSY for the shift's day, in the branch's zone (Moscow)
        day = order.starts_at.astimezone(ZoneInfo("Europe/Moscow")).date()
        availability.record(session, worker.id, (day,), free=False, now=NOW)
    return worker


@pytest.mark.parametrize("fault", eligibility.CODES)
def test_why_a_worker_is_not_on_the_list_names_the_rule(session, branch, site, fault):
    order = make_order(session, site=site)
    worker = _faulty(session, branch, site, order, fault)
    dispatcher = actor_of(make_user(session, role="dispatcher", branch=branch))
    assert worker.id not in {
        c.worker_id for c, _ in waves.preview_candidates(session, order, NOW, 50, actor=SYSTEM)
    }
    failed = eligibility.why_not_offered(session, order, worker.id, actor=dispatcher, now=NOW)
    assert failed == [fault]
    [read] = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "worker.eligibility").order_by(AuditEntry.id)
    )
    assert (read.entity_ids, read.detail["failed"]) == ([worker.id], [fault])


def test_an_eligible_worker_fails_no_rule_and_an_unknown_one_is_not_found(session, branch, site):
    order = make_order(session, site=site)
    worker = make_worker(session, branch=branch)
    dispatcher = actor_of(make_user(session, role="dispatcher", branch=branch))
    assert eligibility.why_not_offered(session, order, worker.id, actor=dispatcher, now=NOW) == []
    with pytest.raises(WorkerNotFound):
        eligibility.why_not_offered(session, order, 2**31 - 1, actor=dispatcher, now=NOW)


def test_every_failed_rule_is_named_at_once(session, branch, site):
    order = make_order(session, site=site)
    worker = make_worker(
        session, branch=branch, vetted=False, phone_invalid=True, near=offset(MOSCOW, east_m=15_000)
    )
    dispatcher = actor_of(make_user(session, role="dispatcher", branch=branch))
    failed = eligibility.why_not_offered(session, order, worker.id, actor=dispatcher, now=NOW)
    assert failed == ["not_vetted", "phone_unreachable", "too_far"]


def test_a_block_by_another_client_does_not_count(session, branch, site):
    order = make_order(session, site=site)
    worker = make_worker(session, branch=branch)
    other = make_client(session, branch=branch)
    session.add(ClientBlock(client_id=other.id, worker_id=worker.id, reason="late"))
    session.flush()
    verdict = eligibility.for_offer(session, order, worker.id, NOW, order.radius_m)
    assert verdict.eligible


def test_a_refused_booking_names_the_rule_by_the_same_codes_as_the_rules():
    assert NotEligible.reasons == eligibility.CODES  # the console's words are found by these
