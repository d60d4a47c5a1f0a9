"""The history bench's data: a network's year, laid around "now", in its own database.

The branches, their staff, clients and sites go through the domain's own functions (audited,
passwords hashed); the workers, orders, offers and the ledger (penalty_events) by COPY, each
row decided here; the messages and the audit rows of the orders and offers are derived from
the offers by INSERT ... SELECT in the server (as bench/reports.py does), so a year takes
minutes; the report rollups by the project's own recompute of every branch-day
(dispatch/reports/keeping.py), in a few processes.

Per branch and year (whatever --scale): --orders-per-branch orders (default 5,000: 250,000
for 50 branches) over the last 365 days and the next 14, 30 offers each, about 2.7 texts an
offer (the reminders of the booked included); so a branch's pages, a worker's history and an
order's page read as much as at full scale, and --scale only changes the number of branches
(the network's totals). Each order's and offer's updated_at, and each ledger row's
created_at, is its last change in the story (not the seeding's time), so the rollups'
refresh job sees only what changed since.
"""

import csv
import math
import multiprocessing
import random
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import stage

CITIES_CSV = stage.ROOT.parent / "shared" / "data" / "russian_cities.csv"
PASSWORD = "bench-history-not-a-secret"  # the bench database's staff only, on 127.0.0.1
ADMIN = "bench-admin"
CLIENTS, SITES_PER_CLIENT = 10, 3
OFFERS_PER_ORDER = 30
HEADCOUNTS = (4, 6, 8, 8, 10, 10, 10, 12, 12, 15)
OVERBOOK = 1.3
SKILLS = ("loader", "loader", "loader", "cleaner", "handyman")
DAYS_BACK, DAYS_AHEAD = 365, 14
SHIFT_HOURS = (6, 7, 8, 8, 9, 9, 10, 14, 20)

ORDER_COLUMNS = (
    "id, code, branch_id, client_id, site_id, skill, headcount, starts_at, ends_at,"
    " client_rate, worker_rate, overbook_factor, overbooking_mode, fill_goal, booking_target,"
    " status, wave, radius_m, created_by, created_at, closed_at, work_ended_at, updated_at"
)
OFFER_COLUMNS = (
    "order_id, worker_id, status, wave, rank, distance_m, score, rating, reliability,"
    " answered_at, answer_source, booked_at, created_at, confirm_asked_at, confirmed_at,"
    " reminded_at, attendance, arrived_at, left_at, attendance_by, updated_at"
)
WORKER_COLUMNS = (
    "full_name, phone, home, skills, status, language, vetted, branch_id, opted_out, rating,"
    " reliability"
)
LEDGER_COLUMNS = (
    "worker_id, order_id, kind, points, fine, currency, occurred_at, automatic, reason,"
    " reason_code, created_at"
)
# The texts of an offer: the offer; a reply and what it brought when answered; a reminder
# when booked. About 2.7 an offer with the fates below.
MESSAGES = """
INSERT INTO messages (direction, worker_id, order_id, offer_id, kind, phone, body, encoding,
                      segments, status, provider_sid, sent_at, created_at)
SELECT t.direction, f.worker_id, f.order_id, f.id, t.kind, w.phone, t.body || ' ' || o.code,
       'UCS-2', 1, t.status, 'SM' || t.kind || f.id, t.at, t.at
FROM offers f
JOIN orders o ON o.id = f.order_id
JOIN workers w ON w.id = f.worker_id
CROSS JOIN LATERAL (VALUES
    ('out', 'offer', 'Работа, 350 руб/ч. Ответьте ДА', 'delivered', f.created_at, true),
    ('in', 'reply', 'ДА', 'processed', f.answered_at, f.answered_at IS NOT NULL),
    ('out', f.status, 'Заказ', 'delivered', f.answered_at,
     f.answered_at IS NOT NULL AND f.status IN ('booked', 'declined', 'standby')),
    ('out', 'reminder', 'Напоминание: смена', 'delivered', f.reminded_at,
     f.reminded_at IS NOT NULL)
) AS t(direction, kind, body, status, at, sent)
WHERE t.sent
"""
# The audit rows the office's work leaves: each order placed (and closed), each booking,
# each foreman's mark.
AUDIT = """
INSERT INTO audit_log (at, actor_user_id, actor, action, entity, entity_ids, branch_id, detail)
SELECT o.created_at, o.created_by, 'user:' || o.created_by, 'order.create', 'order',
       jsonb_build_array(o.id), o.branch_id, jsonb_build_object('headcount', o.headcount)
FROM orders o
UNION ALL
SELECT o.closed_at, o.created_by, 'user:' || o.created_by, 'order.close', 'order',
       jsonb_build_array(o.id), o.branch_id, '{}'::jsonb
FROM orders o WHERE o.closed_at IS NOT NULL
UNION ALL
SELECT f.booked_at, NULL, 'system', 'offer.book', 'offer', jsonb_build_array(f.id),
       o.branch_id, jsonb_build_object('order_id', o.id, 'worker_id', f.worker_id)
FROM offers f JOIN orders o ON o.id = f.order_id WHERE f.booked_at IS NOT NULL
UNION ALL
SELECT coalesce(f.arrived_at, o.starts_at), f.attendance_by, 'user:' || f.attendance_by,
       'attendance.mark', 'offer', jsonb_build_array(f.id), o.branch_id,
       jsonb_build_object('attendance', f.attendance)
FROM offers f JOIN orders o ON o.id = f.order_id WHERE f.attendance IS NOT NULL
"""


def cities(count: int) -> list[tuple[str, float, float, str]]:
    """The `count` largest cities: (name, lat, lon, time zone)."""
    from dispatch.registry import demo

    with CITIES_CSV.open(encoding="utf-8") as handle:
        rows = sorted(csv.DictReader(handle), key=lambda r: -int(r["population"] or 0))
    return [
        (
            r["city"] or r["region"],
            float(r["geo_lat"]),
            float(r["geo_lon"]),
            demo.ZONES[int(r["timezone"].removeprefix("UTC"))],
        )
        for r in rows[:count]
    ]


def seed_registry(branches: int, rng: random.Random) -> list[dict]:
    """The branches with a dispatcher, a manager, a foreman, clients and sites each."""
    from core.db import session_scope
    from core.tenancy import SYSTEM
    from dispatch.registry import clients as client_registry
    from dispatch.registry import service as registry
    from dispatch.registry import sites as site_registry
    from dispatch.registry import staff
    from geo.points import Point

    made = []
    with session_scope() as session:
        staff.create_user(session, actor=SYSTEM, username=ADMIN, password=PASSWORD, role="admin")
        for b, (name, lat, lon, zone) in enumerate(cities(branches)):
            centre = Point(lat=lat, lon=lon)
            branch = registry.create_branch(
                session, actor=SYSTEM, code=f"H{b:02d}", name=name, timezone=zone, center=centre
            )
            users = {
                role: staff.create_user(
                    session,
                    actor=SYSTEM,
                    username=f"bench-{role}-{b}",
                    password=PASSWORD,
                    role=role,
                    branch_id=branch.id,
                    full_name=f"Сотрудник {role} {b}",
                ).id
                for role in ("dispatcher", "manager", "foreman")
            }
            sites = []
            for n in range(CLIENTS):
                client = client_registry.create_client(
                    session, actor=SYSTEM, branch_id=branch.id, name=f"ООО Клиент {b}-{n + 1}"
                )
                for k in range(SITES_PER_CLIENT):
                    site = site_registry.create_site(
                        session,
                        actor=SYSTEM,
                        client_id=client.id,
                        name=f"Площадка {n + 1}.{k + 1}",
                        address=f"ул. Складская, {n * 10 + k + 1}",
                        location=stage.near(centre, rng, 12.0),
                        foreman_id=users["foreman"],
                    )
                    sites.append((site.id, client.id))
            made.append(
                {"id": branch.id, "zone": zone, "centre": centre, "users": users, "sites": sites}
            )
    return made


def worker_rows(rng: random.Random, branch: dict, b: int, count: int) -> list[tuple]:
    from dispatch.registry import demo

    names = demo.load_names()
    rows = []
    for i in range(count):
        home = stage.near(branch["centre"], rng, 20.0)
        skills = sorted({rng.choice(SKILLS), "loader" if rng.random() < 0.7 else "cleaner"})
        rows.append(
            (names.full_name(rng), f"+7996{b:02d}{i:05d}", home.ewkt(), skills, "active",
             "ru", True, branch["id"], False, f"{min(5.0, max(0.5, rng.gauss(3.8, 0.7))):.2f}",
             f"{min(0.99, max(0.3, rng.betavariate(8, 2))):.3f}")
        )  # fmt: skip
    return rows


def order_status(starts: datetime, now: datetime, day: int, rng: random.Random) -> str:
    if starts < now - timedelta(hours=20):
        return "cancelled" if rng.random() < 0.04 else "completed"
    if starts < now:
        return "in_progress"
    if day <= 1:
        return rng.choices(("filled", "filling", "short"), (70, 25, 5))[0]
    return rng.choices(("filled", "filling", "open"), (40, 50, 10))[0]


def branch_year(rng, branch, workers, orders, first_id, now, codes):
    """One branch's orders, offers and ledger rows (COPY tuples)."""
    zone = ZoneInfo(branch["zone"])
    today = now.astimezone(zone).date()
    by_skill = {s: [w for w in workers if s in w[1]] for s in set(SKILLS)}
    order_rows, offer_rows, ledger_rows = [], [], []
    dispatcher, foreman = branch["users"]["dispatcher"], branch["users"]["foreman"]
    for order_id in range(first_id, first_id + orders):
        day = rng.randint(-DAYS_BACK, DAYS_AHEAD)
        local = datetime.combine(today + timedelta(days=day), datetime.min.time(), zone)
        starts = (local + timedelta(hours=rng.choice(SHIFT_HOURS))).astimezone(UTC)
        ends = starts + timedelta(hours=rng.choice((8, 8, 10, 12)))
        site_id, client_id = rng.choice(branch["sites"])
        skill = rng.choice(SKILLS)
        headcount = rng.choice(HEADCOUNTS)
        target = math.ceil(headcount * OVERBOOK)
        # placed 12-96 h before the start, and never after now (the refresh job reads it)
        created = min(starts - timedelta(hours=rng.uniform(12, 96)), now - timedelta(minutes=30))
        status = order_status(starts, now, day, rng)
        code = str(rng.randint(100, 999))
        if status not in ("completed", "cancelled"):  # unique among live orders
            code = str(100 + len(codes))
            codes.add(code)
        closed = ends + timedelta(hours=1) if status == "completed" else None
        order_rows.append(
            (order_id, code, branch["id"], client_id, site_id, skill, headcount, starts, ends,
             "450.00", "350.00", str(OVERBOOK), "fixed", "0.950", target, status, 1, 10000,
             dispatcher, created, closed, ends if closed else None, min(now, closed or created))
        )  # fmt: skip
        if status == "open":
            continue
        booked_n = {"filling": target // 2, "short": headcount - 1, "cancelled": 0}.get(
            status, target
        )
        for rank, (worker_id, _, rating, reliability) in enumerate(
            rng.sample(by_skill[skill], OFFERS_PER_ORDER), start=1
        ):
            sent = created + timedelta(minutes=rng.uniform(0, 2))
            answered = min(now, sent + timedelta(minutes=rng.expovariate(1 / 8)))
            if rank <= booked_n:
                fate = "booked"
            elif status in ("filling", "short") and rank <= booked_n + 6:
                fate = "sent"
            else:
                fate = "declined" if rank <= booked_n + 8 else "expired"
            attendance = arrived = left = by = None
            if fate == "booked" and status == "completed":
                roll = rng.random()
                attendance = "no_show" if roll < 0.05 else "left_early" if roll < 0.08 else None
                attendance = attendance or ("arrived" if rank <= headcount else "released")
            if attendance in ("arrived", "left_early", "released"):
                arrived = starts + timedelta(minutes=rng.uniform(-15, 20))
                left = ends if attendance != "left_early" else ends - timedelta(hours=3)
            if attendance:
                by = foreman
            if attendance == "no_show":
                marked = starts + timedelta(hours=1)  # recorded when it occurred (the sweep)
                ledger_rows.append(
                    (worker_id, order_id, "no_show", 1, "300.00", "RUB",
                     marked, True, "Не вышел на смену", None, marked)
                )  # fmt: skip
            answered_at = answered if fate in ("booked", "declined") else None
            booked_at = answered if fate == "booked" else None
            confirm = starts - timedelta(hours=12) if booked_at and starts < now else None
            offer_rows.append(
                (order_id, worker_id, fate, 1, rank, rng.randint(300, 15000), 0.5, rating,
                 reliability, answered_at, "sms" if answered_at else None, booked_at, sent,
                 confirm, confirm and confirm + timedelta(minutes=20),
                 starts - timedelta(hours=2) if confirm else None, attendance, arrived, left, by,
                 min(now, left or arrived or answered_at or sent))
            )  # fmt: skip
    return order_rows, offer_rows, ledger_rows


def copy(cur, table: str, columns: str, rows) -> int:
    n = 0
    with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as out:
        for row in rows:
            out.write_row(row)
            n += 1
    return n


def _roll_up(days: list[tuple[int, date]]) -> int:
    from dispatch.reports import keeping

    return keeping.recompute(set(days))


REPORTED_DAYS = 186  # the reports' 180 days and a margin for the branches' time zones


def rollups(processes: int) -> int:
    """The reports' branch-days rolled up by the project's own recompute (keeping.rebuild's),
    the days dealt round-robin to a few processes: each day is its own transaction under its
    own advisory lock, so they do not wait on each other."""
    from core.db import session_scope
    from dispatch.reports import keeping

    with session_scope() as session:
        # The reports read the last 180 days: older days are not rolled up (at 50 branches
        # the period's 10,052 branch-days took 17 min in 4 processes at load ~8; the year's
        # ~9,000 others would nearly double that and no timed read uses them).
        first = date.today() - timedelta(days=REPORTED_DAYS)
        days = sorted(keeping.all_days(session, first, None))
    parts = [days[k::processes] for k in range(processes)]
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        failed = sum(pool.map(_roll_up, parts))
    if failed:
        raise RuntimeError(f"{failed} branch-days failed to roll up")
    return len(days)


def past_months(database: str, now: datetime) -> None:
    """Every partitioned table's months back to the year's first: the migrations make them
    from now on, and rows of a month with no partition would pile up in the default one."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from core import partitions

    engine = create_engine(f"postgresql+psycopg://{stage.SERVER}/{database}")
    first = partitions.month_of(now - timedelta(days=DAYS_BACK + 10))
    with Session(engine) as session:
        for kept in partitions.MONTHLY:
            have = partitions.months(session, kept)
            month = first
            while month < partitions.month_of(now):
                if month not in have:
                    partitions.create_month(session, kept, month)
                month = partitions.add_months(month, 1)
        session.commit()
    engine.dispose()


def seed(database: str, branches: int, orders_per_branch: int, workers_per_branch: int,
         seed_value: int, processes: int = 2) -> dict[str, float]:  # fmt: skip
    """Build the database; the seconds each step took."""
    import psycopg

    rng = random.Random(seed_value)
    steps: dict[str, float] = {}
    started = time.perf_counter()
    stage.recreate_database(database)
    now = datetime.now(UTC)
    past_months(database, now)
    steps["create + migrate (and the year's monthly partitions)"] = time.perf_counter() - started
    mark = time.perf_counter()
    made = seed_registry(branches, rng)
    steps[f"registry ({branches} branches, domain functions)"] = time.perf_counter() - mark
    codes: set[str] = set()
    counts = {"workers": 0, "orders": 0, "offers": 0, "ledger": 0}
    spent = {"generate": 0.0, "COPY": 0.0}
    with psycopg.connect(stage.libpq_url(database)) as conn, conn.cursor() as cur:
        for b, branch in enumerate(made):
            mark = time.perf_counter()
            rows = worker_rows(rng, branch, b, workers_per_branch)
            spent["generate"] += time.perf_counter() - mark
            mark = time.perf_counter()
            counts["workers"] += copy(cur, "workers", WORKER_COLUMNS, rows)
            ids = cur.execute(
                "SELECT id, skills, rating, reliability FROM workers WHERE branch_id = %s",
                (branch["id"],),
            ).fetchall()
            spent["COPY"] += time.perf_counter() - mark
            mark = time.perf_counter()
            orders, offers, ledger = branch_year(
                rng, branch, ids, orders_per_branch, counts["orders"] + 1, now, codes
            )
            spent["generate"] += time.perf_counter() - mark
            mark = time.perf_counter()
            counts["orders"] += copy(cur, "orders", ORDER_COLUMNS, orders)
            counts["offers"] += copy(cur, "offers", OFFER_COLUMNS, offers)
            counts["ledger"] += copy(cur, "penalty_events", LEDGER_COLUMNS, ledger)
            conn.commit()
            spent["COPY"] += time.perf_counter() - mark
        steps["rows generated in Python"] = spent["generate"]
        steps["COPY workers, orders, offers, ledger"] = spent["COPY"]
        for name, statement in (("messages", MESSAGES), ("audit rows", AUDIT)):
            mark = time.perf_counter()
            cur.execute(statement)
            conn.commit()
            steps[f"{name} (INSERT ... SELECT)"] = time.perf_counter() - mark
        for table in ("orders", "offers", "messages", "penalty_events"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"  # noqa: S608
                f" (SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
            )
        conn.commit()
    mark = time.perf_counter()
    with psycopg.connect(stage.libpq_url(database), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    steps["VACUUM ANALYZE"] = time.perf_counter() - mark
    mark = time.perf_counter()
    days = rollups(processes)
    steps[f"report rollups ({days:,} branch-days, {processes} processes)"] = (
        time.perf_counter() - mark
    )
    with psycopg.connect(stage.libpq_url(database), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    steps["total"] = time.perf_counter() - started
    return steps
