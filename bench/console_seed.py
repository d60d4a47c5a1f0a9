"""The console bench's data: one branch around a city of ../shared/data/russian_cities.csv,
its clients, sites and staff (through the domain's own functions), workers, and orders over
the past and coming days with their offers, replies, bookings, attendance, texts and
penalties (by COPY), in its own database (brigada_bench_console, reused while its stamp
matches). Its own Redis db and port and the API's settings are taken here, before the
project is first imported.
"""

import argparse
import csv
import math
import random
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import stage

DB_NAME = "brigada_bench_console"
REDIS_DB = 9
PORT = stage.free_port()
SETTINGS = stage.settings(database=DB_NAME, redis_db=REDIS_DB, port=PORT)
SETTINGS["BRIGADA_WORKER_READS_RATE"] = "1000000/hour"
BASE_URL = SETTINGS["BRIGADA_PUBLIC_URL"]
stage.take(SETTINGS)
sys.path.insert(0, str(stage.ROOT))  # this checkout's code and migrations, as the API runs it

import psycopg  # noqa: E402
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
