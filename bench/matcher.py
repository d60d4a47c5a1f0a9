"""Matcher benchmark: how fast dispatch.fill.matcher.find_candidates ranks workers at Russian scale.

What it measures
    The production matcher (MATCHER_SQL through find_candidates, a real SQLAlchemy session,
    top 50, every eligibility filter, warm cache) on N workers (default 1,000,000) spread
    around Russian cities in proportion to population, for random orders whose sites are drawn
    in proportion to city population too (so Moscow and St Petersburg dominate, as in life).
    It reports p50 / p95 / p99 / max / mean in ms, overall and for Moscow only, prints
    EXPLAIN (ANALYZE, BUFFERS) for a query at Moscow's centre, and times the naive way
    (load every worker with the skill, haversine in Python) on a subset of the same orders.

    It also times the reference it replaced (a GiST radius search that ranks every eligible
    worker in the circle) on the same orders, and checks that both return the same ranked
    top 50 for every order.

How to run (from the repository root; PostgreSQL + PostGIS on 127.0.0.1:5432, user postgres)
    .venv/bin/python bench/matcher.py                     # 1M workers, 500 orders
    .venv/bin/python bench/matcher.py --workers 100000 --orders 200 --naive-orders 20
    .venv/bin/python bench/matcher.py --reload            # drop and rebuild brigada_bench
    .venv/bin/python bench/matcher.py --free-share 0.05 --naive-orders 0  # 5% texted FREE

    Everything lives in its own database, brigada_bench (created, migrated with the project's
    Alembic scripts and loaded by COPY on first run; reused while the worker count and seed
    match). Figures go to stdout and to bench/results/matcher.txt.
"""

import argparse
import math
import os
import random
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import stage

DB_NAME = "brigada_bench"
DB_URL = f"postgresql+psycopg://{stage.SERVER}/{DB_NAME}"
os.environ["BRIGADA_ENV"] = "dev"
os.environ["BRIGADA_DATABASE_URL"] = DB_URL

import csv  # noqa: E402

import psycopg  # noqa: E402
from alembic import command  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from brigada.cli import alembic_config  # noqa: E402
from core.db import get_sessionmaker, make_engine  # noqa: E402
from dispatch.fill.matcher import MATCHER_SQL, find_candidates  # noqa: E402
from dispatch.registry.demo import SKILL_WEIGHTS, ZONES, load_names  # noqa: E402
from dispatch.registry.knobs import DEFAULTS  # noqa: E402
from workers.skills import SKILLS  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CITIES_CSV = ROOT.parent / "shared" / "data" / "russian_cities.csv"
RESULTS = ROOT / "bench" / "results" / "matcher.txt"
LOADER_VERSION = 2  # bump when the generated data changes, so old databases get reloaded

# The benchmark's fixed clock, so reused data means the same thing on every run.
SHIFT_START = datetime(2027, 3, 15, 6, 0, tzinfo=UTC)  # 09:00 in Moscow
SHIFT_END = SHIFT_START + timedelta(hours=8)
NOW = SHIFT_START - timedelta(hours=18)

BRANCH_MIN_POPULATION = 200_000
RADIUS_M = 10_000.0  # the branch default search radius
RATING_WEIGHT, DISTANCE_WEIGHT = 0.8, 0.2
LIMIT = 50
SITE_SCATTER_KM = 5.0
BENCH_ID_BASE = 100_000  # benchmark sites and orders get ids from here; redrawn every run
EARTH_RADIUS_M = 6_371_008.8  # PostGIS's sphere (use_spheroid => false)

# Why a worker can or cannot be offered work: ~20% are kept out, each for one reason.
STATES = {"eligible": 80, "not_vetted": 8, "opted_out": 4, "blocked": 3, "suspended": 5}
PAST_SUSPENSION = 0.03  # of the eligible: served a suspension already
BOOKED_OVERLAPPING, BOOKED_DAY_BEFORE, BLOCKED_BY_CLIENT = 0.05, 0.03, 0.001
ORDER_SKILLS = {"loader": 60, "mover": 25, "warehouse_picker": 5, "handyman": 5, "packer": 5}


# ---------------------------------------------------------------------------------------------
# Cities and the synthetic population


@dataclass(frozen=True)
class City:
    name: str
    lat: float
    lon: float
    population: int
    timezone: str

    @property
    def radius_km(self) -> float:
        # As dispatch.registry.demo: ~27 km for Moscow, 6 km for a small town.
        return max(6.0, 2.5 * math.sqrt(self.population / 100_000))


def load_cities(path: Path) -> list[City]:
    """Every city of the file, largest first."""
    with path.open(encoding="utf-8") as handle:
        cities = [
            City(
                name=row["city"] or row["region"],
                lat=float(row["geo_lat"]),
                lon=float(row["geo_lon"]),
                population=int(row["population"]),
                timezone=ZONES[int(row["timezone"].removeprefix("UTC"))],
            )
            for row in csv.DictReader(handle)
        ]
    return sorted(cities, key=lambda c: -c.population)


def offset(lat: float, lon: float, distance_km: float, bearing: float) -> tuple[float, float]:
    dlat = distance_km / 111.32 * math.cos(bearing)
    dlon = distance_km / (111.32 * math.cos(math.radians(lat))) * math.sin(bearing)
    return round(lat + dlat, 6), round(lon + dlon, 6)


def scatter(rng: random.Random, city: City) -> tuple[float, float]:
    """A home around the centre; uniform distance, so density falls off as 1/r
    (dispatch.registry.demo).

    Moscow gets ~37% of its workers within 10 km of the centre: ~43,000 of 1M in all.
    """
    return offset(city.lat, city.lon, city.radius_km * rng.random(), rng.uniform(0, 2 * math.pi))


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def ewkt(lat: float, lon: float) -> str:
    return f"SRID=4326;POINT({lon} {lat})"


def nearest(city: City, branches: list[City]) -> int:
    """1-based index of the branch city nearest to city (its branch id)."""
    distances = [haversine_m(city.lat, city.lon, b.lat, b.lon) for b in branches]
    return distances.index(min(distances)) + 1


def worker_skills(rng: random.Random) -> list[str]:
    """1-3 catalogue skills, loader the most common (dispatch.registry.demo's weights, 1 for
    the rest)."""
    weights = [SKILL_WEIGHTS.get(skill, 1) for skill in SKILLS]
    return sorted(set(rng.choices(SKILLS, weights, k=rng.choice((1, 1, 2, 2, 3)))))


COPY_COLUMNS = (
    "id, full_name, phone, home, skills, status, language, vetted, branch_id, opted_out,"
    " suspended_until, rating, reliability, strikes"
)


def worker_state(rng: random.Random) -> tuple[bool, bool, str, datetime | None]:
    """vetted, opted_out, status and suspended_until of one worker."""
    state = rng.choices(list(STATES), weights=list(STATES.values()))[0]
    suspended_until = None
    if state == "suspended":
        suspended_until = NOW + timedelta(hours=rng.randint(1, 14 * 24))
    elif state == "eligible" and rng.random() < PAST_SUSPENSION:
        suspended_until = NOW - timedelta(hours=rng.randint(1, 60 * 24))
    status = "blocked" if state == "blocked" else "active"
    return state != "not_vetted", state == "opted_out", status, suspended_until


def worker_rows(
    rng: random.Random, count: int, cities: list[City], branches: list[City]
) -> Iterator[tuple]:
    """COPY rows for the workers table (COPY_COLUMNS); each near a city drawn by population."""
    branch_of = [nearest(city, branches) for city in cities]
    names = load_names()
    picks = rng.choices(range(len(cities)), weights=[c.population for c in cities], k=count)
    for worker_id, pick in enumerate(picks, start=1):
        lat, lon = scatter(rng, cities[pick])
        vetted, opted_out, status, suspended_until = worker_state(rng)
        yield (
            worker_id,
            names.full_name(rng),
            f"+79{worker_id:09d}",
            ewkt(lat, lon),
            worker_skills(rng),
            status,
            "en" if rng.random() < 0.05 else "ru",
            vetted,
            branch_of[pick],
            opted_out,
            suspended_until,
            # dispatch.registry.demo's distributions
            f"{min(5.0, max(0.5, rng.gauss(3.8, 0.7))):.2f}",
            f"{min(0.99, max(0.3, rng.betavariate(8, 2))):.3f}",
            0 if rng.random() < 0.9 else rng.randint(1, 2),
        )


# ---------------------------------------------------------------------------------------------
# The bench database: create, migrate, load


def database_comment() -> str | None:
    """The load stamp of brigada_bench, or None when the database does not exist."""
    with psycopg.connect(stage.libpq_url("postgres"), autocommit=True) as conn:
        row = conn.execute(
            "SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database"
            " WHERE datname = %s",
            (DB_NAME,),
        ).fetchone()
    return None if row is None else row[0]


def stamp(workers: int, seed: int) -> str:
    return f"brigada matcher bench v{LOADER_VERSION}: workers={workers} seed={seed}"


def load_branches(conn: psycopg.Connection, branches: list[City]) -> None:
    """A branch, a client and a centre site per city; ids 1..n in the same order."""
    with conn.cursor() as cur:
        for branch_id, city in enumerate(branches, start=1):
            point = ewkt(city.lat, city.lon)
            knobs = ", ".join(DEFAULTS)  # every policy knob at its default (no column has one)
            cur.execute(
                f"INSERT INTO branches (id, code, name, timezone, center, {knobs})"
                f" VALUES (%s, %s, %s, %s, %s{', %s' * len(DEFAULTS)})",
                (
                    branch_id,
                    f"B{branch_id:03d}",
                    city.name,
                    city.timezone,
                    point,
                    *DEFAULTS.values(),
                ),
            )
            cur.execute(
                "INSERT INTO clients (id, branch_id, name) VALUES (%s, %s, %s)",
                (branch_id, branch_id, f"Клиент {city.name}"),
            )
            cur.execute(
                "INSERT INTO sites (id, client_id, name, address, location, geofence_m)"
                " VALUES (%s, %s, %s, %s, %s, 250)",
                (branch_id, branch_id, f"Центр {city.name}", city.name, point),
            )


def insert_order(
    cur: psycopg.Cursor,
    order_id: int,
    branch_id: int,
    site_id: int,
    skill: str,
    shift: tuple[datetime, datetime],
    status: str = "open",
) -> None:
    """An order of the branch's client (client id = branch id) for 10 people."""
    cur.execute(
        "INSERT INTO orders (id, code, branch_id, client_id, site_id, skill, headcount,"
        " starts_at, ends_at, client_rate, worker_rate, overbook_factor, overbooking_mode,"
        " fill_goal, booking_target, radius_m, status)"
        " VALUES (%s, %s, %s, %s, %s, %s, 10, %s, %s, 450, 350, 1.5, 'fixed', 0.95, 15, %s, %s)",
        (order_id, f"Q{order_id:07d}", branch_id, branch_id, site_id, skill, *shift)
        + (RADIUS_M, status),
    )


def book(cur: psycopg.Cursor, order_offset: int, worker_ids: list[int]) -> None:
    """Booked offers for these workers on their branch's order (id = branch id + offset)."""
    cur.execute(
        "INSERT INTO offers (order_id, worker_id, status, wave, rank, distance_m, score,"
        " rating, reliability, booked_at)"
        " SELECT w.branch_id + %s, w.id, 'booked', 1,"
        "        row_number() OVER (PARTITION BY w.branch_id ORDER BY w.id),"
        "        ST_Distance(w.home, b.center, false), 0.5, w.rating, w.reliability, %s"
        " FROM workers w JOIN branches b ON b.id = w.branch_id WHERE w.id = ANY(%s)",
        (order_offset, NOW, worker_ids),
    )


def load_bookings(
    conn: psycopg.Connection, rng: random.Random, workers: int, n_branches: int
) -> None:
    """Per branch an order overlapping the benchmark shift and one the day before, each with
    booked workers (only the first keeps them from the benchmark orders); client blocks."""
    overlapping = round(workers * BOOKED_OVERLAPPING)
    ids = rng.sample(range(1, workers + 1), overlapping + round(workers * BOOKED_DAY_BEFORE))
    day = timedelta(days=1)
    morning = (SHIFT_START - timedelta(hours=2), SHIFT_START + timedelta(hours=4))
    with conn.cursor() as cur:
        for branch in range(1, n_branches + 1):
            insert_order(cur, branch, branch, branch, "loader", morning, "filled")
            yesterday = (SHIFT_START - day, SHIFT_END - day)
            insert_order(cur, n_branches + branch, branch, branch, "loader", yesterday, "filled")
        book(cur, 0, ids[:overlapping])
        book(cur, n_branches, ids[overlapping:])
        cur.execute(
            "INSERT INTO client_blocks (client_id, worker_id, reason)"
            " SELECT w.branch_id, w.id, 'benchmark block' FROM workers w WHERE w.id = ANY(%s)",
            (rng.sample(range(1, workers + 1), max(1, round(workers * BLOCKED_BY_CLIENT))),),
        )


def mark_free(share: float, seed: int) -> int:
    """FREE texted for the benchmark's day by `share` of all workers, nationwide, drawn by a
    seeded random(): the matcher ranks them first, read apart from its walk of the cells."""
    with psycopg.connect(stage.libpq_url(DB_NAME), autocommit=True) as conn:
        conn.execute("DELETE FROM worker_availability")
        conn.execute("SELECT setseed(%s)", (1 / (seed % 1000 + 2),))
        marked = conn.execute(
            "INSERT INTO worker_availability (worker_id, day, free, said_at)"
            " SELECT id, %s, true, %s FROM workers WHERE random() < %s",
            (SHIFT_START.date(), NOW, share),
        ).rowcount
        conn.execute("ANALYZE worker_availability")
    return marked


def reset_sequences(conn: psycopg.Connection) -> None:
    for table in ("branches", "clients", "sites", "workers", "orders", "offers"):
        conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
            f" (SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
        )


def load(workers: int, seed: int, cities: list[City], branches: list[City]) -> float:
    """Rebuild brigada_bench with the synthetic network; the load time in seconds."""
    started = time.perf_counter()
    stage.recreate_database(DB_NAME)
    rng = random.Random(seed)
    with psycopg.connect(stage.libpq_url(DB_NAME)) as conn:
        load_branches(conn, branches)
        with conn.cursor() as cur, cur.copy(f"COPY workers ({COPY_COLUMNS}) FROM STDIN") as copy:
            for row in worker_rows(rng, workers, cities, branches):
                copy.write_row(row)
        print(f"  COPY of {workers:,} workers: {time.perf_counter() - started:.1f} s", flush=True)
        load_bookings(conn, rng, workers, len(branches))
        reset_sequences(conn)
    with psycopg.connect(stage.libpq_url(DB_NAME), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        seconds = time.perf_counter() - started
        conn.execute(
            f"COMMENT ON DATABASE {DB_NAME} IS '{stamp(workers, seed)} load_s={seconds:.1f}'"
        )
    return seconds


# ---------------------------------------------------------------------------------------------
# Benchmark orders


@dataclass(frozen=True)
class BenchOrder:
    order_id: int
    site_id: int
    branch_id: int  # and client id: each branch has one client, with the same id
    branch: str
    skill: str
    lat: float
    lon: float

    def params(self) -> dict:
        """find_candidates' keyword arguments for this order."""
        return {
            "order_id": self.order_id,
            "site_id": self.site_id,
            "client_id": self.branch_id,
            "skill": self.skill,
            "starts_at": SHIFT_START,
            "ends_at": SHIFT_END,
            "radius_m": RADIUS_M,
            "rating_weight": RATING_WEIGHT,
            "distance_weight": DISTANCE_WEIGHT,
            "now": NOW,
            "limit": LIMIT,
        }


def draw_orders(rng: random.Random, count: int, branches: list[City]) -> list[BenchOrder]:
    """Sites within a few km of branch centres, cities drawn by population."""
    picks = rng.choices(range(len(branches)), weights=[b.population for b in branches], k=count)
    orders = []
    for n, pick in enumerate(picks, start=1):
        city = branches[pick]
        distance_km = SITE_SCATTER_KM * math.sqrt(rng.random())  # uniform over the disc
        lat, lon = offset(city.lat, city.lon, distance_km, rng.uniform(0, 2 * math.pi))
        skill = rng.choices(list(ORDER_SKILLS), weights=list(ORDER_SKILLS.values()))[0]
        orders.append(
            BenchOrder(BENCH_ID_BASE + n, BENCH_ID_BASE + n, pick + 1, city.name, skill, lat, lon)
        )
    return orders


def store_orders(orders: list[BenchOrder]) -> None:
    """Replace the previous run's benchmark sites and orders with these."""
    with psycopg.connect(stage.libpq_url(DB_NAME)) as conn, conn.cursor() as cur:
        cur.execute("DELETE FROM orders WHERE id >= %s", (BENCH_ID_BASE,))
        cur.execute("DELETE FROM sites WHERE id >= %s", (BENCH_ID_BASE,))
        for o in orders:
            cur.execute(
                "INSERT INTO sites (id, client_id, name, address, location, geofence_m)"
                " VALUES (%s, %s, %s, %s, %s, 250)",
                (o.site_id, o.branch_id, f"bench site {o.site_id}", o.branch, ewkt(o.lat, o.lon)),
            )
            insert_order(cur, o.order_id, o.branch_id, o.site_id, o.skill, (SHIFT_START, SHIFT_END))
    with psycopg.connect(stage.libpq_url(DB_NAME), autocommit=True) as conn:
        conn.execute("ANALYZE sites, orders")


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


# ---------------------------------------------------------------------------------------------
# Report


@dataclass
class Report:
    """Lines for stdout and bench/results/matcher.txt, and the figures table."""

    lines: list[str]
    rows: list[str]

    def say(self, line: str = "") -> None:
        print(line, flush=True)
        self.lines.append(line)

    def row(self, label: str, stats: Stats) -> None:
        self.rows.append(
            f"| {label} | {stats.n} | {stats.p50:.1f} | {stats.p95:.1f} | {stats.p99:.1f}"
            f" | {stats.max:.1f} | {stats.mean:.1f} |"
        )

    def table(self) -> None:
        self.say("| query | orders | p50 ms | p95 ms | p99 ms | max ms | mean ms |")
        self.say("|---|---:|---:|---:|---:|---:|---:|")
        for row in self.rows:
            self.say(row)


def in_city(times: list[float], orders: list[BenchOrder], city: str) -> list[float]:
    return [t for t, o in zip(times, orders, strict=True) if o.branch == city]


def ensure_data(args: argparse.Namespace, cities: list[City], branches: list[City]) -> str:
    """Load brigada_bench unless it holds this worker count and seed; says how it went."""
    comment = database_comment()
    if not args.reload and comment and comment.startswith(stamp(args.workers, args.seed) + " "):
        command.upgrade(alembic_config(), "head")  # newer migrations apply to reused data too
        return f"reused ({comment.rsplit(' ', 1)[-1]} when loaded)"
    print(f"Loading {args.workers:,} workers into {DB_NAME} ...", flush=True)
    return f"loaded in {load(args.workers, args.seed, cities, branches):.1f} s (this run)"


def bench_production(report: Report, orders: list[BenchOrder], city: str) -> tuple:
    """find_candidates on every order; its times and results."""
    print("Timing find_candidates ...", flush=True)
    times, results = time_ranker(sql_ranker, orders)
    report.row("SQL `find_candidates`, all orders", Stats.of(times))
    report.row(f"SQL `find_candidates`, {city} only", Stats.of(in_city(times, orders, city)))
    return times, results


def bench_naive(
    report: Report, orders: list[BenchOrder], sql_times: list[float], sql_results: dict
) -> str:
    """The naive way on the first orders; the comparison line."""
    print(f"Timing the naive way on {len(orders)} orders ...", flush=True)
    times, results = time_ranker(naive_ranker, orders, warm_up=False)
    naive, sql = Stats.of(times), Stats.of(sql_times[: len(orders)])
    same, overlap = compare({k: sql_results[k] for k in results}, results)
    report.row("naive Python (haversine), first orders", naive)
    report.row("SQL `find_candidates`, same orders", sql)
    return (
        f"naive / SQL on the same {len(orders)} orders: p50 x{naive.p50 / sql.p50:.0f},"
        f" mean x{naive.mean / sql.mean:.0f}; same ranked top {LIMIT} for"
        f" {same}/{len(orders)} orders ({overlap:.1%} of ids in common)."
    )


def bench_reference(report: Report, orders: list[BenchOrder], city: str, sql_results: dict) -> str:
    """The rank-everything GiST query on the same orders: its times and the exactness check."""
    print("Timing the reference (GiST, rank everyone) ...", flush=True)
    times, results = time_ranker(reference_ranker, orders)
    report.row("reference: GiST radius, rank everyone, all orders", Stats.of(times))
    report.row(
        f"reference: GiST radius, rank everyone, {city} only",
        Stats.of(in_city(times, orders, city)),
    )
    same, overlap = compare(results, sql_results)
    return (
        f"find_candidates returns the same ranked top {LIMIT} as the reference for"
        f" {same}/{len(orders)} orders ({overlap:.2%} of ids in common)."
    )


def main() -> None:
    args = parse_args()
    cities = load_cities(args.cities)
    branches = [c for c in cities if c.population >= BRANCH_MIN_POPULATION]
    moscow = branches[0].name
    load_note = ensure_data(args, cities, branches)
    orders = draw_orders(random.Random(args.seed + 1), args.orders, branches)
    store_orders(orders)
    free = mark_free(args.free_share, args.seed)
    centre = centre_order(branches)
    in_circle, eligible = circle_counts(centre)

    report = Report([], [])
    report.say(f"# Matcher benchmark ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)")
    report.say()
    report.say(
        f"{args.workers:,} workers around {len(cities)} Russian cities, {len(branches)}"
        f" branches; data {load_note}; {os.cpu_count()} cores."
    )
    report.say(
        f"{len(orders)} orders drawn by city population ({sum(o.branch == moscow for o in orders)}"
        f" in {moscow}), sites <= {SITE_SCATTER_KM:g} km from the centre,"
        f" radius {RADIUS_M / 1000:g} km, top {LIMIT}, all filters, warm cache."
    )
    report.say(
        f"{moscow} centre, 10 km: {in_circle:,} workers, {eligible:,} of them eligible loaders"
        " (before bookings and blocks)."
    )
    report.say(f"{free:,} workers ({args.free_share:.0%}) texted FREE for the shift's day.")
    sql_times, sql_results = bench_production(report, orders, moscow)
    notes = [first_runs_note(orders, moscow)]
    if args.naive_orders:
        naive = orders[: args.naive_orders]
        notes.append(bench_naive(report, naive, sql_times, sql_results))
    notes.append(bench_reference(report, orders, moscow, sql_results))
    plans = [
        ("production matcher, generic plan (steady state)", explain(centre, MATCHER_SQL.text)),
        (
            "production matcher, custom plan (a connection's first runs)",
            explain(centre, MATCHER_SQL.text, generic=False),
        ),
        ("reference (GiST radius, rank everyone)", explain(centre, REFERENCE_SQL)),
    ]
    cells = all(any("ix_workers_cell_rating" in line for line in plan) for _, plan in plans[:2])
    gist = any("idx_workers_home" in line for line in plans[2][1])
    notes.append(
        f"Index-only walk of ix_workers_cell_rating in both production plans: "
        f"{'yes' if cells else 'NO'}; GiST idx_workers_home in the reference: "
        f"{'yes' if gist else 'NO'}."
    )

    report.say()
    report.table()
    for note in notes:
        report.say()
        report.say(note)
    for title, plan in plans:
        report.say()
        report.say(f"EXPLAIN (ANALYZE, BUFFERS), {title}, loader order at {moscow}'s centre:")
        for line in plan:
            report.say("    " + line)
    results = RESULTS.with_stem(f"matcher-free{args.free_share:g}") if free else RESULTS
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text("\n".join(report.lines) + "\n", encoding="utf-8")
    print(f"\nwritten to {results.relative_to(ROOT)}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=500)
    parser.add_argument("--naive-orders", type=int, default=50, help="0 skips the naive way")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--free-share", type=float, default=0.0, help="share of workers who texted FREE"
    )
    parser.add_argument("--reload", action="store_true", help="rebuild the bench database")
    parser.add_argument("--cities", type=Path, default=CITIES_CSV)
    args = parser.parse_args()
    if args.orders < 2 or args.workers < 1000:
        parser.error("needs at least 2 orders and 1000 workers")
    return args


if __name__ == "__main__":
    sys.exit(main())
