"""Console pages benchmark: how fast the console's GET pages answer on a busy branch.

What it measures
    The real API (`python -m brigada.cli api`: uvicorn, --web-concurrency processes, default
    2 as deployed) on one branch of --workers workers (default 5,000) around a city of
    ../shared/data/russian_cities.csv, with --clients clients, 3 sites each, staff, and
    --orders orders (default 2,000) spread over --days-back past days and --days-ahead coming
    days, each with its offers, replies, bookings, attendance, texts and penalties in the
    proportions of an ordinary month (seed(): about 55,000 offers and 150,000 messages).
    It signs in through the console's own form (GET /console/login for the CSRF cookie, POST
    /console/login: a real session cookie) as the branch's dispatcher, and as a foreman for
    the foreman's pages, then for each page of PAGES below: --warmup requests not counted,
    then --requests requests one after another on one keep-alive connection (one person at a
    time: the figure is the page's own time, not a queue's), each timed from the request to
    the last byte. A page with a placeholder ({order}, {worker}...) walks round-robin through
    a few real ids of that kind (picks()). Any answer but 200 stops the bench.
    It prints p50 / p95 / p99 / max per page and whether p95 meets the target (150 ms), the
    machine's load average before and after, and the share of the two cores the API and
    everything else used while it measured (other helpers' tests move the tail on 2 cores).

How to run (from the repository root; PostgreSQL + PostGIS on 127.0.0.1:5432, user postgres;
Redis on 127.0.0.1:6379)
    .venv/bin/python bench/console.py                    # ~3 min on a reused database
    .venv/bin/python bench/console.py --reload           # rebuild brigada_bench_console
    .venv/bin/python bench/console.py --requests 50 --only board order worker-profile

    Everything lives in its own database, brigada_bench_console (created, migrated with the
    project's Alembic scripts and seeded on first run, in ~1 min; reused while its stamp,
    which holds the seeding's UTC day and the counts, matches: the data is laid around "now",
    so a new day rebuilds it) and Redis db 9 (flushed at the start and the end). The API's
    worker-read quota is raised for the run (BRIGADA_WORKER_READS_RATE): the bench reads more
    profiles in a minute than a person is allowed to in an hour. The API's log goes to
    bench/results/console-api.log, the figures to stdout and bench/results/console.txt.
"""

import argparse
import contextlib
import csv
import math
import os
import random
import signal
import statistics
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import stage

# -- the pages -------------------------------------------------------------------------------
# (name, who asks, path). A new console page is one line here. Placeholders are filled
# round-robin from picks(): {order} today's orders, {past_order} last week's completed ones,
# {coming_order} tomorrow's, {worker} workers with a history, {foreman_order} the foreman's
# shifts of today, {client} and {site} the busiest, {branch} the branch.
PAGES: list[tuple[str, str, str]] = [
    ("board", "dispatcher", "/console/"),
    ("board rows", "dispatcher", "/console/board/rows"),
    ("order", "dispatcher", "/console/orders/{order}"),
    ("order live", "dispatcher", "/console/orders/{order}/live"),
    ("order, tomorrow's", "dispatcher", "/console/orders/{coming_order}"),
    ("order, completed", "dispatcher", "/console/orders/{past_order}"),
    ("new order form", "dispatcher", "/console/orders/new"),
    ("workers search, empty", "dispatcher", "/console/workers"),
    ("workers search, name", "dispatcher", "/console/workers?q=Иван"),
    ("workers search, phone", "dispatcher", "/console/workers?q=997000"),
    ("worker profile", "dispatcher", "/console/workers/{worker}"),
    ("message log", "dispatcher", "/console/messages"),
    ("message log, a worker", "dispatcher", "/console/messages?worker_id={worker}"),
    ("phone", "dispatcher", "/console/phone"),
    ("phone, a worker", "dispatcher", "/console/phone/{worker}"),
    ("staff", "manager", "/console/staff"),
    ("foreman", "foreman", "/console/foreman"),
    ("foreman close", "foreman", "/console/foreman/orders/{foreman_order}/close"),
    # issue 17: the office around the engine
    ("foreman reviews", "foreman", "/console/foreman/orders/{foreman_order}/reviews"),
    ("order change form", "dispatcher", "/console/orders/{coming_order}/edit"),
    ("order named booking", "dispatcher", "/console/orders/{coming_order}/book?book_q=Иван"),
    ("order repeat", "dispatcher", "/console/orders/{coming_order}/repeat"),
    ("clients", "dispatcher", "/console/clients"),
    ("clients search", "dispatcher", "/console/clients?q=О"),
    ("a client", "dispatcher", "/console/clients/{client}"),
    ("a site", "dispatcher", "/console/sites/{site}"),
    ("new worker form", "dispatcher", "/console/workers/new"),
    ("worker vetting", "dispatcher", "/console/workers/{worker}/vetting"),
    ("worker standing", "dispatcher", "/console/workers/{worker}/standing"),
    ("patents expiring", "dispatcher", "/console/workers/patents"),
    ("worker import", "dispatcher", "/console/workers/import"),
    ("branch settings", "manager", "/console/branches/{branch}/settings"),
    ("SMS texts", "manager", "/console/branches/{branch}/texts"),
]
TARGET_P95_MS = 150.0

DB_NAME = "brigada_bench_console"
REDIS_DB = 9
PORT = stage.free_port()
SETTINGS = stage.settings(database=DB_NAME, redis_db=REDIS_DB, port=PORT)
SETTINGS["BRIGADA_WORKER_READS_RATE"] = "1000000/hour"
BASE_URL = SETTINGS["BRIGADA_PUBLIC_URL"]
stage.take(SETTINGS)
sys.path.insert(0, str(stage.ROOT))  # this checkout's code and migrations, as the API runs it

import httpx  # noqa: E402
import psycopg  # noqa: E402
import redis  # noqa: E402
from psycopg import sql  # noqa: E402

from core.db import session_scope  # noqa: E402
from core.tenancy import SYSTEM  # noqa: E402
from dispatch.registry import clients as client_registry  # noqa: E402
from dispatch.registry import demo, staff  # noqa: E402
from dispatch.registry import service as registry  # noqa: E402
from dispatch.registry import sites as site_registry  # noqa: E402
from geo.points import Point  # noqa: E402
from workers.skills import SKILLS  # noqa: E402

CITIES_CSV = stage.ROOT.parent / "shared" / "data" / "russian_cities.csv"
LOADER_VERSION = 2  # bump when the generated data changes, so old databases get reloaded
PASSWORD = "bench-console-not-a-secret"  # the bench database's staff only, on 127.0.0.1
DISPATCHER, FOREMAN = "bench-dispatcher", "bench-foreman"
USERS = {"dispatcher": DISPATCHER, "foreman": FOREMAN, "manager": "bench-manager"}
SITES_PER_CLIENT = 3
HEADCOUNTS = (2, 3, 4, 5, 6, 8, 10, 10, 12, 15, 20)
OVERBOOK = 1.3
EARTH_RADIUS_M = 6_371_008.8


# -- seeding ---------------------------------------------------------------------------------


@dataclass
class City:
    name: str
    center: Point
    timezone: str


def find_city(name: str) -> City:
    with CITIES_CSV.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if (row["city"] or row["region"]) == name:
                zone = demo.ZONES[int(row["timezone"].removeprefix("UTC"))]
                point = Point(lat=float(row["geo_lat"]), lon=float(row["geo_lon"]))
                return City(name, point, zone)
    raise SystemExit(f"{name!r} is not a city of {CITIES_CSV}")


def metres(a: Point, b: Point) -> float:
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b.lon - a.lon) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def stamp(args: argparse.Namespace) -> str:
    return (
        f"brigada console bench v{LOADER_VERSION}: day={datetime.now(UTC):%Y-%m-%d}"
        f" city={args.city} workers={args.workers} orders={args.orders} clients={args.clients}"
        f" days={args.days_back}/{args.days_ahead} seed={args.seed}"
    )


def database_comment() -> str | None:
    with psycopg.connect(stage.libpq_url("postgres"), autocommit=True) as conn:
        row = conn.execute(
            "SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database"
            " WHERE datname = %s",
            (DB_NAME,),
        ).fetchone()
    return None if row is None else row[0]


def seed_registry(city: City, clients: int, rng: random.Random) -> dict:
    """The branch, its clients and sites and staff, through the domain's own functions."""
    with session_scope() as session:
        branch = registry.create_branch(
            session,
            actor=SYSTEM,
            code=demo.branch_code(city.name),
            name=city.name,
            timezone=city.timezone,
            center=city.center,
        )
        users = {}
        for username, role in [
            (DISPATCHER, "dispatcher"),
            ("bench-dispatcher-2", "dispatcher"),
            ("bench-dispatcher-3", "dispatcher"),
            ("bench-manager", "manager"),
            (FOREMAN, "foreman"),
            *((f"bench-foreman-{n}", "foreman") for n in range(2, 7)),
        ]:
            users[username] = staff.create_user(
                session,
                actor=SYSTEM,
                username=username,
                password=PASSWORD,
                role=role,
                branch_id=branch.id,
                full_name=f"Сотрудник {username}",
            ).id
        foremen = [users[FOREMAN], *(users[f"bench-foreman-{n}"] for n in range(2, 7))]
        sites = []
        for n in range(clients):
            client = client_registry.create_client(
                session, actor=SYSTEM, branch_id=branch.id, name=f"ООО Клиент {n + 1}"
            )
            for k in range(SITES_PER_CLIENT):
                location = stage.near(city.center, rng, 12.0)
                site = site_registry.create_site(
                    session,
                    actor=SYSTEM,
                    client_id=client.id,
                    name=f"Площадка {n + 1}.{k + 1}",
                    address=f"ул. Складская, {n * 10 + k + 1}",
                    location=location,
                    foreman_id=foremen[(n * SITES_PER_CLIENT + k) % len(foremen)],
                )
                sites.append((site.id, client.id, location))
        return {"branch_id": branch.id, "users": users, "sites": sites}


def worker_rows(rng: random.Random, count: int, city: City, branch_id: int) -> list[tuple]:
    names = demo.load_names()
    weights = [demo.SKILL_WEIGHTS.get(skill, 1) for skill in SKILLS]
    rows = []
    for i in range(1, count + 1):
        home = stage.near(city.center, rng, 20.0)
        skills = sorted(set(rng.choices(SKILLS, weights, k=rng.choice((1, 1, 2, 2, 3)))))
        state = rng.random()
        rows.append(
            (
                names.full_name(rng),
                f"+7997{i:07d}",
                home.ewkt(),
                skills,
                "blocked" if state < 0.02 else "active",
                "en" if rng.random() < 0.05 else "ru",
                state > 0.10,  # vetted
                branch_id,
                0.02 <= state < 0.05,  # opted out
                f"{min(5.0, max(0.5, rng.gauss(3.8, 0.7))):.2f}",
                f"{min(0.99, max(0.3, rng.betavariate(8, 2))):.3f}",
                home,
            )
        )
    return rows


OFFER_COLUMNS = (
    "order_id, worker_id, status, wave, rank, distance_m, score, rating, reliability,"
    " answered_at, answer_source, booked_at, created_at, confirm_asked_at, confirmed_at,"
    " reminded_at, attendance, arrived_at, left_at, attendance_by"
)
MESSAGE_COLUMNS = (
    "direction, worker_id, order_id, offer_id, kind, phone, body, encoding, segments, status,"
    " provider_sid, sent_at, created_at"
)


def seed(args: argparse.Namespace) -> float:
    """Rebuild the bench database; the seconds it took."""
    started = time.perf_counter()
    rng = random.Random(args.seed)
    city = find_city(args.city)
    stage.recreate_database(DB_NAME)
    scene = seed_registry(city, args.clients, rng)
    branch_id, dispatcher = scene["branch_id"], scene["users"][DISPATCHER]
    site_foreman = {}
    with psycopg.connect(stage.libpq_url(DB_NAME)) as conn:
        for site_id, foreman_id in conn.execute("SELECT id, foreman_id FROM sites"):
            site_foreman[site_id] = foreman_id
    workers = worker_rows(rng, args.workers, city, branch_id)
    with psycopg.connect(stage.libpq_url(DB_NAME)) as conn:
        with (
            conn.cursor() as cur,
            cur.copy(
                "COPY workers (full_name, phone, home, skills, status, language, vetted,"
                " branch_id, opted_out, rating, reliability) FROM STDIN"
            ) as copy,
        ):
            for row in workers:
                copy.write_row(row[:-1])
        ids = [r[0] for r in conn.execute("SELECT id FROM workers ORDER BY id")]
    people = [
        {"id": wid, "phone": w[1], "skills": w[3], "rating": w[9], "rel": w[10], "home": w[11]}
        for wid, w in zip(ids, workers, strict=True)
        if w[4] == "active" and w[6] and not w[8]
    ]
    by_skill = {skill: [p for p in people if skill in p["skills"]] for skill in SKILLS}
    skill_weights = {s: demo.SKILL_WEIGHTS.get(s, 1) for s in SKILLS if len(by_skill[s]) >= 60}

    now = datetime.now(UTC)
    zone = ZoneInfo(city.timezone)
    today = now.astimezone(zone).date()
    days = list(range(-args.days_back, args.days_ahead + 1))
    order_rows, offer_rows, penalty_rows = [], [], []
    used_per_day: dict[int, set[int]] = {d: set() for d in days}
    codes, next_code = set(), 100
    for order_id in range(1, args.orders + 1):
        # Today and tomorrow busier than the rest, as the board sees them.
        day = rng.choices(days, [3 if d in (0, 1) else 1 for d in days])[0]
        local = datetime.combine(today + timedelta(days=day), datetime.min.time(), zone)
        starts = (local + timedelta(hours=rng.choice((6, 7, 8, 8, 9, 9, 10, 14, 20)))).astimezone(
            UTC
        )
        ends = starts + timedelta(hours=rng.choice((8, 8, 10, 12)))
        site_id, client_id, site_point = rng.choice(scene["sites"])
        skill = rng.choices(list(skill_weights), list(skill_weights.values()))[0]
        headcount = rng.choice(HEADCOUNTS)
        target = math.ceil(headcount * OVERBOOK)
        created = starts - timedelta(hours=rng.uniform(12, 96))
        if starts < now - timedelta(hours=20):
            status = "cancelled" if rng.random() < 0.04 else "completed"
        elif starts < now:
            status = "in_progress"
        elif day <= 1:
            status = rng.choices(("filled", "filling", "short"), (70, 25, 5))[0]
        else:
            status = rng.choices(("filled", "filling", "open"), (40, 50, 10))[0]
        code = str(rng.randint(100, 999))
        if status not in ("completed", "cancelled"):  # unique among live orders
            while str(next_code) in codes:
                next_code += 1
            code = str(next_code)
            codes.add(code)
        closed_at = ends + timedelta(hours=1) if status == "completed" else None
        order_rows.append(
            (order_id, code, branch_id, client_id, site_id, skill, headcount, starts, ends,
             "450.00", "350.00", str(OVERBOOK), "fixed", "0.950", target, status,
             1, 10000, dispatcher, created, closed_at, ends if closed_at else None)
        )  # fmt: skip
        if status == "cancelled" or (status == "open" and rng.random() < 0.5):
            continue
        # Wave 1: twice the target, nearest-ish workers of the skill not busy that day.
        pool = [p for p in by_skill[skill] if p["id"] not in used_per_day[day]]
        offered = rng.sample(pool, min(len(pool), 2 * target))
        used_per_day[day].update(p["id"] for p in offered)
        open_now = status in ("open", "filling")
        booked_n = target if status in ("filled", "completed", "in_progress") else 0
        if status == "filling":
            booked_n = rng.randint(target // 3, target - 1)
        elif status == "short":
            booked_n = rng.randint(headcount // 2, headcount - 1)
        for rank, p in enumerate(offered, start=1):
            sent = created + timedelta(minutes=rng.uniform(0, 2))
            answered = sent + timedelta(minutes=rng.expovariate(1 / 8))
            fate = "booked" if rank <= booked_n else None
            if fate is None:
                roll = rng.random()
                if open_now and roll < 0.4:
                    fate = "sent"
                elif roll < 0.55:
                    fate = "declined"
                elif roll < 0.7:
                    fate = "standby"
                else:
                    fate = "expired"
            attendance = arrived = left = by = None
            if fate == "booked" and status == "completed":
                roll = rng.random()
                attendance = "no_show" if roll < 0.05 else "left_early" if roll < 0.08 else None
                if attendance is None:
                    attendance = "arrived" if rank <= headcount else "released"
            elif fate == "booked" and status == "in_progress" and rng.random() < 0.7:
                attendance = "arrived"
            if attendance in ("arrived", "left_early", "released"):
                arrived = starts + timedelta(minutes=rng.uniform(-15, 20))
                left = ends if attendance != "left_early" else ends - timedelta(hours=3)
            if attendance == "arrived" and status == "in_progress":
                left = None
            if attendance:
                by = site_foreman[site_id]
            if attendance == "no_show":
                penalty_rows.append(
                    (p["id"], order_id, "no_show", 1, "300.00", "RUB", starts + timedelta(hours=1))
                )
            answered_at = answered if fate in ("booked", "declined", "standby") else None
            booked_at = answered if fate == "booked" else None
            confirm = starts - timedelta(hours=12) if booked_at and starts < now else None
            offer_rows.append(
                (order_id, p["id"], fate, 1, rank, round(metres(site_point, p["home"])), 0.5,
                 p["rating"], p["rel"], answered_at, "sms" if answered_at else None, booked_at,
                 sent, confirm, confirm and confirm + timedelta(minutes=20),
                 starts - timedelta(hours=2) if confirm else None, attendance, arrived, left, by,
                 p["phone"], sent, code)
            )  # fmt: skip
    with psycopg.connect(stage.libpq_url(DB_NAME)) as conn, conn.cursor() as cur:
        with cur.copy(
            "COPY orders (id, code, branch_id, client_id, site_id, skill, headcount,"
            " starts_at, ends_at, client_rate, worker_rate, overbook_factor,"
            " overbooking_mode, fill_goal, booking_target, status, wave, radius_m,"
            " created_by, created_at, closed_at, work_ended_at) FROM STDIN"
        ) as copy:
            for row in order_rows:
                copy.write_row(row)
        with cur.copy(f"COPY offers ({OFFER_COLUMNS}) FROM STDIN") as copy:
            for row in offer_rows:
                copy.write_row(row[:20])
        offer_ids = [r[0] for r in cur.execute("SELECT id FROM offers ORDER BY id")]
        with cur.copy(f"COPY messages ({MESSAGE_COLUMNS}) FROM STDIN") as copy:
            for offer_id, row in zip(offer_ids, offer_rows, strict=True):
                for message in offer_texts(offer_id, row, rng):
                    copy.write_row(message)
        with cur.copy(
            "COPY penalty_events (worker_id, order_id, kind, points, fine, currency,"
            " occurred_at, automatic, reason, reason_code) FROM STDIN"
        ) as copy:
            for row in penalty_rows:
                copy.write_row((*row, True, "Не вышел на смену", None))
        for table in ("orders", "offers", "messages", "penalty_events"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" (SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
            )
        cur.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(DB_NAME), stamp(args))
        )
    with psycopg.connect(stage.libpq_url(DB_NAME), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def offer_texts(offer_id: int, row: tuple, rng: random.Random) -> list[tuple]:
    """The texts of one offer: the offer, the reply, what the reply brought, the reminders."""
    order_id, worker_id, fate = row[0], row[1], row[2]
    answered_at, booked_at, confirm_asked, reminded = row[9], row[11], row[13], row[15]
    phone, sent, code = row[20], row[21], row[22]

    def text(direction, kind, body, at, status="delivered"):
        return (direction, worker_id, order_id, offer_id, kind, phone, body, "UCS-2",
                2 if kind == "offer" else 1, status, "SM" + uuid.uuid4().hex, at, at)  # fmt: skip

    status = "queued" if fate == "sent" and rng.random() < 0.02 else "delivered"
    texts = [
        text("out", "offer", f"Работа завтра 08:00, 350 руб/ч. Ответьте ДА {code}", sent, status)
    ]  # noqa: E501
    if fate == "sent" and rng.random() < 0.03:  # not understood twice: the board's badge
        for k in (1, 2):
            at = sent + timedelta(minutes=5 * k)
            texts.append(text("in", "unclear", "сколько платят?", at, "processed"))
            texts.append(text("out", "not_understood", "Не поняли ответ", at))
    if answered_at is not None:
        reply = "НЕТ" if fate == "declined" else f"ДА {code}"
        texts.append(text("in", "reply", reply, answered_at, "processed"))
        follow = {"booked": "booked", "standby": "standby", "declined": "declined"}[fate]
        texts.append(text("out", follow, f"Заказ {code}: {follow}", answered_at))
    if confirm_asked is not None:
        texts.append(text("out", "confirm_request", f"Подтвердите выход: ДА {code}", confirm_asked))
    if reminded is not None and booked_at is not None:
        texts.append(text("out", "reminder", f"Напоминание: смена {code}", reminded))
    return texts


# -- measuring -------------------------------------------------------------------------------


def picks(conn: psycopg.Connection, foreman_id: int) -> dict[str, list[int]]:
    """Real ids for the placeholders of PAGES, a few of each, most telling first."""
    ids = {
        "order": "SELECT id FROM orders WHERE status IN ('filling', 'filled', 'short',"
        " 'in_progress') AND starts_at::date = now()::date ORDER BY booking_target DESC LIMIT 8",
        "coming_order": "SELECT id FROM orders WHERE status IN ('filling', 'open', 'filled')"
        " AND starts_at > now() + interval '20 hours' ORDER BY starts_at LIMIT 8",
        "past_order": "SELECT id FROM orders WHERE status = 'completed'"
        " ORDER BY starts_at DESC LIMIT 8",
        "worker": "SELECT worker_id FROM offers GROUP BY worker_id ORDER BY count(*) DESC LIMIT 8",
        "branch": "SELECT id FROM branches ORDER BY id LIMIT 1",
        "client": "SELECT client_id FROM orders GROUP BY client_id ORDER BY count(*) DESC LIMIT 4",
        "site": "SELECT site_id FROM orders GROUP BY site_id ORDER BY count(*) DESC LIMIT 4",
        "foreman_order": "SELECT o.id FROM orders o JOIN sites s ON s.id = o.site_id WHERE"
        f" s.foreman_id = {foreman_id} AND o.status = 'in_progress' ORDER BY o.id LIMIT 4",
    }
    found = {name: [r[0] for r in conn.execute(sql)] for name, sql in ids.items()}
    empty = [name for name, values in found.items() if not values]
    if empty:
        raise SystemExit(f"no ids for {empty}: rerun with --reload")
    return found


def sign_in(username: str) -> httpx.Client:
    """A client holding a real console session cookie, signed in through the form."""
    client = httpx.Client(base_url=BASE_URL, trust_env=False, timeout=30.0)
    assert client.base_url.host == stage.HOST
    client.get("/console/login").raise_for_status()
    csrf = client.cookies.get("brigada_csrf")
    answer = client.post(
        "/console/login", data={"username": username, "password": PASSWORD, "csrf": csrf}
    )
    if answer.status_code != 303 or "brigada_session" not in client.cookies:
        raise RuntimeError(f"sign-in as {username}: {answer.status_code} {answer.text[:200]}")
    return client


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(group: int) -> tuple[float, float]:
    """CPU seconds used so far by the machine (all cores) and by a process group."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    machine = sum(values[i] for i in (0, 1, 2, 5, 6, 7)) / TICK
    ours = 0.0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                stat = Path(entry.path, "stat").read_text()
                fields = stat[stat.rindex(")") + 2 :].split()
                if int(fields[2]) == group:
                    ours += (int(fields[11]) + int(fields[12])) / TICK
    return machine, ours


@dataclass
class PageResult:
    name: str
    path: str
    times_ms: list[float]
    size_kb: float

    def row(self) -> str:
        t = self.times_ms
        p95 = percentile(t, 95)
        verdict = "yes" if p95 < TARGET_P95_MS else "**no**"
        return (
            f"| {self.name} | `{self.path}` | {len(t)} | {statistics.median(t):.1f}"
            f" | {p95:.1f} | {percentile(t, 99):.1f} | {max(t):.1f} | {self.size_kb:.0f}"
            f" | {verdict} |"
        )


def measure(client: httpx.Client, name: str, path: str, fill: dict, warmup: int, n: int):
    paths = [path.format(**{k: v[i % len(v)] for k, v in fill.items()}) for i in range(8)]
    times, size = [], 0
    for i in range(warmup + n):
        url = paths[i % len(paths)]
        started = time.perf_counter()
        answer = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        if answer.status_code != 200:
            raise RuntimeError(f"{name}: GET {url} answered {answer.status_code}")
        if i >= warmup:
            times.append(elapsed)
            size = max(size, len(answer.content))
    return PageResult(name, path, times, size / 1024)


def table(results: list[PageResult]) -> str:
    lines = [
        f"| page | path | requests | p50 ms | p95 ms | p99 ms | max ms | KB"
        f" | p95 < {TARGET_P95_MS:.0f} ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    return "\n".join(lines + [r.row() for r in results])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reload", action="store_true", help="rebuild the bench database")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests per page")
    parser.add_argument("--workers", type=int, default=5000)
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--days-back", type=int, default=45)
    parser.add_argument("--days-ahead", type=int, default=14)
    parser.add_argument("--city", default="Новосибирск")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", nargs="+", metavar="PAGE", help="pages by name prefix")
    parser.add_argument(
        "--web-concurrency", type=int, default=2, help="uvicorn processes (BRIGADA_WEB_CONCURRENCY)"
    )
    args = parser.parse_args()
    if not (1 <= args.requests <= 5000 and 0 <= args.warmup <= 1000):
        parser.error("--requests 1-5000, --warmup 0-1000")
    if not (100 <= args.workers <= 200_000 and 10 <= args.orders <= 50_000):
        parser.error("--workers 100-200,000, --orders 10-50,000")
    if not (1 <= args.clients <= 200 and 1 <= args.days_back <= 365 and 2 <= args.days_ahead <= 60):
        parser.error("--clients 1-200, --days-back 1-365, --days-ahead 2-60")
    if not 1 <= args.web_concurrency <= 8:
        parser.error("--web-concurrency must be 1-8")
    pages = [p for p in PAGES if not args.only or any(p[0].startswith(o) for o in args.only)]
    os.environ["BRIGADA_WEB_CONCURRENCY"] = str(args.web_concurrency)
    stage.RESULTS.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally below

    comment = database_comment()
    if args.reload or comment != stamp(args):
        print(f"database {DB_NAME}: seeding {args.workers} workers, {args.orders} orders")
        print(f"  seeded in {seed(args):.0f} s")
    with psycopg.connect(stage.libpq_url(DB_NAME), autocommit=True) as conn:
        counts = {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608
            for t in ("workers", "orders", "offers", "messages", "penalty_events", "users")
        }
        foreman_id = conn.execute(
            "SELECT id FROM users WHERE username = %s", (FOREMAN,)
        ).fetchone()[0]
        fill = picks(conn, foreman_id)
    print("data: " + ", ".join(f"{n:,} {t}" for t, n in counts.items()))

    processes = stage.Processes("console")
    results: list[PageResult] = []
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    try:
        stage.flush_redis(SETTINGS["BRIGADA_REDIS_URL"])
        api = processes.start("api", ["-m", "brigada.cli", "api"], "Application startup complete")
        print(f"API on {BASE_URL} (uvicorn, {args.web_concurrency} processes), pid {api.pid}")
        clients = {who: sign_in(USERS[who]) for who in {p[1] for p in pages}}
        machine0, api0 = cpu_seconds(api.pid)
        started = time.monotonic()
        for name, who, path in pages:
            result = measure(clients[who], name, path, fill, args.warmup, args.requests)
            results.append(result)
            print(table([result]).splitlines()[-1], flush=True)
        seconds = time.monotonic() - started
        machine1, api1 = cpu_seconds(api.pid)
    finally:
        processes.stop_all()
        with contextlib.suppress(redis.RedisError):
            stage.flush_redis(SETTINGS["BRIGADA_REDIS_URL"])
    load_after = Path("/proc/loadavg").read_text().split()[:3]
    api_share = (api1 - api0) / seconds
    rest = max(0.0, (machine1 - machine0) / seconds - api_share)
    missed = [r.name for r in results if percentile(r.times_ms, 95) >= TARGET_P95_MS]
    report = "\n".join(
        [
            f"bench/console.py, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores;"
            f" API: uvicorn, {args.web_concurrency} processes; one client, sequential;"
            f" {args.warmup} warm-up + {args.requests} timed requests per page",
            "data: " + ", ".join(f"{n:,} {t}" for t, n in counts.items()),
            f"load average before {' '.join(load_before)}, after {' '.join(load_after)};"
            f" while measuring ({seconds:.0f} s): the API {api_share:.0%} of a core,"
            f" everything else (this client, PostgreSQL, other processes) {rest:.0%}",
            "",
            table(results),
            "",
            f"p95 >= {TARGET_P95_MS:.0f} ms: {', '.join(missed) if missed else 'none'}",
        ]
    )
    print("\n" + report)
    (stage.RESULTS / "console.txt").write_text(report + "\n")


if __name__ == "__main__":
    main()
