"""The on-site jobs: the no-show sweep, punishing marks applied when their undo window is
over (one delayed job per mark, and a sweep for those a lost job left pending), and check-ins
by the site's code (one job per text, and a sweep for those a lost job left unread)."""

import logging

import dramatiq

from core.broker import setup_broker
from core.clock import now
from core.db import session_scope
from core.jobs import each_apart
from dispatch.shift import codes, onsite
from dispatch.shift import milestones as milestones_

setup_broker()

log = logging.getLogger("brigada.jobs")


@dramatiq.actor(actor_name="dispatch.checkin_by_code", max_retries=5)
def checkin_by_code(message_id: int) -> None:
    """A worker's ПРИШЕЛ <code> the inbox handed on (dispatch/replies/arrival.py), once."""
    with session_scope() as session:
        log.info("message %s: %s", message_id, codes.by_sms(session, message_id, now()))


@dramatiq.actor(actor_name="dispatch.checkin_codes_due", max_retries=0, max_age=120_000)
def checkin_codes_due() -> None:
    """ПРИШЕЛ <code> texts still unread SWEEP_GRACE after the inbox handed them on (their job
    lost): each read as the job would (codes.by_sms, which lets the job or this act, not
    both), in its own transaction, so one failure holds up no other."""
    each_apart(
        codes.waiting,
        codes.by_sms,
        failed="reading the check-in code text %s failed",
        log=log,
    )


@dramatiq.actor(actor_name="dispatch.no_show_sweep", max_retries=0, max_age=120_000)
def no_show_sweep() -> None:
    """Booked workers still unmarked late_as_no_show_min after the start become no-shows;
    each order in its own transaction, so one failure does not hold up the rest."""
    each_apart(
        onsite.orders_due_for_sweep,
        onsite.sweep_no_shows,
        failed="no-show sweep of order %s failed",
        log=log,
    )


@dramatiq.actor(actor_name="dispatch.settle_mark", max_retries=5)
def settle_mark(offer_id: int) -> None:
    """A pending punishing mark whose undo window is over counts now (a no-op if it was
    undone, replaced or already applied: the row locks decide)."""
    with session_scope() as session:
        onsite.settle_pending(session, offer_id, now())


@dramatiq.actor(actor_name="dispatch.marks_due", max_retries=0, max_age=120_000)
def marks_due() -> None:
    """Pending marks past their window that no delayed job applied (lost, or the jobs process
    down when it came due): each in its own transaction, so one failure holds up no other."""
    each_apart(
        onsite.pending_due,
        onsite.settle_pending,
        failed="settling the pending mark of offer %s failed",
        log=log,
    )


@dramatiq.actor(actor_name="dispatch.milestones", max_retries=0, max_age=120_000)
def milestones() -> None:
    """The client events the clock brings: short two hours before the start, shift started."""
    each_apart(
        milestones_.short_due,
        milestones_.report_short,
        failed="the short notice of order %s failed",
        log=log,
    )
    each_apart(
        milestones_.started_due,
        milestones_.report_started,
        failed="the start notice of order %s failed",
        log=log,
    )
