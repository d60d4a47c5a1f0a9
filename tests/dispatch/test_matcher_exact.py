"""The grid-cell walk returns exactly what a plain rank-everything query returns, with and
without workers who texted FREE for the order's day (ranked first, read by a walk of their own)."""

import random
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert, text

from core.tenancy import SYSTEM
from dispatch.fill.matcher import CELL_DLAT, CELL_DLON
from dispatch.fill.waves import preview_candidates
from tests.builders import MOSCOW, NOW, make_branch, make_client, make_order, make_site, offset
from workers.models import Worker, WorkerAvailability

# The reference: every eligible worker in the circle (GiST), scored and sorted; a no-show in
# the strike window puts a worker after everyone.
REFERENCE = text(
    """
    SELECT w.id FROM sites s JOIN workers w ON ST_DWithin(w.home, s.location, :radius, false)
    WHERE s.id = :site AND w.status = 'active' AND w.vetted AND NOT w.opted_out
      AND NOT w.phone_invalid
      AND w.skills @> ARRAY['loader']::varchar[]
    ORDER BY :rw * w.rating / 5.0
             + :dw * GREATEST(0.0, 1.0 - ST_Distance(w.home, s.location, false) / :radius)
             - CASE WHEN w.no_show_until > :now THEN :rw + :dw + 1.0 ELSE 0.0 END
             + CASE WHEN EXISTS (SELECT 1 FROM worker_availability wa
                                 WHERE wa.worker_id = w.id AND wa.day = :day AND wa.free)
                    THEN 2.0 * (:rw + :dw + 1.0) ELSE 0.0 END DESC,
             w.id
    LIMIT :limit
    """
)


@pytest.fixture
def crowd(session):
    branch = make_branch(session)
    rng = random.Random(7)
    rows = []
    for n in range(3000):
        spot = offset(MOSCOW, north_m=rng.gauss(0, 6000), east_m=rng.gauss(0, 6000))
        rows.append(
            {
                "full_name": f"Worker {n}",
                "phone": f"+7997{n:07d}",
                "home": spot.ewkt(),
                "skills": ["loader"] if rng.random() < 0.7 else ["cashier"],
                "branch_id": branch.id,
                "vetted": rng.random() < 0.9,
                "phone_invalid": rng.random() < 0.05,
                "rating": round(min(5.0, max(0.5, rng.gauss(3.8, 0.7))), 2),
                # 1 in 10 ranked last until 5 days from now, 1 in 20 was until yesterday
                "no_show_until": rng.choices(
                    [None, NOW + timedelta(days=5), NOW - timedelta(days=1)], [17, 2, 1]
                )[0],
            }
        )
    session.execute(insert(Worker), rows)
    session.flush()
    return branch


@pytest.mark.parametrize("free_share", [0.0, 0.04])
@pytest.mark.parametrize(
    "radius, rating_weight, distance_weight, limit",
    [
        (10_000, 0.8, 0.2, 50),
        (3_000, 0.8, 0.2, 50),
        (25_000, 0.5, 0.5, 30),
        (10_000, 0.2, 0.8, 50),
        (10_000, 0.0, 1.0, 20),
        (10_000, 1.0, 0.0, 50),
        # Deep enough into the list to reach the workers ranked last (59, 113, 217 eligible).
        (1_500, 0.8, 0.2, 56),
        (2_000, 0.0, 1.0, 110),
        (3_000, 0.2, 0.8, 210),
    ],
)
def test_cell_walk_equals_ranking_everyone(
    session, crowd, radius, rating_weight, distance_weight, limit, free_share
):
    crowd.rating_weight, crowd.distance_weight = rating_weight, distance_weight
    site = make_site(
        session,
        client=make_client(session, branch=crowd),
        at=offset(MOSCOW, north_m=1500, east_m=-700),
    )
    order = make_order(session, site=site, headcount=10)
    order.radius_m = radius
    day = order.starts_at.astimezone(ZoneInfo(crowd.timezone)).date()
    ids = session.scalars(text("SELECT id FROM workers WHERE branch_id = :b"), {"b": crowd.id})
    rng = random.Random(11)
    free = [
        {"worker_id": i, "day": day, "free": True, "said_at": NOW}
        for i in ids
        if rng.random() < free_share
    ]
    if free:
        session.execute(insert(WorkerAvailability), free)
    found = [
        c.worker_id for c, _ in preview_candidates(session, order, NOW, limit=limit, actor=SYSTEM)
    ]
    expected = list(
        session.scalars(
            REFERENCE,
            {
                "radius": radius,
                "site": site.id,
                "rw": rating_weight,
                "dw": distance_weight,
                "limit": limit,
                "now": NOW,
                "day": day,
            },
        )
    )
    assert len(expected) == limit
    assert found == expected


def test_python_grid_matches_the_sql_cell_function(session):
    rng = random.Random(3)
    for _ in range(200):
        lat, lon = rng.uniform(41, 70), rng.uniform(19, 179)
        sql_cell = session.scalar(
            text("SELECT brigada_cell(ST_GeogFromText(:p))"), {"p": f"SRID=4326;POINT({lon} {lat})"}
        )
        python_cell = int((lat + 90) // CELL_DLAT) * 65536 + int((lon + 180) // CELL_DLON)
        assert sql_cell == python_cell
