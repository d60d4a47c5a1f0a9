"""History benchmark (issue 22): the console, the API, the matcher and the periodic jobs on a
network's year of history.

What it measures
    A database of its own, brigada_bench_history or --database (bench/history_seed.py: a year of a
    network's orders, offers, texts, ledger and audit rows, around "now"), then through the
    whole FastAPI app in this process (routing, session cookie or bearer token, access checks,
    queries, templates or JSON; no socket): the board, an order's page (today's, completed),
    a worker's profile (their whole ledger and texts), the message log by worker and by
    order, a month's payouts (the preview) and a month's invoice (the preview) as a branch's
    office; the API reads of the same; the reports of issue 21 as an admin (the network, the
    last 180 days); then the matcher (the next wave's candidates of live orders) and every
    periodic job of brigada/scheduler.py as the jobs process runs it. Cold and warm: see
    bench/history_measure.py. Goals: pages and API reads p95 < 100 ms, reports < 300 ms,
    the matcher and each periodic job < 1 s. The slowest SQL statement of the --explain
    items furthest from their goal is shown with EXPLAIN (ANALYZE, BUFFERS).

How to run (from the repository root; PostgreSQL + PostGIS on 127.0.0.1:5432, user postgres;
Redis on 127.0.0.1:6379)
    PYTHONPATH=$PWD .venv/bin/python bench/history.py --scale 0.1    # 5 branches
    PYTHONPATH=$PWD .venv/bin/python bench/history.py                # 50 branches, the year
    PYTHONPATH=$PWD .venv/bin/python bench/history.py --scale 0.1 --reload --runs 50
    PYTHONPATH=$PWD .venv/bin/python bench/history.py --only board "job dispatch.no_show"
    PYTHONPATH=$PWD .venv/bin/python bench/history.py --database brigada_bench_mine --scale 0.1

    The database is reused while its stamp (the UTC day and the sizes) matches, else rebuilt;
    Redis db --redis-db (default 12) is flushed at the start and the end. Figures to stdout
    and bench/results/history.txt (history-<database>.txt with --database).
"""

import argparse
import contextlib
import os
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import history_measure as measure
import history_seed
import stage

DATABASE = "brigada_bench_history"
BRANCHES = 50


def stamp(args: argparse.Namespace, branches: int) -> str:
    return (
        f"brigada history bench v1: day={datetime.now(UTC):%Y-%m-%d} branches={branches}"
        f" orders={args.orders_per_branch} workers={args.workers_per_branch} seed={args.seed}"
    )


def comment(database: str) -> str | None:
    import psycopg

    with psycopg.connect(stage.libpq_url("postgres"), autocommit=True) as conn:
        row = conn.execute(
            "SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database"
            " WHERE datname = %s",
            (database,),
        ).fetchone()
    return None if row is None else row[0]


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="share of the 50 branches")
    parser.add_argument("--branches", type=int, help="instead of --scale")
    parser.add_argument("--orders-per-branch", type=int, default=5000, help="a year's")
    parser.add_argument("--workers-per-branch", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=30, help="warm requests per read")
    parser.add_argument("--job-runs", type=int, default=5, help="warm runs per periodic job")
    parser.add_argument("--explain", type=int, default=3, help="items to EXPLAIN")
    parser.add_argument("--reload", action="store_true", help="rebuild the database")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", default=DATABASE, help="the bench's own database")
    parser.add_argument("--redis-db", type=int, default=12)
    parser.add_argument("--rollup-processes", type=int, default=2, help="the rollups' processes")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="items by name prefix")
    args = parser.parse_args()
    if not (0 < args.scale <= 1 and 1 <= args.runs <= 1000 and 0 <= args.job_runs <= 100):
        parser.error("--scale 0-1, --runs 1-1000, --job-runs 0-100")
    if not args.database.replace("_", "").isalnum() or not args.database.startswith("brigada_"):
        parser.error("--database: a brigada_... name of letters, digits and _")
    if not 1 <= args.rollup_processes <= 8:
        parser.error("--rollup-processes 1-8")
    if not (300 <= args.orders_per_branch <= 20_000 and 200 <= args.workers_per_branch <= 20_000):
        parser.error("--orders-per-branch 300-20,000, --workers-per-branch 200-20,000")
    return args


def main() -> None:
    args = parse()
    branches = args.branches or max(1, round(BRANCHES * args.scale))
    settings = stage.settings(
        database=args.database, redis_db=args.redis_db, port=stage.free_port()
    )
    settings["BRIGADA_WORKER_READS_RATE"] = "1000000/hour"  # the bench reads many profiles
    stage.take(settings)
    stage.RESULTS.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally below
    lines = [
        f"bench/history.py, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores,"
        f" {branches} branches x {args.orders_per_branch:,} orders a year"
        f" (scale {branches / BRANCHES:g} of the issue's 50), load average before:"
        f" {' '.join(Path('/proc/loadavg').read_text().split()[:3])}"
    ]
    if args.reload or comment(args.database) != stamp(args, branches):
        print(f"seeding {args.database}: {branches} branches ...", flush=True)
        steps = history_seed.seed(
            args.database,
            branches,
            args.orders_per_branch,
            args.workers_per_branch,
            args.seed,
            args.rollup_processes,
        )
        lines += ["", "| seeding step | s |", "|---|---:|"]
        lines += [f"| {name} | {seconds:.1f} |" for name, seconds in steps.items()]
        _stamp(args.database, stamp(args, branches))
    import psycopg

    with psycopg.connect(stage.libpq_url(args.database), autocommit=True) as conn:
        counts = {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608
            for t in ("workers", "orders", "offers", "messages", "penalty_events", "audit_log")
        }
        first = conn.execute("SELECT id, timezone FROM branches ORDER BY id LIMIT 1").fetchone()
        fill = measure.picks(conn, first[0], first[1])
        users = {
            role: conn.execute("SELECT id FROM users WHERE username = %s", (name,)).fetchone()[0]
            for role, name in _usernames().items()
        }
        live = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM orders WHERE status IN ('filling', 'open', 'short')"
                " AND starts_at > now() ORDER BY starts_at LIMIT 10"
            )
        ]
        lines += ["", "data: " + ", ".join(f"{n:,} {t}" for t, n in counts.items()), ""]
        lines += measure.sizes(conn, branches)
    print("\n".join(lines), flush=True)
    timings = _measure(args, users, fill, live)
    missed = [t.name for t in timings if t.p(95) >= measure.GOAL_MS[t.kind]]
    lines += ["", measure.HEADER, *(t.row() for t in timings), ""]
    lines.append(f"p95 over the goal: {', '.join(missed) if missed else 'none'}")
    lines.append(f"load average after: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    furthest = sorted(timings, key=lambda t: t.p(95) / measure.GOAL_MS[t.kind], reverse=True)
    for timing in furthest[: args.explain]:
        found = measure.RECORDER.slowest.get(timing.name)
        if found is None:
            continue
        spent, statement, parameters = found
        lines += ["", f"EXPLAIN of the slowest statement of {timing.name!r} ({spent:.1f} ms):"]
        lines += ["", "    " + statement.replace("\n", "\n    "), ""]
        with contextlib.suppress(psycopg.Error):  # a statement psycopg cannot re-run alone
            plan = measure.explain(args.database, statement, parameters)
            lines += ["    " + line for line in plan.splitlines()]
    out = "\n".join(lines)
    print(out)
    named = "history.txt" if args.database == DATABASE else f"history-{args.database}.txt"
    (stage.RESULTS / named).write_text(out + "\n")


def _usernames() -> dict[str, str]:
    """Who reads: the first branch's staff (the seeder names them bench-<role>-0), the admin."""
    return {
        "dispatcher": "bench-dispatcher-0",
        "manager": "bench-manager-0",
        "admin": history_seed.ADMIN,
    }


def _stamp(database: str, value: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(stage.libpq_url(database), autocommit=True) as conn:
        conn.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(database), value)
        )


def _measure(args, users, fill, live) -> list:
    from api.main import create_app

    measure.RECORDER.install()
    stage.flush_redis(os.environ["BRIGADA_REDIS_URL"])
    names = _usernames()
    started = time.monotonic()
    try:
        print(measure.HEADER, flush=True)
        timings = measure.time_reads(create_app, users, names, fill, args.runs, args.only)
        if live and (not args.only or any(measure.MATCHER.startswith(o) for o in args.only)):
            timings.append(measure.time_matcher(live, args.runs))
        timings += measure.time_jobs(args.job_runs, args.only)
    finally:
        measure.RECORDER.current = ""
        stage.flush_redis(os.environ["BRIGADA_REDIS_URL"])
    print(f"measured in {time.monotonic() - started:.0f} s", flush=True)
    return timings


if __name__ == "__main__":
    main()
