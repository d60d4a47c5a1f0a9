"""The periodic work, enqueued on the broker by the leading scheduler process (APScheduler)."""

import contextlib
import logging
import signal
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler

from core import logmask
from core.heartbeat import heartbeat
from core.idempotency_tasks import idempotency_expired
from core.leader import Leadership
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
from sms.tasks import bodies_due

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
    (bodies_due, 3600),  # issue 22: message bodies past BRIGADA_MESSAGE_BODY_KEEP_DAYS blanked
)


def _send_while_leading(actor, leadership: Leadership) -> Callable[[], None]:
    def send() -> None:
        # Asked of the database at each send: a lead lost since the last check sends nothing.
        if leadership.confirm():
            actor.send()

    return send


def schedule_periodic(scheduler: BaseScheduler, leadership: Leadership) -> None:
    """The periodic work, the first of each at once (a new leader catches up what a dead one
    may have left)."""
    for actor, every_s in PERIODIC:
        # coalesce: after a pause, run once, not once per missed tick.
        scheduler.add_job(
            _send_while_leading(actor, leadership),
            "interval",
            seconds=every_s,
            id=actor.actor_name,
            name=actor.actor_name,
            coalesce=True,
            max_instances=1,
            next_run_time=datetime.now(UTC),
        )


def lead_while_chosen(
    leadership: Leadership, stopping: threading.Event, *, retry_s: float, every_s: float
) -> None:
    """Schedule the periodic work only while this process holds the lead (issue 22 part 3):
    several schedulers may run, one leads; a follower tries to lead every retry_s, the leader
    checks its hold every every_s (and before each send)."""
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.start()
    scheduling = following_logged = False
    try:
        while not stopping.is_set():
            if scheduling:
                if not leadership.confirm():  # the connection died, or was ended
                    scheduler.remove_all_jobs()
                    scheduling = False
                    log.warning("stepped down: the lead was lost; following, retrying")
                    following_logged = True
            elif leadership.claim():
                log.info("leader: scheduling the periodic work (%s)", leadership.application_name)
                schedule_periodic(scheduler, leadership)
                scheduling, following_logged = True, False
            elif not following_logged:
                log.info(
                    "follower: another scheduler leads (or none can); trying every %s s", retry_s
                )
                following_logged = True
            stopping.wait(every_s if scheduling else retry_s)
    finally:
        scheduler.shutdown(wait=False)
        leadership.release()


def run_scheduler() -> None:
    settings = get_settings()
    logmask.install(settings)  # phones and secrets never reach the scheduler's log
    logging.basicConfig(level=logging.INFO, format="%(asctime)s scheduler %(message)s")
    for actor, every_s in PERIODIC:
        log.info("periodic %s every %s s (while leading)", actor.actor_name, every_s)
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    with contextlib.suppress(KeyboardInterrupt):
        lead_while_chosen(
            Leadership(settings.database_url),
            stopping,
            retry_s=settings.scheduler_retry_s,
            every_s=settings.scheduler_check_s,
        )
