"""A worker's home located by trilateration (issue 14, High 2): a branch that moves its own
site and reads the candidates' distances each time must learn no more of another branch's
worker's home than the rough position (dispatch/fill/whereabouts.py): every distance it is shown of
them is measured to that rough position, in steps of 0.5 km, in the list, the score, the reason
and the console alike; the home branch and admins see exact distances; each move of a site
with live orders is audited with both places."""

import re

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.clock import now
from dispatch.fill import waves
from geo.points import Point
from geo.points import great_circle_m as distance_m
from tests.api.console.helpers import sign_in
from tests.builders import (
    auth,
    make_branch,
    make_branch_site,
    make_order,
    make_user,
    make_worker,
    offset,
)

# Off the rough grid's points by ~600 m: the grid point alone does not give the home away.
HOME = Point(lat=55.7549, lon=37.6249)
# Where branch B puts its site: first, then three moves.
PLACES = [
    offset(HOME, north_m=2_000),
    offset(HOME, east_m=2_500),
    offset(HOME, north_m=-1_500, east_m=-1_000),
    offset(HOME, north_m=1_000, east_m=-2_500),
]


def solve(places: list[Point], distances: list[float]) -> Point:
    """The attacker's least-squares home: a grid search around the first site, coarse to fine."""

    def misfit(p: Point) -> float:
        return sum((distance_m(p, s) - d) ** 2 for s, d in zip(places, distances, strict=True))

    best = places[0]
    for step_m in (200.0, 40.0, 8.0, 2.0):
        around = best
        best = min(
            (
                offset(around, north_m=i * step_m, east_m=j * step_m)
                for i in range(-25, 26)
                for j in range(-25, 26)
            ),
            key=misfit,
        )
    return best


@pytest.fixture
def attack(session):
    """Branch A's worker; branch B's dispatcher with a live order at a site of B's own."""
    home_branch = make_branch(session)
    worker = make_worker(session, branch=home_branch, near=HOME, rating=4.5)
    branch, site = make_branch_site(session, at=PLACES[0])
    own = make_worker(session, branch=branch, near=offset(HOME, east_m=700), rating=4.0)
    order = make_order(session, site=site, now=now())
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    return worker, own, site, order, dispatcher, home_branch


def _row(client, order, headers, worker_id):
    rows = client.get(f"/api/v1/orders/{order.id}/candidates", headers=headers).json()
    return next(r for r in rows if r["worker_id"] == worker_id)


def _moved_and_read(client, session, attack):
    """The attack: read, move the site three times reading each time; what was shown."""
    worker, own, site, order, dispatcher, _ = attack
    headers = auth(dispatcher)
    rows = [_row(client, order, headers, worker.id)]
    for place in PLACES[1:]:
        moved = client.patch(
            f"/api/v1/sites/{site.id}",
            json={"location": {"lat": place.lat, "lon": place.lon}},
            headers=headers,
        )
        assert moved.status_code == 200, moved.text
        rows.append(_row(client, order, headers, worker.id))
    return rows


def test_three_site_moves_do_not_locate_another_branchs_worker(client, session, attack):
    rows = _moved_and_read(client, session, attack)
    distances = [r["distance_m"] for r in rows]
    found = solve(PLACES, distances)
    assert distance_m(found, HOME) > 200, f"home found within {distance_m(found, HOME):.0f} m"
    assert all(d % 500 == 0 for d in distances), distances
    # Nor from the score (rating beside it) or the reason's kilometres.
    weights = (0.8, 0.2)  # the branch's rating and distance weights (defaults)
    radius = attack[3].radius_m
    from_score = [
        radius * (1 - (r["score"] - weights[0] * r["rating"] / 5) / weights[1]) for r in rows
    ]
    found = solve(PLACES, from_score)
    assert distance_m(found, HOME) > 200, f"home found within {distance_m(found, HOME):.0f} m"
    kms = [float(re.search(r"lives ([\d.]+) km", r["reason"])[1]) * 1000 for r in rows]
    assert kms == distances


def test_the_home_branch_and_admins_see_exact_distances(client, session, attack):
    worker, own, site, order, dispatcher, home_branch = attack
    site_point = Point.from_db(site.location)
    exact = distance_m(site_point, HOME)
    for reader in (
        make_user(session, role="admin"),
        make_user(session, role="dispatcher", branch=home_branch),
    ):
        answer = client.get(f"/api/v1/orders/{order.id}/candidates", headers=auth(reader))
        if reader.role == "dispatcher":  # the order is B's: A's staff cannot read it at all
            assert answer.status_code == 404
            continue
        row = next(r for r in answer.json() if r["worker_id"] == worker.id)
        assert row["distance_m"] == pytest.approx(exact, abs=15)
    # B's own worker: exact for B.
    mine = _row(client, order, auth(dispatcher), own.id)
    assert mine["distance_m"] == pytest.approx(
        distance_m(site_point, offset(HOME, east_m=700)), abs=15
    )


def test_the_console_order_page_and_the_offers_show_rough_distances(client, session, attack):
    worker, own, site, order, dispatcher, _ = attack
    exact = distance_m(Point.from_db(site.location), HOME)
    sign_in(client, dispatcher)
    page = client.get(f"/console/orders/{order.id}")
    assert page.status_code == 200
    row = re.search(rf'data-worker-id="{worker.id}">(.*?)</tr>', page.text, re.S)[1]
    _, distance, _, _, reason = re.findall(r"<td>([^<]*)</td>", row)
    km = float(distance)
    assert (km * 1000) % 500 == 0 and abs(km * 1000 - exact) > 100, (km, exact)
    assert f"{km:.1f}" in reason  # the reason's kilometres are the same rough ones
    waves.start_filling(session, order.id, now())
    offers = client.get(f"/api/v1/orders/{order.id}/offers", headers=auth(dispatcher)).json()
    offered = next(o for o in offers if o["worker_id"] == worker.id)
    assert offered["distance_m"] % 500 == 0
    mine = next(o for o in offers if o["worker_id"] == own.id)
    assert mine["distance_m"] % 500 != 0  # B's own worker, exact


def test_moving_a_site_with_live_orders_is_audited_with_both_places(client, session, attack):
    _moved_and_read(client, session, attack)
    site = attack[2]
    moves = list(
        session.scalars(
            select(AuditEntry).where(AuditEntry.action == "site.move").order_by(AuditEntry.id)
        )
    )
    assert [m.entity_ids for m in moves] == [[site.id]] * 3
    for before, after, move in zip(PLACES, PLACES[1:], moves, strict=False):
        assert move.detail["old"] == pytest.approx({"lat": before.lat, "lon": before.lon})
        assert move.detail["new"] == pytest.approx({"lat": after.lat, "lon": after.lon})
        assert move.detail["live_orders"] == [attack[3].id]
        assert move.actor_user_id == attack[4].id


def test_moving_a_site_without_live_orders_is_not_a_move_entry(client, session):
    branch, site = make_branch_site(session, at=HOME)
    headers = auth(make_user(session, role="dispatcher", branch=branch))
    moved = client.patch(
        f"/api/v1/sites/{site.id}", json={"location": {"lat": 55.8, "lon": 37.7}}, headers=headers
    )
    assert moved.status_code == 200
    assert (
        session.scalars(
            select(AuditEntry).where(AuditEntry.action == "site.move").order_by(AuditEntry.id)
        ).all()
        == []
    )
    assert moved.json()["location"] == {"lat": 55.8, "lon": 37.7}
