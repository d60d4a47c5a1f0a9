"""A compressed busy day for a franchise network, against the real processes on this machine.

What it does
    Seeds its own database (brigada_load_bench): --branches branches in the largest cities
    of dispatch/data/cities.csv, each with a dispatcher, a foreman, a client with 4 sites,
    and --workers-per-branch workers around the city (vetted, loaders). Starts the API
    (`python -m brigada.cli api`: two uvicorn processes as deployed) and a jobs process
    (`python -m brigada.cli jobs --processes 2 --threads 8`, nice 10: one process per core, the
    API first), the outbox gateway, no sending limit.
    Then, through the public API only:
    1. orders: --orders orders (headcount 10, fixed overbooking 1.5: target 15, a 30-offer
       wave, and no second one: the branches wait the longest a branch may, 4 h, before a
       next wave), spread over the branches and the coming --days days, posted by the
       branches' dispatchers at --order-rate per second; waits until every wave-1 offer
       text is handed to the gateway;
    2. replies: --yes of each order's offered workers answer YES through the signed Twilio
       webhook at --reply-rate per second; waits until every reply is processed;
    3. on site: every order is moved to have started an hour ago (one UPDATE: the
       compression), then each order's foreman marks its booked workers over the API (of 15:
       11 arrived on time, 2 twenty minutes late, 1 released, 1 no-show) at --mark-rate per
       second, round-robin over the orders; then each closes the shift and reads the
       timesheet.
    Reports the requests per second each phase held, p50/p95/p99 per endpoint, errors
    (any non-2xx), how long the jobs took to catch up, the database size, and the peak
    memory (VmHWM) of each API and jobs process, of PostgreSQL's backends of the bench
    database and its own processes, and of Redis (and its used_memory_peak).

How to run (from the repository root; PostgreSQL + PostGIS on 127.0.0.1:5432, Redis)
    .venv/bin/python bench/load.py                                   # the issue's scale
    .venv/bin/python bench/load.py --branches 5 --orders 200         # a quick look

    It drops and recreates brigada_load_bench, flushes Redis db 8 (its own) at the start
    and the end, and stops its processes at the end, on error and on Ctrl-C. Logs go to
    bench/results/load-*.log, the figures to stdout and bench/results/load.txt.

Its database, settings and network: bench/load_seed.py; the paced requests and the figures'
tables: bench/load_drive.py; the memory watch: bench/load_watch.py.
"""

import argparse
import contextlib
import os
import random
import signal
import sys
import threading
import time
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import psycopg
import redis
import stage
from load_drive import (
    CATCH_UP_LIMIT_S,
    Recorder,
    db_scalar,
    order_bodies,
    paced,
    report,
    wait_until,
)
from load_seed import BASE_URL, DB_NAME, RESULTS, SETTINGS, TWILIO_AUTH_TOKEN, seed
from load_watch import MemoryWatch
from twilio.request_validator import RequestValidator

# --- main ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--branches", type=int, default=50)
    parser.add_argument("--workers-per-branch", type=int, default=2000)
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=14, help="orders start over these days")
    parser.add_argument("--yes", type=int, default=20, help="YES replies per order")
    parser.add_argument("--order-rate", type=float, default=20.0)
    parser.add_argument("--reply-rate", type=float, default=150.0)
    parser.add_argument("--mark-rate", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--jobs-processes", type=int, default=2, help="dramatiq processes (one per core)"
    )
    args = parser.parse_args()
    if not (1 <= args.branches <= 50 and 10 <= args.workers_per_branch <= 10_000):
        parser.error("--branches 1-50, --workers-per-branch 10-10,000")
    if not (1 <= args.orders <= 50_000 and 1 <= args.yes <= 30 and 1 <= args.days <= 60):
        parser.error("--orders 1-50,000, --yes 1-30, --days 1-60")
    RESULTS.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    rng = random.Random(args.seed)
    processes, recorder, phases, extra = stage.Processes("load"), Recorder(), [], []
    started = time.monotonic()
    watch = None

    def write_report(when: str) -> str:
        """The figures so far, to bench/results/load.txt: a run cut short keeps what it measured."""
        header = (
            f"bench/load.py, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores,"
            f" runtime {time.monotonic() - started:.0f} s ({when}); {args.branches} branches x"
            f" {args.workers_per_branch} workers, {args.orders} orders, {args.yes} YES each;"
            f" rates /s: orders {args.order_rate:g}, replies {args.reply_rate:g},"
            f" marks {args.mark_rate:g}; jobs processes {args.jobs_processes}"
        )
        peaks = [] if watch is None else watch.lines()
        out = header + "\n\n" + report(recorder, phases, extra + peaks)
        (RESULTS / "load.txt").write_text(out + "\n")
        return out

    try:
        print(f"seeding {args.branches} branches x {args.workers_per_branch} workers")
        stage.recreate_database(DB_NAME)
        stage.flush_redis(SETTINGS["BRIGADA_REDIS_URL"])
        network = seed(args.branches, args.workers_per_branch, rng)
        api = processes.start("api", ["-m", "brigada.cli", "api"], "Application startup complete")
        jobs = processes.start(
            "jobs",
            ["-m", "brigada.cli", "jobs", "--processes", str(args.jobs_processes), "--threads=8"],
            "Worker process is ready",
        )
        watch = MemoryWatch({"api": api.pid, "jobs": jobs.pid})
        time.sleep(3)

        # 1. Orders.
        created: list[dict] = []
        lock = threading.Lock()

        def post_order(client, job):
            entry, body = job
            response = recorder.call(
                client,
                "POST /api/v1/orders",
                "POST",
                "/api/v1/orders",
                json=body,
                headers=entry["office"],
            )
            if response is not None and response.status_code == 201:
                with lock:
                    created.append({**response.json(), "entry": entry})

        bodies = order_bodies(network, args.orders, args.days, rng)
        print(f"1. posting {len(bodies)} orders at {args.order_rate:.0f}/s")
        seconds = paced(bodies, args.order_rate, post_order)
        phases.append(("orders posted", len(bodies), seconds))
        catch_up = wait_until(
            # Wave 1 only: an order still short when its wave times out (wave_timeout_min) sends
            # wave 2, and those texts may go before the last of wave 1.
            "SELECT count(*) FROM offers o JOIN messages m ON m.offer_id = o.id"
            " WHERE o.wave = 1 AND m.kind = 'offer' AND m.provider_sid IS NOT NULL",
            30 * len(created),
            "wave-1 offers sent",
            CATCH_UP_LIMIT_S,
        )
        extra += [
            f"- wave 1 of every order handed to the gateway {catch_up:.1f} s after the last"
            f" order was posted ({30 * len(created)} offers)"
        ]
        write_report("after the orders")

        # 2. Replies.
        with psycopg.connect(stage.libpq_url(DB_NAME)) as conn:
            offered = conn.execute(
                "SELECT o.order_id, w.phone FROM offers o JOIN workers w ON w.id = o.worker_id"
                " ORDER BY o.order_id, o.rank"
            ).fetchall()
        by_order = defaultdict(list)
        for order_id, phone in offered:
            by_order[order_id].append(phone)
        codes = {o["id"]: o["code"] for o in created}
        replies = [
            (phone, codes[order_id])
            for order_id, phones in by_order.items()
            for phone in phones[: args.yes]
        ]
        rng.shuffle(replies)
        validator = RequestValidator(TWILIO_AUTH_TOKEN)
        url = f"{BASE_URL}/sms/inbound"

        def reply(client, job):
            phone, code = job
            form = {
                "MessageSid": "SM" + uuid.uuid4().hex,
                "From": phone,
                "To": "+74950000000",
                "Body": f"ДА {code}",
                "NumMedia": "0",
            }
            signature = validator.compute_signature(url, form)
            recorder.call(
                client,
                "POST /sms/inbound",
                "POST",
                "/sms/inbound",
                data=form,
                headers={"X-Twilio-Signature": signature},
            )

        print(f"2. {len(replies)} YES replies at {args.reply_rate:.0f}/s")
        seconds = paced(replies, args.reply_rate, reply)
        phases.append(("replies", len(replies), seconds))
        catch_up = wait_until(
            "SELECT count(*) FROM messages WHERE direction = 'in' AND status <> 'processed'",
            0,
            "replies processed",
            CATCH_UP_LIMIT_S,
        )
        booked = db_scalar("SELECT count(*) FROM offers WHERE status = 'booked'")
        extra.append(f"- every reply acted on {catch_up:.1f} s after the last; {booked} booked")
        write_report("after the replies")

        # 3. On site: the compression, then marks, close and timesheet per order.
        with psycopg.connect(stage.libpq_url(DB_NAME), autocommit=True) as conn:
            conn.execute(
                "UPDATE orders SET starts_at = now() - interval '1 hour',"
                " ends_at = now() + interval '7 hours' WHERE status <> 'cancelled'"
            )
            rows = conn.execute(
                "SELECT f.order_id, f.worker_id, o.starts_at FROM offers f"
                " JOIN orders o ON o.id = f.order_id WHERE f.status = 'booked'"
                " ORDER BY f.order_id, f.worker_id"
            ).fetchall()
        crews, starts = defaultdict(list), {}
        for order_id, worker_id, starts_at in rows:
            crews[order_id].append(worker_id)
            starts[order_id] = starts_at
        foremen = {o["id"]: o["entry"]["site_foreman"] for o in created}

        def what_happened(order_id: int, i: int) -> dict:
            """A crew of 15: 11 on time, 2 twenty minutes late, 1 sent home, 1 never came."""
            crew_size, start = len(crews[order_id]), starts[order_id]
            if i == crew_size - 1:
                return {"status": "no_show"}
            if i == crew_size - 2:
                return {"status": "released"}
            late = timedelta(minutes=20) if i % 6 == 5 else timedelta(minutes=-10)
            return {"status": "arrived", "at": (start + late).isoformat()}

        # Round-robin over the orders: many foremen marking at once, each one worker at a time
        # (marks of one order in a burst would only queue on that order's row lock).
        marks = [
            (order_id, crew[i], what_happened(order_id, i))
            for i in range(max(map(len, crews.values()), default=0))
            for order_id, crew in crews.items()
            if i < len(crew)
        ]

        def mark(client, job):
            order_id, worker_id, what = job
            recorder.call(
                client,
                "POST /api/v1/orders/{id}/attendance",
                "POST",
                f"/api/v1/orders/{order_id}/attendance",
                json={"worker_id": worker_id, **what},
                headers=foremen[order_id],
            )

        print(f"3. {len(marks)} marks at {args.mark_rate:.0f}/s, then {len(crews)} closes")
        seconds = paced(marks, args.mark_rate, mark)
        phases.append(("attendance marks", len(marks), seconds))
        write_report("after the marks")

        def close(client, order_id):
            headers = foremen[order_id]
            recorder.call(
                client,
                "POST /api/v1/orders/{id}/close",
                "POST",
                f"/api/v1/orders/{order_id}/close",
                headers=headers,
            )
            recorder.call(
                client,
                "GET /api/v1/orders/{id}/timesheet",
                "GET",
                f"/api/v1/orders/{order_id}/timesheet",
                headers=headers,
            )

        seconds = paced(list(crews), args.mark_rate / 2, close)
        phases.append(("closes + timesheets", 2 * len(crews), seconds))
        size = db_scalar(f"SELECT pg_size_pretty(pg_database_size('{DB_NAME}'))")
        counts = db_scalar(
            "SELECT format('%s orders, %s offers, %s messages, %s ledger entries',"
            " (SELECT count(*) FROM orders), (SELECT count(*) FROM offers),"
            " (SELECT count(*) FROM messages), (SELECT count(*) FROM penalty_events))"
        )
        extra += [f"- database {size}: {counts}"]
        memory = redis.Redis.from_url(SETTINGS["BRIGADA_REDIS_URL"]).info("memory")
        extra += [
            f"- Redis used_memory_peak {memory['used_memory_peak'] / 2**20:.1f} MB (the whole"
            " server's since it started)"
        ]
        watch.stop()  # a last reading of every process's peak
        print("\n" + write_report("complete"))
    finally:
        if watch is not None:
            watch.stop()
        processes.stop_all()
        with contextlib.suppress(redis.RedisError):
            stage.flush_redis(SETTINGS["BRIGADA_REDIS_URL"])


if __name__ == "__main__":
    main()
