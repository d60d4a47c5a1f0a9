"""The matcher: one PostGIS query that finds and ranks the workers an order may be offered.

How it stays fast where people are dense (measured in bench/matcher.py): workers are
indexed by a ~2 km grid cell and rating (ix_workers_cell_rating, index-only). The query

1. lists the cells within the radius (plus half a cell's diagonal) of the site, each with
   the distance to its centre, so `centre_m - HALF_DIAG_M` bounds every home in it;
2. probes the 4 cells nearest the site for their 50 best-rated eligible workers: the 50th
   best score among them (the bar) is a lower bound of the true 50th best score;
3. walks every cell again, reading only the index range whose rating could still reach the
   bar given the cell's nearest possible distance, and ranks what it finds.

The result is exact: a worker of the true top 50 scores at least the bar, so their rating
passes their cell's floor. With rating_weight 0 there is no floor and every eligible worker
in the circle is ranked. A worker with a no-show in the strike window (no_show_until > now)
scores lower by more than any score (dispatch/fill/ranking.py); that only lowers scores, so the bar
and the floors stay bounds and the result stays exact. A worker who texted FREE for the order's
day scores higher by twice as much (ranked first): the floors do not bound them, so they are
read apart, by a second walk of the cells with no floor that keeps only them (skipped when
nobody texted FREE for the day), and added to the first walk (which leaves them out). Joining
the day's FREE rows to workers by id instead read every worker of the country (EXPLAIN at
Moscow's centre, 1M workers: 0.64 s with 0.5% of them FREE, 0.92 s with 5%; this way 35-54 ms
and 94-114 ms; bench/matcher.py --free-share); the bar stays a lower bound of the true 50th
score, the walk finds every other worker above it, so the result stays exact. Distances use
PostGIS's sphere (use_spheroid => false): ~0.3% off at these distances and about twice as fast
as the spheroid.
"""

import math
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from dispatch.fill.eligibility import DAY, MATCHER_CONDITION, RULES
from dispatch.models import Branch, Order
from dispatch.orders.crew import preferred_workers

CELL_DLAT, CELL_DLON = 0.02, 0.03  # the brigada_cell() grid of migration 0003
EARTH_RADIUS_M = 6_371_008.8  # PostGIS's sphere
M_PER_DEG = EARTH_RADIUS_M * math.pi / 180
# No home is farther than this from its cell's centre (cos(lat) taken as 1: an overestimate).
HALF_DIAG_M = 0.5 * math.hypot(CELL_DLAT * M_PER_DEG, CELL_DLON * M_PER_DEG)
PROBE_CELLS = 4

# Every rule of who may be offered the order: one definition, shared with the booking check.
_ELIGIBLE = MATCHER_CONDITION
# Who texted FREE for the order's day (workers/availability.py): one read of the index
# ix_worker_availability_day, a CTE both queries carry.
FREE_DAY = f"""free_day AS MATERIALIZED (
        SELECT wa.worker_id FROM worker_availability wa WHERE wa.day = ({DAY}) AND wa.free)"""
_SAID_FREE = "(w.id IN (SELECT worker_id FROM free_day))"
_BASE = """:rating_weight * w.rating / 5.0
                 + :distance_weight * GREATEST(0.0, 1.0 - ST_Distance(w.home, site.location, false)
                                                         / :radius_m)
                 - CASE WHEN w.no_show_until > :now
                        THEN :rating_weight + :distance_weight + 1.0 ELSE 0.0 END"""
_FREE_BONUS = "2.0 * (:rating_weight + :distance_weight + 1.0)"
_SCORE = f"""{_BASE}
                 + CASE WHEN {_SAID_FREE} THEN {_FREE_BONUS} ELSE 0.0 END"""


def _columns(score: str, said_free: str) -> str:
    return f"""w.id AS worker_id, ST_Distance(w.home, site.location, false) AS distance_m,
               w.rating, w.reliability, {score} AS score, w.no_show_at, w.no_show_until,
               {said_free} AS said_free"""


_COLUMNS = _columns(_SCORE, _SAID_FREE)
# Each walk knows its workers' answer: one look-up of the day's FREE ids each, not one per use.
_WALKED = _columns(_BASE, "false")
_FREE_WALKED = _columns(f"{_BASE} + {_FREE_BONUS}", "true")
# The lowest rating that can still reach the bar in a cell at centre_m (none if rating_weight=0).
_RATING_FLOOR = f"""CASE WHEN :rating_weight > 0 THEN CAST(
              (bar.score - :distance_weight
                 * (1.0 - GREATEST(0.0, c.centre_m - {HALF_DIAG_M}) / :radius_m))
              * 5.0 / :rating_weight - 0.000001 AS numeric) ELSE 0 END"""

MATCHER_SQL = text(
    f"""
    WITH {FREE_DAY},
    site AS (
        SELECT s.location, ST_Y(s.location::geometry) AS lat, ST_X(s.location::geometry) AS lon,
               :radius_m / {M_PER_DEG} AS dlat
        FROM sites s WHERE s.id = :site_id
    ),
    cells AS (
        SELECT i * 65536 + j AS cell, ST_Distance(site.location, centre.g, false) AS centre_m
        FROM site
        CROSS JOIN LATERAL generate_series(floor((site.lat + 90 - site.dlat) / {CELL_DLAT})::int,
                                           floor((site.lat + 90 + site.dlat) / {CELL_DLAT})::int) i
        CROSS JOIN LATERAL (
            SELECT site.dlat / cos(radians(least(89.0, abs(site.lat) + site.dlat))) AS dlon) span
        CROSS JOIN LATERAL generate_series(
            floor((site.lon + 180 - span.dlon) / {CELL_DLON})::int,
            floor((site.lon + 180 + span.dlon) / {CELL_DLON})::int) j
        CROSS JOIN LATERAL (
            SELECT ST_SetSRID(ST_MakePoint((j + 0.5) * {CELL_DLON} - 180,
                                           (i + 0.5) * {CELL_DLAT} - 90), 4326)::geography AS g
        ) centre
        WHERE ST_DWithin(site.location, centre.g, :radius_m + {HALF_DIAG_M}, false)
    ),
    probe AS (
        SELECT p.score
        FROM site, (SELECT cell FROM cells ORDER BY centre_m LIMIT {PROBE_CELLS}) c
        CROSS JOIN LATERAL (
            SELECT {_BASE} AS score  -- without the FREE bonus: a lower bar is still a bound
            FROM workers w
            WHERE brigada_cell(w.home) = c.cell AND {_ELIGIBLE}
            ORDER BY w.rating DESC
            LIMIT :limit) p
    ),
    bar AS (
        SELECT coalesce((SELECT score FROM probe ORDER BY score DESC
                         OFFSET :limit - 1 LIMIT 1), -1.0) AS score
    )
    SELECT y.* FROM (
        SELECT x.*
        FROM site, bar, cells c
        CROSS JOIN LATERAL (
            SELECT {_WALKED}
            FROM workers w
            WHERE brigada_cell(w.home) = c.cell
              AND w.rating >= {_RATING_FLOOR}
              AND NOT {_SAID_FREE}
              AND {_ELIGIBLE}) x
        UNION ALL
        SELECT x.*
        FROM site, cells c
        CROSS JOIN LATERAL (
            SELECT {_FREE_WALKED}
            FROM workers w
            WHERE brigada_cell(w.home) = c.cell
              AND {_SAID_FREE} IS TRUE  -- a hashed filter, not a join of the country's FREE rows
              AND {_ELIGIBLE}) x
        WHERE EXISTS (SELECT 1 FROM free_day)
    ) y
    ORDER BY y.score DESC, y.worker_id
    LIMIT :limit
    """
)


# The preferred workers (dispatch/orders/crew.py) by every rule, but near enough is the
# branch's widest radius (:reach_m): the client asked for them; the wave's ring limits only
# the ranking. Scored as the ranking scores, at the wave's radius.
_PREFERRED_ELIGIBLE = "\n      AND ".join(
    rule.holds.replace(":radius_m", ":reach_m") if rule.code == "too_far" else rule.holds
    for rule in RULES
)
PREFERRED_SQL = text(
    f"""
    WITH {FREE_DAY}
    SELECT {_COLUMNS}
    FROM workers w CROSS JOIN (SELECT location FROM sites WHERE id = :site_id) site
    WHERE w.id = ANY(CAST(:worker_ids AS integer[]))
      AND {_PREFERRED_ELIGIBLE}
    ORDER BY score DESC, w.id
    LIMIT :limit
    """
)


@dataclass(frozen=True)
class Candidate:
    worker_id: int
    distance_m: float
    rating: float
    reliability: float
    score: float
    no_show_at: datetime | None = None  # a no-show in the strike window: ranked last...
    no_show_until: datetime | None = None  # ...until then
    said_free: bool = False  # texted FREE for the order's day: ranked first


def find_candidates(
    session: Session,
    *,
    order_id: int,
    site_id: int,
    client_id: int,
    skill: str,
    starts_at: datetime,
    ends_at: datetime,
    radius_m: float,
    rating_weight: Decimal | float,
    distance_weight: Decimal | float,
    now: datetime,
    limit: int,
) -> list[Candidate]:
    """Eligible workers within radius_m of the site, best score first."""
    rows = session.execute(
        MATCHER_SQL,
        {
            "order_id": order_id,
            "site_id": site_id,
            "client_id": client_id,
            "skill": skill,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "radius_m": float(radius_m),
            "rating_weight": float(rating_weight),
            "distance_weight": float(distance_weight),
            "now": now,
            "limit": limit,
        },
    )
    return [_candidate(row, now) for row in rows]


def candidates_for(
    session: Session, order: Order, branch: Branch, radius_m: int, now: datetime, limit: int
) -> list[Candidate]:
    """The order's candidates at radius_m, best first: the eligible preferred workers
    (dispatch/orders/crew.py) before the ranking, in rank order among themselves; then
    everyone else as find_candidates ranks them. An ineligible preferred worker is left out
    like anyone else."""
    first: list[Candidate] = []
    preferred = preferred_workers(session, order)
    if preferred and limit > 0:
        rows = session.execute(
            PREFERRED_SQL,
            {
                "worker_ids": preferred,
                "order_id": order.id,
                "site_id": order.site_id,
                "client_id": order.client_id,
                "skill": order.skill,
                "starts_at": order.starts_at,
                "ends_at": order.ends_at,
                "radius_m": float(radius_m),
                "reach_m": float(max(radius_m, branch.max_radius_m)),
                "rating_weight": float(branch.rating_weight),
                "distance_weight": float(branch.distance_weight),
                "now": now,
                "limit": limit,
            },
        )
        first = [_candidate(row, now) for row in rows]
    ranked = find_candidates(
        session,
        order_id=order.id,
        site_id=order.site_id,
        client_id=order.client_id,
        skill=order.skill,
        starts_at=order.starts_at,
        ends_at=order.ends_at,
        radius_m=radius_m,
        rating_weight=branch.rating_weight,
        distance_weight=branch.distance_weight,
        now=now,
        limit=limit + len(first),
    )
    taken = {c.worker_id for c in first}
    return (first + [c for c in ranked if c.worker_id not in taken])[:limit]


def _candidate(row: Row[Any], now: datetime) -> Candidate:
    ranked_last = _ranked_last(row.no_show_until, now)
    return Candidate(
        worker_id=row.worker_id,
        distance_m=float(row.distance_m),
        rating=float(row.rating),
        reliability=float(row.reliability),
        score=float(row.score),
        no_show_at=row.no_show_at if ranked_last else None,
        no_show_until=row.no_show_until if ranked_last else None,
        said_free=bool(row.said_free),
    )


def _ranked_last(no_show_until: datetime | None, now: datetime) -> bool:
    return no_show_until is not None and no_show_until > now
