"""Reports benchmark: how fast GET /api/v1/reports/{name} answers on a network's year.

What it measures
    A network of --branches branches (default 50) with --days days (default 365) of rollups
    (report_days: per branch and day, --cells cells of client x site x skill x start hour;
    report_worker_days: --workers workers a branch, each booked on about half the days;
    report_calibration: --orders orders a branch a day), written straight into the rollup
    tables by INSERT ... SELECT generate_series (the reports read only the rollups, so raw
    orders are not needed), in a database of its own, brigada_bench_reports (dropped, created
    and migrated with the project's Alembic scripts on --reload or when missing), then
    VACUUM ANALYZE. The branches, their clients and sites and workers are real rows (names
    for the labels and the workers' list).
    Each report call of CALLS below runs through the whole FastAPI app in this process (the
    routing, the bearer token, the access check, the queries, the JSON; no socket), as an
    admin (the whole network), --warmup times not counted, then --runs times; p50 / p95 / max
    per call against the goal p95 < 300 ms. The period is the last 180 days (its previous 180
    days are in the data too, so the "period before" totals read as many rows).

How to run (from the repository root; PostgreSQL + PostGIS on 127.0.0.1:5432, user postgres)
    .venv/bin/python bench/reports.py                 # ~1 min on a reused database
    .venv/bin/python bench/reports.py --reload        # rebuild the data
    .venv/bin/python bench/reports.py --runs 50 --branches 50 --days 365
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import stage

DATABASE = "brigada_bench_reports"
CALLS = [
    ("fill by branch", "fill", "branch"),
    ("fill by client", "fill", "client"),
    ("fill by month", "fill", "month"),
    ("attendance by branch", "attendance", "branch"),
    ("attendance by client", "attendance", "client"),
    ("attendance by month", "attendance", "month"),
    ("money by branch", "money", "branch"),
    ("money by client", "money", "client"),
    ("money by month", "money", "month"),
    ("workers (top/bottom 10)", "workers", "branch"),
    ("calibration", "calibration", "branch"),
    ("fill by day, one branch", "fill", "day"),
]
GOAL_MS = 300
DAYS = "generate_series(CAST(:first AS date), CAST(:first AS date) + (:days - 1), '1 day') d(day)"
# Every cell: one of the branch's sites (by number), a skill, an hour, and its figures.
CELLS = """
INSERT INTO report_days
SELECT d.day, s.branch_id, s.client_id, s.site_id,
       (ARRAY['loader','cleaner','driver'])[1 + n % 3], 6 + n % 14,
       2, 6, 5 + (n % 2), 1 + (n % 2), 180 + n, 1 + (n % 2), 6, n % 2, n % 3, 6 - n % 2,
       (n % 5 = 0)::int, (n % 7 = 0)::int, (n % 11 = 0)::int,
       12000.00, 5760.00, 6240.00
FROM {DAYS}
CROSS JOIN generate_series(0, :cells - 1) AS g(n)
JOIN (
    SELECT c.branch_id, c.id AS client_id, si.id AS site_id,
           row_number() OVER (PARTITION BY c.branch_id ORDER BY si.id) - 1 AS k
    FROM sites si JOIN clients c ON c.id = si.client_id
) s ON s.k = g.n
"""
# Each worker booked on about half the days; a few no-shows early in each month.
WORKER_DAYS = """
INSERT INTO report_worker_days
SELECT d.day, w.branch_id, w.id, 1, (w.id % 13 = 0 AND extract(day FROM d.day) < 4)::int, 0
FROM {DAYS}
JOIN workers w ON (w.id + extract(doy FROM d.day)::int) % 2 = 0
"""
# --orders orders a branch a day, a predicted probability each, filled with that chance.
CALIBRATION = """
INSERT INTO report_calibration
SELECT row_number() OVER (), d.day, b.id, r.p, LEAST(9, floor(r.p * 10))::int, random() < r.p
FROM {DAYS}
CROSS JOIN branches b CROSS JOIN generate_series(1, :orders) AS o(n)
CROSS JOIN LATERAL (SELECT random() * 0.999 + 0 * o.n AS p) r
"""


def _exists() -> bool:
    import psycopg

    with psycopg.connect(stage.libpq_url("postgres"), autocommit=True) as conn:
        return bool(
            conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)).fetchone()
        )


def seed(args: argparse.Namespace, last: date) -> None:
    """The network's rows and its year of rollups."""
    from decimal import Decimal

    from sqlalchemy import text

    from core.db import session_scope
    from dispatch.models import Branch, Client, Site, User
    from dispatch.registry.knobs import DEFAULTS
    from dispatch.reports.models import ReportBranchDay
    from geo.points import Point
    from workers.models import Worker

    first = last - timedelta(days=args.days - 1)
    with session_scope() as session:
        for b in range(args.branches):
            centre = Point(lat=55.0 + b * 0.1, lon=37.0 + b * 0.1)
            branch = Branch(
                code=f"RB{b}",
                name=f"Филиал {b}",
                timezone="Europe/Moscow",
                center=centre.to_db(),
                **DEFAULTS,
            )
            session.add(branch)
            session.flush()
            for c in range(20):
                client = Client(branch_id=branch.id, name=f"Клиент {b}-{c}")
                session.add(client)
                session.flush()
                for s in range(2):
                    session.add(
                        Site(
                            client_id=client.id,
                            name=f"Объект {s}",
                            address="-",
                            location=centre.to_db(),
                            geofence_m=300,
                        )
                    )
            session.add_all(
                Worker(
                    full_name=f"Работник {b}-{w}",
                    phone=f"+7999{b:03d}{w:04d}",
                    home=centre.to_db(),
                    skills=["loader"],
                    branch_id=branch.id,
                    vetted=True,
                    reliability=Decimal("0.9"),
                )
                for w in range(args.workers)
            )
        session.add(User(username="bench-admin", password_hash="-", role="admin"))
        session.flush()
        params = {"first": first, "days": args.days, "cells": args.cells, "orders": args.orders}
        for statement in (CELLS, WORKER_DAYS, CALIBRATION):
            session.execute(text(statement.replace("{DAYS}", DAYS)), params)
        figures = [
            c.name for c in ReportBranchDay.__table__.columns if c.name not in ("day", "branch_id")
        ]
        session.execute(
            text(
                f"INSERT INTO report_branch_days (day, branch_id, {', '.join(figures)}) "  # noqa: S608
                f"SELECT day, branch_id, {', '.join(f'sum({c})' for c in figures)} "
                "FROM report_days GROUP BY day, branch_id"
            )
        )
    import psycopg

    with psycopg.connect(stage.libpq_url(DATABASE), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reload", action="store_true")
    parser.add_argument("--branches", type=int, default=50)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--cells", type=int, default=30)
    parser.add_argument("--workers", type=int, default=40)
    parser.add_argument("--orders", type=int, default=20)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()
    stage.take(stage.settings(database=DATABASE, redis_db=9, port=stage.free_port()))
    last = date.today()
    fresh = args.reload or not _exists()
    if fresh:
        stage.recreate_database(DATABASE)
        started = time.perf_counter()
        seed(args, last)
        print(f"seeded in {time.perf_counter() - started:.1f} s")
    from fastapi.testclient import TestClient
    from sqlalchemy import func, select, text

    from api.auth import issue_token
    from api.main import create_app
    from core.db import session_scope
    from core.settings import get_settings
    from dispatch.models import Branch, User

    with session_scope() as session:
        admin = session.scalar(select(User.id).where(User.username == "bench-admin"))
        one_branch = session.scalar(select(func.min(Branch.id)))
        sizes = {
            t: session.scalar(text(f"SELECT count(*) FROM {t}"))
            for t in (
                "report_days",
                "report_branch_days",
                "report_worker_days",
                "report_calibration",
            )
        }  # noqa: S608
    token = issue_token(get_settings(), admin).access_token
    headers = {"Authorization": f"Bearer {token}"}
    period = {"from": (last - timedelta(days=179)).isoformat(), "to": last.isoformat()}
    lines = [
        f"rollup rows: {sizes}",
        f"period {period['from']}..{period['to']}, {args.runs} runs each, warm",
        "",
        "| call | rows | p50 ms | p95 ms | max ms | goal p95 < 300 ms |",
        "|---|---:|---:|---:|---:|---|",
    ]
    with TestClient(create_app(get_settings())) as client:
        for label, name, group_by in CALLS:
            params = {**period, "group_by": group_by}
            if "one branch" in label:
                params["branch_id"] = str(one_branch)
            times = []
            for i in range(args.warmup + args.runs):
                started = time.perf_counter()
                answer = client.get(f"/api/v1/reports/{name}", params=params, headers=headers)
                elapsed = (time.perf_counter() - started) * 1000
                if answer.status_code != 200:
                    sys.exit(f"{label}: {answer.status_code} {answer.text[:200]}")
                if i >= args.warmup:
                    times.append(elapsed)
            times.sort()
            p95 = times[max(0, round(0.95 * len(times)) - 1)]
            rows = len(answer.json()["rows"])
            verdict = "met" if p95 < GOAL_MS else "MISSED"
            median, worst = statistics.median(times), times[-1]
            lines.append(
                f"| {label} | {rows} | {median:.1f} | {p95:.1f} | {worst:.1f} | {verdict} |"
            )
    lines.append(f"\nload average: {os.getloadavg()}")
    out = "\n".join(lines)
    print(out)
    stage.RESULTS.mkdir(parents=True, exist_ok=True)
    Path(stage.RESULTS / "reports.txt").write_text(out + "\n")


if __name__ == "__main__":
    main()
