"""The periodic work, enqueued on the broker by one scheduler process (APScheduler)."""

import contextlib
import logging
import signal
from datetime import UTC, datetime

from apscheduler.schedulers.blocking import BlockingScheduler

from core import logmask
from core.heartbeat import heartbeat
from core.idempotency_tasks import idempotency_expired
from core.partition_tasks import partitions_due
from core.settings import get_settings
from dispatch.applicants.tasks import applicants_expired, applicants_silent
from dispatch.fill.tasks import before_shift, reconcile
from dispatch.hooks.tasks import reconcile_webhooks
from dispatch.penalties.tasks import disputes_deadline_passed, no_show_window_passed
from dispatch.repeat.tasks import repeat_due
from dispatch.reports.tasks import reports_refresh
from dispatch.shift.tasks import checkin_codes_due, marks_due, milestones, no_show_sweep
from dispatch.texts.tasks import reconcile_sms

log = logging.getLogger("brigada.scheduler")

# (job, every seconds): the heartbeat proves the pipeline; the reconciler re-enqueues overdue
# waves and stuck SMS, so a lost job delays work by a minute or so; a no-show that has left
# the strike window gives the worker's rating back within a minute; a foreman's pending mark
# that its delayed job missed counts within a minute of its undo window's end.
PERIODIC = (
    (heartbeat, 30),
    (reconcile, 60),
    (reconcile_sms, 60),
    (before_shift, 60),
    (no_show_sweep, 60),
    (no_show_window_passed, 60),
    (marks_due, 60),
    (repeat_due, 60),  # each weekly pattern's day placed lead_h before its start, once
    (reconcile_webhooks, 60),  # webhook deliveries a lost job or a dead sender left due
    (milestones, 60),  # clients told: short two hours before the start, the shift started
    (applicants_silent, 600),  # issue 19: registration dialogues silent for 48 h end
    (applicants_expired, 3600),  # applications closed for 180 days are forgotten (152-FZ)
    (idempotency_expired, 3600),  # issue 20: Idempotency-Keys older than 24 h are deleted
    (disputes_deadline_passed, 60),  # a worker's dispute unanswered by its deadline: reversed
    (checkin_codes_due, 60),  # issue 20: ПРИШЕЛ <code> texts a lost job left unread
    (reports_refresh, 300),  # issue 21: report rollups of the branch-days touched since
    (partitions_due, 3600),  # issue 22: history's months made ahead, past retention dropped
)


def build_scheduler() -> BlockingScheduler:
    scheduler = BlockingScheduler(timezone="UTC")
    for actor, every_s in PERIODIC:
        # coalesce: after a pause, run once, not once per missed tick.
        scheduler.add_job(
            actor.send,
            "interval",
            seconds=every_s,
            id=actor.actor_name,
            coalesce=True,
            max_instances=1,
            next_run_time=datetime.now(UTC),
        )
    return scheduler


def run_scheduler() -> None:
    logmask.install(get_settings())  # phones and secrets never reach the scheduler's log
    logging.basicConfig(level=logging.INFO, format="%(asctime)s scheduler %(message)s")
    scheduler = build_scheduler()
    for job in scheduler.get_jobs():
        log.info("scheduled %s every %s", job.id, job.trigger)

    def stop(*_):
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        scheduler.start()
