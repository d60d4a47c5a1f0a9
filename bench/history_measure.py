"""The history bench's timings: pages and API reads through the whole app in this process,
the matcher and the periodic jobs as the jobs process runs them; and the statements of the
slowest, for EXPLAIN.

Cold and warm: every read walks round-robin through a few ids of its kind (picks()); the
first request of each id, on an engine opened for the run, is its "cold" time (nothing of
that order's or worker's rows read before by this run; PostgreSQL's and the OS's caches are
not dropped: the machine is shared, the server is not ours to restart); then --runs requests
round-robin are the warm times.
"""

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import history_seed

MATCHER = "matcher: a wave's candidates"
GOAL_MS = {"page": 100.0, "api": 100.0, "report": 300.0, "job": 1000.0}

# (name, kind, who, path): {placeholders} from picks(); who: dispatcher / manager / admin
# (console pages by session cookie, API reads by bearer token as that user).
READS: list[tuple[str, str, str, str]] = [
    ("board", "page", "dispatcher", "/console/"),
    ("board rows", "page", "dispatcher", "/console/board/rows"),
    ("order page, today's", "page", "dispatcher", "/console/orders/{order}"),
    ("order page, completed", "page", "dispatcher", "/console/orders/{past_order}"),
    ("worker profile (ledger, texts)", "page", "dispatcher", "/console/workers/{worker}"),
    ("worker standing", "page", "dispatcher", "/console/workers/{worker}/standing"),
    ("message log", "page", "dispatcher", "/console/messages"),
    ("message log, a worker", "page", "dispatcher", "/console/messages?worker_id={worker}"),
    ("message log, an order", "page", "dispatcher", "/console/messages?order_id={past_order}"),
    ("payouts, a month", "page", "manager",
     "/console/branches/{branch}/payouts?from={month_first}&to={month_last}"),
    ("invoice preview, a month", "page", "manager",
     "/console/invoices?client_id={client}&invoice_from={month_first}&invoice_to={month_last}"),
    ("API order", "api", "dispatcher", "/api/v1/orders/{past_order}"),
    ("API order's offers", "api", "dispatcher", "/api/v1/orders/{past_order}/offers"),
    ("API orders list", "api", "dispatcher", "/api/v1/orders?limit=100"),
    ("API messages, a worker", "api", "dispatcher", "/api/v1/messages?worker_id={worker}"),
    ("API messages, an order", "api", "dispatcher", "/api/v1/messages?order_id={past_order}"),
    ("API worker's ledger", "api", "dispatcher", "/api/v1/workers/{worker}/penalties"),
    ("API audit, an order", "api", "manager",
     "/api/v1/audit?entity=order&entity_id={past_order}"),
]  # fmt: skip
REPORTS = [  # bench/reports.py's calls, the last 180 days, the whole network (admin)
    ("fill", "branch"), ("fill", "client"), ("fill", "month"),
    ("attendance", "branch"), ("attendance", "month"),
    ("money", "branch"), ("money", "client"), ("money", "month"),
    ("workers", "branch"), ("calibration", "branch"), ("fill", "day"),
]  # fmt: skip


@dataclass
class Timing:
    name: str
    kind: str
    cold_ms: list[float] = field(default_factory=list)
    warm_ms: list[float] = field(default_factory=list)
    note: str = ""

    def p(self, q: float) -> float:
        ordered = sorted(self.warm_ms)
        return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]

    def row(self) -> str:
        goal = GOAL_MS[self.kind]
        cold = f"{max(self.cold_ms):.1f}" if self.cold_ms else "-"
        verdict = "met" if self.p(95) < goal else "**MISSED**"
        return (
            f"| {self.name} | {cold} | {statistics.median(self.warm_ms):.1f} | {self.p(95):.1f}"
            f" | {max(self.warm_ms):.1f} | < {goal:.0f} | {verdict} | {self.note} |"
        )


HEADER = (
    "| what | cold max ms | warm p50 ms | warm p95 ms | warm max ms | goal ms | p95 | note |\n"
    "|---|---:|---:|---:|---:|---:|---|---|"
)


def last_month(zone: str) -> tuple[date, date]:
    today = datetime.now(UTC).astimezone(ZoneInfo(zone)).date()
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def picks(conn, branch_id: int, zone: str) -> dict[str, list]:
    """A few real ids of each kind in the first branch, the busiest first."""
    first, last = last_month(zone)
    queries = {
        "order": "SELECT id FROM orders WHERE branch_id = %(b)s AND status IN ('filling',"
        " 'filled', 'short', 'in_progress') AND starts_at > now() - interval '12 hours'"
        " ORDER BY starts_at, id LIMIT 8",
        "past_order": "SELECT id FROM orders WHERE branch_id = %(b)s AND status = 'completed'"
        " ORDER BY starts_at DESC LIMIT 8",
        "worker": "SELECT f.worker_id FROM offers f JOIN workers w ON w.id = f.worker_id"
        " WHERE w.branch_id = %(b)s GROUP BY f.worker_id ORDER BY count(*) DESC LIMIT 8",
        "client": "SELECT client_id FROM orders WHERE branch_id = %(b)s GROUP BY client_id"
        " ORDER BY count(*) DESC LIMIT 4",
    }
    found = {k: [r[0] for r in conn.execute(q, {"b": branch_id})] for k, q in queries.items()}
    found["branch"] = [branch_id]
    found["month_first"], found["month_last"] = [first.isoformat()], [last.isoformat()]
    return found


def sign_in(client, username: str) -> None:
    """A real console session cookie on this TestClient, through the console's form."""
    client.get("/console/login").raise_for_status()
    answer = client.post(
        "/console/login",
        data={
            "username": username,
            "password": history_seed.PASSWORD,
            "csrf": client.cookies.get("brigada_csrf"),
        },
        follow_redirects=False,
    )
    if answer.status_code != 303:
        raise RuntimeError(f"sign-in as {username}: {answer.status_code}")


def time_reads(app_factory, users: dict[str, int], names: dict[str, str], fill: dict,
               runs: int, only: list[str] | None) -> list[Timing]:  # fmt: skip
    from fastapi.testclient import TestClient

    from api.auth import issue_token
    from core.settings import get_settings

    settings = get_settings()
    results = []
    with TestClient(app_factory(settings)) as base:
        browsers, bearers = {}, {}
        for who in users:
            browser = TestClient(base.app)
            sign_in(browser, names[who])
            browsers[who] = browser
            bearers[who] = {
                "Authorization": f"Bearer {issue_token(settings, users[who]).access_token}"
            }
        for name, kind, who, path in READS:
            if only and not any(name.startswith(o) for o in only):
                continue
            width = (
                max(len(v) for k, v in fill.items() if "{" + k + "}" in path) if "{" in path else 1
            )
            paths = [
                path.format(**{k: v[i % len(v)] for k, v in fill.items()}) for i in range(width)
            ]

            def get(url, kind=kind, who=who):
                if kind == "api":
                    return base.get(url, headers=bearers[who])
                return browsers[who].get(url, follow_redirects=False)

            results.append(_timed(name, kind, paths, get, runs))
        first_report = (date.today() - timedelta(days=179)).isoformat()
        for report, group_by in REPORTS:
            name = f"report {report} by {group_by}"
            if only and not any(name.startswith(o) for o in only):
                continue
            params = f"from={first_report}&to={date.today().isoformat()}&group_by={group_by}"
            if group_by == "day":
                params += f"&branch_id={fill['branch'][0]}"
            url = f"/api/v1/reports/{report}?{params}"
            results.append(
                _timed(name, "report", [url], lambda u: base.get(u, headers=bearers["admin"]), runs)
            )
    return results


def _timed(name: str, kind: str, paths: list[str], get: Callable, runs: int) -> Timing:
    timing = Timing(name, kind)
    RECORDER.current = name
    for i in range(len(paths) + runs):
        url = paths[i % len(paths)]
        started = time.perf_counter()
        answer = get(url)
        elapsed = (time.perf_counter() - started) * 1000
        if answer.status_code != 200:
            raise RuntimeError(f"{name}: GET {url} answered {answer.status_code}")
        (timing.cold_ms if i < len(paths) else timing.warm_ms).append(elapsed)
    print(timing.row(), flush=True)
    return timing


def time_matcher(order_ids: list[int], runs: int) -> Timing:
    """The next wave's candidates (dispatch.fill.matcher.candidates_for) of live orders."""
    from core.clock import now
    from core.db import session_scope
    from dispatch.fill.matcher import candidates_for
    from dispatch.models import Branch, Order

    timing = Timing(MATCHER, "job", note=f"{len(order_ids)} live orders")
    RECORDER.current = timing.name
    for i in range(len(order_ids) + runs):
        with session_scope() as session:
            order = session.get_one(Order, order_ids[i % len(order_ids)])
            branch = session.get_one(Branch, order.branch_id)
            started = time.perf_counter()
            candidates_for(session, order, branch, order.radius_m, now(), 30)
            elapsed = (time.perf_counter() - started) * 1000
        (timing.cold_ms if i < len(order_ids) else timing.warm_ms).append(elapsed)
    print(timing.row(), flush=True)
    return timing


def time_jobs(runs: int, only: list[str] | None) -> list[Timing]:
    """Every periodic job of brigada/scheduler.py, its body as the jobs process runs it: the
    first run (catch-up: a no-show sweep of the seeded shifts, say) is the "cold" one."""
    from brigada.scheduler import PERIODIC

    results = []
    for actor, every_s in PERIODIC:
        name = f"job {actor.actor_name} (every {every_s} s)"
        if only and not any(name.startswith(o) for o in only):
            continue
        timing = Timing(name, "job")
        RECORDER.current = name
        for i in range(1 + runs):
            started = time.perf_counter()
            actor.fn()
            elapsed = (time.perf_counter() - started) * 1000
            (timing.cold_ms if i == 0 else timing.warm_ms).append(elapsed)
        print(timing.row(), flush=True)
        results.append(timing)
    return results


class Statements:
    """The slowest SQL statement of each timed item (by name), for EXPLAIN."""

    def __init__(self) -> None:
        self.current = ""  # the item being timed; "" records nothing
        self.slowest: dict[str, tuple[float, str, object]] = {}

    def install(self) -> None:
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        @event.listens_for(Engine, "before_cursor_execute")
        def before(conn, cursor, statement, parameters, context, executemany):
            conn.info["bench_started"] = time.perf_counter()

        @event.listens_for(Engine, "after_cursor_execute")
        def after(conn, cursor, statement, parameters, context, executemany):
            started = conn.info.pop("bench_started", None)
            if self.current and started is not None and not executemany:
                spent = (time.perf_counter() - started) * 1000
                if spent > self.slowest.get(self.current, (0.0,))[0]:
                    self.slowest[self.current] = (spent, statement, parameters)


RECORDER = Statements()


def explain(database: str, statement: str, parameters) -> str:
    import psycopg
    import stage

    # the app's own connection settings (core/db.py: no JIT)
    with psycopg.connect(stage.libpq_url(database), options="-c jit=off") as conn:
        rows = conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).fetchall()
        conn.rollback()  # EXPLAIN ANALYZE runs it: nothing kept
    return "\n".join(r[0] for r in rows)


def sizes(conn, branches: int) -> list[str]:
    """The database's size, per table (with indexes), and per branch-year."""
    total = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    # A partitioned table's months are summed under its name (reltuples -1: never analysed).
    rows = conn.execute(
        "SELECT coalesce(p.relname, c.relname), sum(greatest(c.reltuples, 0))::bigint,"
        " sum(pg_total_relation_size(c.oid))"
        " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " LEFT JOIN pg_inherits i ON i.inhrelid = c.oid"
        " LEFT JOIN pg_class p ON p.oid = i.inhparent AND p.relkind = 'p'"
        " WHERE c.relkind = 'r' AND n.nspname = 'public'"
        " GROUP BY 1 ORDER BY 3 DESC LIMIT 8"
    ).fetchall()
    mb = 1024 * 1024
    lines = [
        f"database: {total / mb:,.0f} MB for {branches} branch-years:"
        f" {total / mb / branches:,.1f} MB a branch-year",
        "",
        "| table | rows (estimate) | MB with indexes |",
        "|---|---:|---:|",
    ]
    lines += [f"| {name} | {n:,} | {size / mb:,.1f} |" for name, n, size in rows]
    return lines
