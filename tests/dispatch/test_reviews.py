"""Reviews of a worker's shift: stars into the rating, a complaint onto the ledger."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry
from core.errors import Conflict, InvalidInput
from dispatch.penalties import record
from dispatch.registry.staff import actor_of
from dispatch.shift import onsite, reviews
from rating import policy
from rating.models import PenaltyEvent, Review
from rating.service import get_event
from sms.models import Message
from tests.builders import (
    MOSCOW,
    arrive_all,
    book,
    make_client,
    make_crew,
    make_order,
    make_site,
    make_user,
)


@pytest.fixture
def foreman(session, branch):
    return actor_of(make_user(session, role="foreman", branch=branch))


@pytest.fixture
def worked(session, branch, foreman):
    """A closed shift of the site's foreman: one worker came on time, one did not come."""
    site = make_site(
        session,
        client=make_client(session, branch=branch),
        at=MOSCOW,
        foreman_id=foreman.user_id,
    )
    came, absent = make_crew(session, branch=branch, n=2)
    order = make_order(session, site=site, headcount=1)  # target 2
    book(session, order, [came, absent])
    arrive_all(session, order, [came], foreman=foreman)
    onsite.close_shift(session, order.id, actor=foreman, now=order.ends_at)
    return order, came, absent


def review(session, order, worker, actor, stars, *, complaint=False, comment=None):
    return reviews.review_worker(
        session,
        order.id,
        actor=actor,
        worker_id=worker.id,
        stars=stars,
        complaint=complaint,
        comment=comment,
        now=order.ends_at + timedelta(hours=1),
    )


def counts(session):
    return tuple(
        session.scalar(select(func.count()).select_from(model))
        for model in (Review, PenaltyEvent, AuditEntry, Message)
    )


def test_stars_count_in_the_rating(session, foreman, worked):
    order, came, _ = worked
    added = review(session, order, came, foreman, 5, comment="  quick and careful ")
    assert (added.stars, added.complaint, added.penalty_id) == (5, False, None)
    assert added.comment == "quick and careful" and added.created_by == foreman.user_id
    session.refresh(came)
    assert came.rating == policy.figures([True], [True], [5]).rating
    assert session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "review.add", AuditEntry.entity_ids.contains([added.id]))
        .order_by(AuditEntry.id)
    ).one()


@pytest.mark.parametrize("stars", [0, 6])
def test_stars_out_of_range_are_refused(session, foreman, worked, stars):
    order, came, _ = worked
    before = counts(session)
    with pytest.raises(InvalidInput) as error:
        review(session, order, came, foreman, stars)
    assert error.value.loc == ("body", "stars")
    assert counts(session) == before


def test_no_review_of_a_worker_who_did_not_come(session, foreman, worked):
    order, _, absent = worked
    before = counts(session)
    with pytest.raises(Conflict):
        review(session, order, absent, foreman, 1)
    assert counts(session) == before


def test_one_review_per_worker_per_order(session, foreman, dispatcher, worked):
    order, came, _ = worked
    review(session, order, came, foreman, 4)
    session.refresh(came)
    rating = came.rating
    before = counts(session)
    with pytest.raises(Conflict):
        review(session, order, came, dispatcher, 1, complaint=True, comment="rude")
    assert counts(session) == before
    session.refresh(came)
    assert came.rating == rating


def test_a_complaint_needs_a_comment(session, foreman, worked):
    order, came, _ = worked
    before = counts(session)
    with pytest.raises(InvalidInput) as error:
        review(session, order, came, foreman, 2, complaint=True, comment="  ")
    assert error.value.loc == ("body", "comment")
    assert counts(session) == before


def test_a_complaint_is_a_penalty_and_reversing_it_takes_its_stars_out(
    session, foreman, dispatcher, worked
):
    order, came, _ = worked
    session.refresh(came)
    before = (came.rating, came.reliability, came.strikes)
    added = review(session, order, came, foreman, 1, complaint=True, comment="slept on a pallet")
    complaint = get_event(session, added.penalty_id)
    assert (complaint.kind, complaint.points, complaint.fine) == (
        "complaint",
        policy.COMPLAINT_POINTS,
        0,
    )
    assert (complaint.worker_id, complaint.order_id) == (came.id, order.id)
    assert "slept on a pallet" in complaint.reason
    session.refresh(came)
    assert came.rating == policy.figures([True], [True], [1]).rating < before[0]
    assert came.strikes == 1
    assert session.scalars(
        select(Message).where(Message.worker_id == came.id, Message.kind == "penalty")
    ).one()
    record.reverse_penalty(
        session,
        complaint.id,
        actor=dispatcher,
        reason="the client named the wrong man",
        now=order.ends_at + timedelta(days=1),
    )
    session.refresh(came)
    assert (came.rating, came.reliability, came.strikes) == before
    session.refresh(added)
    assert added.penalty_id == complaint.id  # the review stays, its stars no longer count
