"""Webhook and first-wave benchmark: Twilio's inbound SMS webhook under a fixed offered load,
and the time from a new order to the last offer of its first wave handed to the SMS gateway.

What it measures
    1. POST /sms/inbound on the real API (`python -m brigada.cli api`: uvicorn with
       --web-concurrency processes, default 2 as deployed) with signed, Twilio-shaped form
       posts: a unique MessageSid each, Body like "ДА 482", From a seeded worker's phone.
       Open loop: request i is due at start + i / rate whatever the answers do, and its
       latency counts from when it was due, so neither a slow server nor a late client
       hides queueing. Not counted: 15 s at 100/s once the API is up (its pools fill) and
       3 s at each rate before it is measured. Per offered rate: the
       achieved rate (200s / time from the first due to the last answer), p50 / p95 / p99 /
       max, non-200 answers, rows stored, the API's own middleware timing (GET /metrics), new
       database sessions, and where the CPU went (/proc: the API, jobs, PostgreSQL, Redis,
       this client, anything else). Defaults: 200/s (target p95 < 50 ms), 250, 300 and 400/s
       with the API alone, then 200/s with a jobs process acting on the replies as they come
       (per reply: an sms.inbound job that queues a "no open offer" text, and its sms.send
       job), as it would on one 2-core host, on a freshly restarted and warmed-up API (the
       400/s overload before leaves its heap and pools grown; --same-api skips the restart).
    2. With a jobs process (`python -m brigada.cli jobs --threads 8`: at nice 10, as deployed), the
       outbox gateway and no sending limit: orders posted through POST /api/v1/orders (as a
       dispatcher with a token from POST /api/v1/auth/token; headcount 10, fixed overbooking
       1.5, wave multiple 2: a 30-offer first wave, at one of 6 sites among 5,000 workers
       within 15 km). For each, the last offer message's sent_at minus the order's created_at
       (both in the database; created_at is when the POST's transaction began) and, as a
       cross-check, the wall clock from the POST's answer until a poller (every 10 ms) sees
       all 30 'sent'. First N orders one at a time, 3 s apart so the jobs process is idle
       when each comes (as between a dispatcher's orders), then a burst posted back to back.

The client: one process per 150 requests/s (dealt round-robin from one schedule), each with
32 threads sharing an httpx client with 32 keep-alive connections. One Python process with
httpx costs ~0.7-1 ms of CPU per request; a single one cannot offer 400/s on this machine,
and once behind it queues in its own pool and measures itself instead of the server.

How to run (from the repository root; PostgreSQL + PostGIS on 127.0.0.1:5432, user postgres;
Redis on 127.0.0.1:6379; best on an otherwise idle machine: each run waits up to 60 s for
one and reports other processes' CPU)
    .venv/bin/python bench/webhook.py                  # ~5 min
    .venv/bin/python bench/webhook.py --rates 200 400 --duration 20 --orders 30 --burst 10

    It drops and recreates its own database, brigada_webhook_bench (PostGIS, the project's
    Alembic migrations), flushes Redis db 9 (its own) at the start and the end, and starts
    the API and jobs processes on a free port; every request goes to 127.0.0.1 (where the API
    listens: `brigada api`'s default BRIGADA_HOST). The processes are stopped at the end, on
    error and on Ctrl-C or SIGTERM. Their logs go to bench/results/webhook-*.log, the figures
    to stdout and bench/results/webhook.txt.

Its database, settings and data: bench/webhook_seed.py; where the CPU went: bench/webhook_cpu.py;
part 1: bench/webhook_inbound.py; part 2: bench/webhook_orders.py.
"""

import argparse
import contextlib
import os
import random
import signal
import sys
import time
from datetime import UTC, datetime

import redis
import stage
from webhook_cpu import BUSY, cpu_by_owner, cpu_line, wait_for_quiet
from webhook_inbound import (
    open_loop,
    signed_requests,
    wait_for_replies_handled,
    webhook_phase,
    webhook_table,
)
from webhook_orders import orders_phase, orders_table
from webhook_seed import BASE_URL, DB_NAME, RESULTS, SETTINGS, seed

API_WARMUP_S = 15  # at 100/s after the API starts: its pools fill, its first full GCs run
API_ARGS = ["-m", "brigada.cli", "api"]


# ---------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rates", type=float, nargs="+", default=[200, 250, 300, 400])
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per rate")
    parser.add_argument("--with-jobs-rate", type=float, default=200, help="0: skip that run")
    parser.add_argument("--orders", type=int, default=30)
    parser.add_argument("--order-gap", type=float, default=3.0, help="seconds between orders")
    parser.add_argument("--burst", type=int, default=10)
    parser.add_argument("--workers", type=int, default=5000)
    parser.add_argument("--sites", type=int, default=6)
    parser.add_argument(
        "--same-api",
        action="store_true",
        help="run the jobs rate on the API the rates before loaded (default: a fresh one)",
    )
    parser.add_argument(
        "--web-concurrency", type=int, default=2, help="uvicorn processes (BRIGADA_WEB_CONCURRENCY)"
    )
    args = parser.parse_args()
    if not all(0 < r <= 2000 for r in [*args.rates, args.with_jobs_rate or 1]):
        parser.error("rates must be 1-2000 per second")
    if not 1 <= args.duration <= 120 or not 0 <= args.order_gap <= 60:
        parser.error("--duration must be 1-120 s, --order-gap 0-60 s")
    if not (0 <= args.orders <= 500 and 0 <= args.burst <= 100 and 100 <= args.workers <= 10**6):
        parser.error("--orders 0-500, --burst 0-100, --workers 100-1,000,000")
    if not 1 <= args.web_concurrency <= 8:
        parser.error("--web-concurrency must be 1-8")
    os.environ["BRIGADA_WEB_CONCURRENCY"] = str(args.web_concurrency)
    api_shape = f"uvicorn, {args.web_concurrency} process{'es' if args.web_concurrency > 1 else ''}"
    RESULTS.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally below
    processes = stage.Processes("webhook")
    started = time.monotonic()
    try:
        print(f"database {DB_NAME}: recreating, migrating, seeding {args.workers} workers")
        stage.recreate_database(DB_NAME)
        stage.flush_redis(SETTINGS["BRIGADA_REDIS_URL"])
        scene = seed(args.workers, args.sites, random.Random(1))
        api = processes.start("api", API_ARGS, "Application startup complete")
        groups = {"api": api.pid}
        print(f"API on {BASE_URL} ({api_shape}), pid {api.pid}; warming up")
        wait_for_quiet(60)
        open_loop(signed_requests(API_WARMUP_S * 100, "ww", scene.phones, random.Random(2)), 100)

        webhook_rows = []
        for k, rate in enumerate(args.rates):
            label = f"{rate:.0f}/s, API alone"
            webhook_rows.append(
                webhook_phase(label, f"{k:02d}", rate, args.duration, scene, groups)
            )
            time.sleep(2)
        stage.flush_redis(
            SETTINGS["BRIGADA_REDIS_URL"]
        )  # the replies' jobs: nobody was there to run them; drop them
        if args.with_jobs_rate and args.rates and not args.same_api:
            # An API just driven past its limit has grown its heap and pools: the steady state
            # a deployment runs in is a fresh one (--same-api measures the other).
            processes.stop("api")
            api = processes.start("api", API_ARGS, "Application startup complete")
            groups["api"] = api.pid
            wait_for_quiet(60)
            warm = signed_requests(API_WARMUP_S * 100, "wx", scene.phones, random.Random(3))
            open_loop(warm, 100)
            stage.flush_redis(SETTINGS["BRIGADA_REDIS_URL"])
        if args.with_jobs_rate or args.orders or args.burst:
            jobs_args = ["-m", "brigada.cli", "jobs", "--threads", "8"]  # nice 10, as deployed
            jobs = processes.start("jobs", jobs_args, "Worker process is ready for action")
            groups["jobs"] = jobs.pid
        if args.with_jobs_rate:
            rate = args.with_jobs_rate
            label = f"{rate:.0f}/s, jobs process acting on the replies"
            webhook_rows.append(webhook_phase(label, "99", rate, args.duration, scene, groups))
            drained = wait_for_replies_handled("99", 120)
            print(f"    replies handled and their texts sent {drained:.1f} s after the load")
        else:
            drained = None
        single, bursty, orders_notes = [], [], []
        if args.orders or args.burst:
            print(
                f"orders: {args.orders} one at a time, {args.order_gap:.0f} s apart,"
                f" then a burst of {args.burst}"
            )
            wait_for_quiet(60)
            before, t0 = cpu_by_owner(groups), time.monotonic()
            single, bursty = orders_phase(scene, args.orders, args.burst, args.order_gap)
            cpu, other = cpu_line(before, cpu_by_owner(groups), time.monotonic() - t0)
            busy = " (other processes were busy: not clean)" if other > BUSY else ""
            orders_notes = [
                "",
                orders_table(
                    [
                        ("one at a time", single),
                        (f"burst of {args.burst} posted back to back", bursty),
                    ]
                ),
                "",
                f"- {cpu}{busy}",
            ]
    finally:
        processes.stop_all()
        with contextlib.suppress(redis.RedisError):
            stage.flush_redis(SETTINGS["BRIGADA_REDIS_URL"])
    runtime = time.monotonic() - started
    report = "\n".join(
        [
            f"bench/webhook.py, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores,"
            f" runtime {runtime:.0f} s; API: {api_shape}; {args.workers} workers",
            "",
            webhook_table(webhook_rows),
            "",
            *(f"- {row.label}: {row.notes}" for row in webhook_rows),
            *(
                [f"- replies handled, texts sent: {drained:.1f} s after the load ended"]
                if drained is not None
                else []
            ),
            *orders_notes,
        ]
    )
    print("\n" + report)
    (RESULTS / "webhook.txt").write_text(report + "\n")


if __name__ == "__main__":
    main()
