"""The periodic work, enqueued on the broker by one scheduler process (APScheduler)."""

import contextlib
import logging
import signal
from datetime import UTC, datetime

from apscheduler.schedulers.blocking import BlockingScheduler

from core.broker import setup_broker

log = logging.getLogger("brigada.scheduler")

HEARTBEAT_S = 30
RECONCILE_S = 60  # overdue waves go out at most this late after a lost job


def build_scheduler() -> BlockingScheduler:
    setup_broker()
    from core.heartbeat import heartbeat
    from dispatch.tasks import reconcile

    scheduler = BlockingScheduler(timezone="UTC")
    # coalesce: after a pause, run once, not once per missed tick.
    scheduler.add_job(
        heartbeat.send,
        "interval",
        seconds=HEARTBEAT_S,
        id="core.heartbeat",
        coalesce=True,
        max_instances=1,
        next_run_time=datetime.now(UTC),
    )
    scheduler.add_job(
        reconcile.send,
        "interval",
        seconds=RECONCILE_S,
        id="dispatch.reconcile",
        coalesce=True,
        max_instances=1,
        next_run_time=datetime.now(UTC),
    )
    return scheduler


def run_scheduler() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s scheduler %(message)s")
    scheduler = build_scheduler()
    for job in scheduler.get_jobs():
        log.info("scheduled %s every %s", job.id, job.trigger)

    def stop(*_):
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        scheduler.start()
