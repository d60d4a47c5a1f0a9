"""The job that recomputes workers whose no-show has left the strike window."""

import logging

import dramatiq

from core.broker import setup_broker
from core.jobs import each_apart
from dispatch.penalties import disputes, record

setup_broker()

log = logging.getLogger("brigada.jobs")


@dramatiq.actor(actor_name="rating.no_show_window_passed", max_retries=0, max_age=120_000)
def no_show_window_passed() -> None:
    """A no-show that has left the strike window no longer caps the rating: recompute those
    workers' figures, each in its own transaction (the next tick retries a failure)."""
    each_apart(
        record.past_no_show_window,
        record.refresh_worker,
        failed="recomputing worker %s after their no-show window failed",
        log=log,
    )


@dramatiq.actor(actor_name="disputes.deadline_passed", max_retries=0, max_age=120_000)
def disputes_deadline_passed() -> None:
    """Disputes the office left unanswered past the branch's dispute_deadline_h: each case
    reversed in its own transaction ("not answered by the deadline"); a case held by a
    decision right now is skipped, and the next tick sees it decided or still due."""
    each_apart(
        disputes.overdue,
        disputes.auto_reverse,
        failed="reversing dispute %s at its deadline failed",
        log=log,
    )
