"""The matcher bench's data: Russian cities, a synthetic population of workers around them,
the branches with their bookings and blocks, and the benchmark's orders, in its own database
(brigada_bench: created, migrated with the project's Alembic scripts and loaded by COPY;
reused while the worker count and seed match).

The database settings are taken here, before the project is first imported.
"""

import csv
import math
import os
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import stage

DB_NAME = "brigada_bench"
DB_URL = f"postgresql+psycopg://{stage.SERVER}/{DB_NAME}"
os.environ["BRIGADA_ENV"] = "dev"
os.environ["BRIGADA_DATABASE_URL"] = DB_URL

import psycopg  # noqa: E402

from dispatch.registry.demo import SKILL_WEIGHTS, ZONES, load_names  # noqa: E402
from dispatch.registry.knobs import DEFAULTS  # noqa: E402
from workers.skills import SKILLS  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CITIES_CSV = ROOT.parent / "shared" / "data" / "russian_cities.csv"
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
