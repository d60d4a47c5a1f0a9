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

Its database, settings and data: bench/console_seed.py; the timings: bench/console_measure.py.
"""

import argparse
import contextlib
import os
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import redis
import stage
from console_measure import (
    TARGET_P95_MS,
    PageResult,
    cpu_seconds,
    measure,
    percentile,
    picks,
    sign_in,
    table,
)
from console_seed import BASE_URL, DB_NAME, FOREMAN, SETTINGS, USERS, database_comment, seed, stamp

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
