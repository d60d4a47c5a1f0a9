"""The matcher: every eligibility rule on its own, the radius, and the ranking order."""

from datetime import timedelta

import pytest

from core.tenancy import SYSTEM
from dispatch.fill.waves import preview_candidates
from dispatch.models import ClientBlock
from tests.builders import (
    KAZAN,
    MOSCOW,
    NOW,
    make_branch,
    make_client,
    make_offer,
    make_order,
    make_site,
    make_worker,
    offset,
)


@pytest.fixture
def scene(session):
    branch = make_branch(session)
    client = make_client(session, branch=branch)
    site = make_site(session, client=client, at=MOSCOW)
    order = make_order(session, site=site, headcount=2)
    return branch, client, site, order


def _ids(session, order):
    return [
        c.worker_id for c, _ in preview_candidates(session, order, NOW, limit=100, actor=SYSTEM)
    ]


def test_an_eligible_worker_nearby_is_found(session, scene):
    branch, _, _, order = scene
    worker = make_worker(session, branch=branch, near=offset(MOSCOW, north_m=500))
    assert _ids(session, order) == [worker.id]


@pytest.mark.parametrize(
    "overrides",
    [
        {"status": "blocked"},
        {"vetted": False},
        {"skills": ["cashier"]},
        {"opted_out": True},
        {"suspended_until": NOW + timedelta(days=3)},
    ],
    ids=["blocked", "not vetted", "other skill", "opted out", "suspended"],
)
def test_each_ineligible_worker_is_left_out(session, scene, overrides):
    branch, _, _, order = scene
    make_worker(session, branch=branch, **overrides)
    assert _ids(session, order) == []


def test_an_ended_suspension_no_longer_counts(session, scene):
    branch, _, _, order = scene
    worker = make_worker(session, branch=branch, suspended_until=NOW - timedelta(minutes=1))
    assert _ids(session, order) == [worker.id]


def test_outside_the_radius_is_left_out(session, scene):
    branch, _, _, order = scene
    near = make_worker(session, branch=branch, near=offset(MOSCOW, east_m=9_500))
    make_worker(session, branch=branch, near=offset(MOSCOW, east_m=10_600))
    assert _ids(session, order) == [near.id]


def _book(session, worker, order):
    make_offer(session, order=order, worker=worker)


def test_booked_on_an_overlapping_shift_in_any_branch_is_left_out(session, scene):
    branch, _, _, order = scene
    worker = make_worker(session, branch=branch)
    other_branch = make_branch(session, center=KAZAN)
    other_site = make_site(session, client=make_client(session, branch=other_branch))
    overlapping = make_order(session, site=other_site, starts_in=timedelta(days=1, hours=4))
    _book(session, worker, overlapping)
    assert _ids(session, order) == []


def test_a_shift_that_ended_before_this_one_starts_does_not_count(session, scene):
    branch, client, site, order = scene
    worker = make_worker(session, branch=branch)
    night_before = make_order(session, site=site, starts_in=timedelta(hours=16), hours=8)
    assert night_before.ends_at == order.starts_at  # back to back: no overlap
    _book(session, worker, night_before)
    assert _ids(session, order) == [worker.id]
    overlapping_end = make_order(session, site=site, starts_in=timedelta(hours=17), hours=8)
    other = make_worker(session, branch=branch, near=offset(MOSCOW, east_m=50))
    _book(session, other, overlapping_end)
    assert other.id not in _ids(session, order)


def test_a_booking_on_another_day_does_not_count(session, scene):
    branch, client, site, order = scene
    worker = make_worker(session, branch=branch)
    tomorrow = make_order(session, site=site, starts_in=timedelta(days=2))
    _book(session, worker, tomorrow)
    assert _ids(session, order) == [worker.id]


def test_blocked_by_this_client_only(session, scene):
    branch, client, site, order = scene
    worker = make_worker(session, branch=branch)
    session.add(ClientBlock(client_id=client.id, worker_id=worker.id, reason="fight"))
    session.flush()
    assert _ids(session, order) == []
    other_client = make_client(session, branch=branch)
    other_order = make_order(session, site=make_site(session, client=other_client))
    assert _ids(session, other_order) == [worker.id]


def test_already_offered_is_left_out(session, scene):
    branch, _, _, order = scene
    worker = make_worker(session, branch=branch)
    make_offer(session, order=order, worker=worker, status="declined")
    assert _ids(session, order) == []


def test_workers_of_other_branches_are_found_too(session, scene):
    _, _, _, order = scene
    elsewhere = make_branch(session, center=KAZAN)
    visitor = make_worker(session, branch=elsewhere, near=offset(MOSCOW, north_m=300))
    assert _ids(session, order) == [visitor.id]


def test_ranked_by_rating_then_distance(session, scene):
    branch, _, _, order = scene
    # Scores at 0.8 / 0.2: 0.90, 0.836, 0.74, 0.318.
    star_far = make_worker(session, branch=branch, rating=5.0, near=offset(MOSCOW, east_m=5_000))
    good_near = make_worker(session, branch=branch, rating=4.0, near=offset(MOSCOW, east_m=200))
    good_far = make_worker(session, branch=branch, rating=4.0, near=offset(MOSCOW, east_m=5_000))
    weak_near = make_worker(session, branch=branch, rating=2.0, near=offset(MOSCOW, east_m=100))
    ranked = preview_candidates(session, order, NOW, limit=10, actor=SYSTEM)
    assert [c.worker_id for c, _ in ranked] == [
        star_far.id,
        good_near.id,
        good_far.id,
        weak_near.id,
    ]
    scores = [c.score for c, _ in ranked]
    assert scores == sorted(scores, reverse=True)
    assert ranked[1][0].distance_m == pytest.approx(200, abs=2)
    assert "km away" in ranked[0][1]


def test_branch_weights_can_put_distance_first(session, scene):
    branch, _, _, order = scene
    branch.rating_weight, branch.distance_weight = 0, 1
    far_star = make_worker(session, branch=branch, rating=5.0, near=offset(MOSCOW, east_m=8_000))
    near_weak = make_worker(session, branch=branch, rating=1.0, near=offset(MOSCOW, east_m=100))
    assert _ids(session, order) == [near_weak.id, far_star.id]
