"""A client's review counts in the rating exactly like a foreman's (issue 18, item 2)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.errors import InvalidInput
from dispatch.registry.staff import actor_of
from dispatch.shift import reviews
from dispatch.shift.errors import SignOffForbidden
from rating import policy
from rating.service import get_event
from tests.builders import (
    MOSCOW,
    make_client,
    make_site,
    make_user,
    make_worked_shift,
)


@pytest.fixture
def foreman(session, branch):
    return actor_of(make_user(session, role="foreman", branch=branch))


@pytest.fixture
def worked(session, branch, foreman):
    """A closed shift: three workers, all on time."""
    site = make_site(
        session, client=make_client(session, branch=branch), at=MOSCOW, foreman_id=foreman.user_id
    )
    return make_worked_shift(session, site=site, foreman=foreman, spacing_m=9, close="scheduled")


def _review(session, order, worker, actor, stars, source, **more):
    return reviews.review_worker(
        session,
        order.id,
        actor=actor,
        worker_id=worker.id,
        stars=stars,
        complaint=more.get("complaint", False),
        comment=more.get("comment"),
        now=order.ends_at + timedelta(hours=1),
        source=source,
    )


def test_a_client_review_moves_the_rating_as_a_foremans_does(session, foreman, dispatcher, worked):
    order, (by_foreman, by_client, unreviewed) = worked
    _review(session, order, by_foreman, foreman, 1, "foreman")
    added = _review(session, order, by_client, dispatcher, 1, "client")
    assert added.source == "client"
    for worker in (by_foreman, by_client, unreviewed):
        session.refresh(worker)
    assert by_client.rating == by_foreman.rating == policy.figures([True], [True], [1]).rating
    assert by_client.rating < unreviewed.rating
    audit = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "review.add", AuditEntry.entity_ids.contains([added.id]))
        .order_by(AuditEntry.id)
    ).one()
    assert audit.detail["source"] == "client"


def test_a_worker_has_one_review_from_each_side_and_both_count(
    session, foreman, dispatcher, worked
):
    order, (worker, *_) = worked
    _review(session, order, worker, foreman, 5, "foreman")
    _review(session, order, worker, dispatcher, 2, "client")
    session.refresh(worker)
    assert worker.rating == policy.figures([True], [True], [5, 2]).rating


def test_a_client_complaint_is_a_penalty_like_a_foremans(session, dispatcher, worked):
    order, (worker, *_) = worked
    added = _review(
        session, order, worker, dispatcher, 1, "client", complaint=True, comment="was rude"
    )
    entry = get_event(session, added.penalty_id)
    assert (entry.kind, entry.points) == ("complaint", policy.COMPLAINT_POINTS)


def test_only_who_speaks_for_the_client_gives_a_client_review(session, foreman, worked):
    order, (worker, *_) = worked
    with pytest.raises(SignOffForbidden):
        _review(session, order, worker, foreman, 3, "client")
    with pytest.raises(InvalidInput) as error:
        _review(session, order, worker, foreman, 3, "neighbour")
    assert error.value.loc == ("body", "source")
