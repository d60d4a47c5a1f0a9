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

The data: bench/matcher_seed.py; the rankers, their timings and plans: bench/matcher_measure.py.
"""

import argparse
import os
import random
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from matcher_measure import (
    REFERENCE_SQL,
    Stats,
    centre_order,
    circle_counts,
    compare,
    explain,
    first_runs_note,
    naive_ranker,
    reference_ranker,
    sql_ranker,
    time_ranker,
)
from matcher_seed import (
    BRANCH_MIN_POPULATION,
    CITIES_CSV,
    DB_NAME,
    LIMIT,
    RADIUS_M,
    ROOT,
    SITE_SCATTER_KM,
    BenchOrder,
    City,
    database_comment,
    draw_orders,
    load,
    load_cities,
    mark_free,
    stamp,
    store_orders,
)

from brigada.cli import alembic_config
from dispatch.fill.matcher import MATCHER_SQL

RESULTS = ROOT / "bench" / "results" / "matcher.txt"


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
