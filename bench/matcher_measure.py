"""The matcher bench's timings: the production matcher, the naive way and the reference it
replaced, each ranking the same orders; EXPLAIN of their plans and the density at Moscow's
centre.
"""

import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import psycopg
import stage
from matcher_seed import (
    DB_NAME,
    DB_URL,
    DISTANCE_WEIGHT,
    LIMIT,
    NOW,
    RADIUS_M,
    RATING_WEIGHT,
    BenchOrder,
    City,
    haversine_m,
)
from sqlalchemy import text
from sqlalchemy.orm import Session

from core.db import get_sessionmaker, make_engine
from dispatch.fill.matcher import find_candidates

# ---------------------------------------------------------------------------------------------
# Timing


@dataclass(frozen=True)
class Stats:
    n: int
    p50: float
    p95: float
    p99: float
    max: float
    mean: float

    @classmethod
    def of(cls, ms: list[float]) -> "Stats":
        q = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else ms * 99
        return cls(len(ms), q[49], q[94], q[98], max(ms), statistics.fmean(ms))


Ranker = Callable[[Session, BenchOrder], list[int]]


def sql_ranker(session: Session, order: BenchOrder) -> list[int]:
    return [c.worker_id for c in find_candidates(session, **order.params())]


def time_ranker(
    ranker: Ranker, orders: list[BenchOrder], warm_up: bool = True, settings: str = ""
) -> tuple[list[float], dict[int, list[int]]]:
    """Milliseconds per order and each order's ranked worker ids, after a warm-up pass.

    One pooled connection, as a worker process has. It commits between the passes (as
    session_scope does): a rollback would make psycopg deallocate its prepared statements,
    and the steady state is a statement prepared after 5 runs, on PostgreSQL's generic plan.
    settings: SET commands for this pass only (RESET afterwards), e.g. "SET jit = off".
    """
    with get_sessionmaker()() as session:
        if settings:
            session.execute(text(settings))
        if warm_up:
            for order in orders:
                ranker(session, order)
            session.commit()
        times, results = [], {}
        for order in orders:
            started = time.perf_counter()
            results[order.order_id] = ranker(session, order)
            times.append((time.perf_counter() - started) * 1000)
        session.commit()
        if settings:
            session.execute(text("RESET ALL"))
            session.commit()
    return times, results


def first_runs_note(orders: list[BenchOrder], city: str, runs: int = 10) -> str:
    """The matcher's first runs on a fresh connection (the app's engine: JIT off), before psycopg
    prepares it (5 runs) and PostgreSQL settles on a generic plan (5 more): custom plans."""
    engine = make_engine(DB_URL)
    times = []
    try:
        with Session(engine) as session:
            for order in [o for o in orders if o.branch == city][:runs]:
                started = time.perf_counter()
                sql_ranker(session, order)
                times.append((time.perf_counter() - started) * 1000)
    finally:
        engine.dispose()
    stats = Stats.of(times)
    return (
        f"first {len(times)} runs on a fresh connection, {city} orders (custom plans):"
        f" p50 {stats.p50:.0f} ms, max {stats.max:.0f} ms; afterwards the generic plan above."
    )


# ---------------------------------------------------------------------------------------------
# The naive way: every worker with the skill into Python


NAIVE_WORKERS = text(
    """
    SELECT id, ST_Y(home::geometry) AS lat, ST_X(home::geometry) AS lon, rating, reliability,
           status, vetted, opted_out, phone_invalid, suspended_until
    FROM workers WHERE skills @> ARRAY[CAST(:skill AS varchar)]
    """
)
NAIVE_BUSY = text(
    """
    SELECT b.worker_id FROM offers b JOIN orders bo ON bo.id = b.order_id
    WHERE b.status = 'booked' AND bo.id <> :order_id
      AND bo.starts_at < :ends_at AND bo.ends_at > :starts_at
    UNION SELECT worker_id FROM client_blocks WHERE client_id = :client_id
    UNION SELECT worker_id FROM offers WHERE order_id = :order_id
    """
)


def naive_ranker(session: Session, order: BenchOrder) -> list[int]:
    params = order.params()
    busy = set(session.scalars(NAIVE_BUSY, params))
    scored = []
    for w in session.execute(NAIVE_WORKERS, params):
        if w.status != "active" or not w.vetted or w.opted_out or w.phone_invalid:
            continue
        if w.id in busy:
            continue
        if w.suspended_until is not None and w.suspended_until > NOW:
            continue
        distance = haversine_m(order.lat, order.lon, w.lat, w.lon)
        if distance > RADIUS_M:
            continue
        score = RATING_WEIGHT * float(w.rating) / 5.0 + DISTANCE_WEIGHT * max(
            0.0, 1.0 - distance / RADIUS_M
        )
        scored.append((-score, w.id))
    scored.sort()
    return [worker_id for _, worker_id in scored[:LIMIT]]


# ---------------------------------------------------------------------------------------------
# EXPLAIN and the density at Moscow's centre


CIRCLE_COUNTS = text(
    """
    SELECT count(*) AS workers,
           count(*) FILTER (WHERE w.status = 'active' AND w.vetted AND NOT w.opted_out
                              AND NOT w.phone_invalid
                              AND (w.suspended_until IS NULL OR w.suspended_until <= :now)
                              AND w.skills @> ARRAY[CAST(:skill AS varchar)]) AS eligible_skill
    FROM sites s JOIN workers w ON ST_DWithin(w.home, s.location, :radius_m, false)
    WHERE s.id = :site_id
    """
)


def centre_order(branches: list[City]) -> BenchOrder:
    """A loader order at the centre site of the most populous branch (Moscow): no such order id."""
    city = branches[0]
    return BenchOrder(0, 1, 1, city.name, "loader", city.lat, city.lon)


PARAM_TYPES = {
    "order_id": "integer",
    "site_id": "integer",
    "client_id": "integer",
    "skill": "varchar",
    "starts_at": "timestamptz",
    "ends_at": "timestamptz",
    "radius_m": "float8",
    "rating_weight": "float8",
    "distance_weight": "float8",
    "now": "timestamptz",
    "limit": "integer",
}


def explain(order: BenchOrder, sql: str, settings: str = "", generic: bool = True) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) of the generic plan (the one a prepared statement settles on)
    or of the custom plan (the first runs on a connection, planned for these values)."""
    names = list(PARAM_TYPES)
    body = re.sub(r"(?<![:\w]):(\w+)", lambda m: f"${names.index(m[1]) + 1}", sql)
    args = ", ".join(f"%({name})s" for name in names)  # bound client-side: EXECUTE takes no $n
    mode = "force_generic_plan" if generic else "force_custom_plan"
    with psycopg.connect(stage.libpq_url(DB_NAME), cursor_factory=psycopg.ClientCursor) as conn:
        conn.execute("SET jit = off")  # as the app's connections (core/db.py make_engine)
        conn.execute(settings or "SELECT 1")
        conn.execute(f"SET plan_cache_mode = {mode}")
        conn.execute(f"PREPARE bench_q ({', '.join(PARAM_TYPES.values())}) AS {body}")
        conn.execute(f"EXECUTE bench_q({args})", order.params()).fetchall()  # warm
        rows = conn.execute(f"EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_q({args})", order.params())
        return [row[0] for row in rows]


def circle_counts(order: BenchOrder) -> tuple[int, int]:
    with get_sessionmaker()() as session:
        row = session.execute(CIRCLE_COUNTS, order.params()).one()
    return row.workers, row.eligible_skill


# ---------------------------------------------------------------------------------------------
# The reference: rank every eligible worker in the circle (GiST radius search, then sort).
# This was the first production matcher; it is kept here to show what the grid-cell walk
# buys and to check that the walk returns exactly the same ranked top 50.

REFERENCE_SQL = """
    SELECT w.id AS worker_id
    FROM sites s
    JOIN workers w ON ST_DWithin(w.home, s.location, :radius_m, false)
    WHERE s.id = :site_id
      AND w.status = 'active' AND w.vetted AND NOT w.opted_out AND NOT w.phone_invalid
      AND (w.suspended_until IS NULL OR w.suspended_until <= :now)
      AND w.skills @> ARRAY[CAST(:skill AS varchar)]
      AND NOT EXISTS (
            SELECT 1 FROM offers b JOIN orders bo ON bo.id = b.order_id
            WHERE b.worker_id = w.id AND b.status = 'booked' AND bo.id <> :order_id
              AND bo.starts_at < :ends_at AND bo.ends_at > :starts_at)
      AND NOT EXISTS (
            SELECT 1 FROM client_blocks cb
            WHERE cb.client_id = :client_id AND cb.worker_id = w.id)
      AND NOT EXISTS (
            SELECT 1 FROM offers o WHERE o.order_id = :order_id AND o.worker_id = w.id)
    ORDER BY :rating_weight * w.rating / 5.0
             + :distance_weight * GREATEST(0.0, 1.0 - ST_Distance(w.home, s.location, false)
                                                     / :radius_m)
             - CASE WHEN w.no_show_until > :now
                    THEN :rating_weight + :distance_weight + 1.0 ELSE 0.0 END
             + CASE WHEN EXISTS (
                    SELECT 1 FROM worker_availability wa
                    WHERE wa.worker_id = w.id AND wa.day = CAST(:starts_at AS date) AND wa.free)
                    THEN 2.0 * (:rating_weight + :distance_weight + 1.0) ELSE 0.0 END DESC, w.id
    LIMIT :limit
"""


def reference_ranker(session: Session, order: BenchOrder) -> list[int]:
    return list(session.scalars(text(REFERENCE_SQL), order.params()))


def compare(reference: dict[int, list[int]], other: dict[int, list[int]]) -> tuple[int, float]:
    """Orders with the identical ranked list, and the mean share of the top 50 in common."""
    same = sum(reference[k] == other[k] for k in reference)
    overlap = [
        len(set(reference[k]) & set(other[k])) / max(1, len(reference[k])) for k in reference
    ]
    return same, statistics.fmean(overlap)
