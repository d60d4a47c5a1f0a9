"""The applicants' sweeps: dialogues silent for 48 hours end politely; applications closed
for half a year are forgotten (each in its own transaction; the row lock and a re-check make
a repeat or a race a no-op)."""

import logging

import dramatiq

from core.broker import setup_broker
from core.jobs import each_apart
from dispatch.applicants import dialogue, forget

setup_broker()

log = logging.getLogger("brigada.jobs")


@dramatiq.actor(actor_name="dispatch.applicants_silent", max_retries=0, max_age=120_000)
def applicants_silent() -> None:
    each_apart(
        dialogue.silent,
        dialogue.end_silent,
        failed="ending the silent dialogue of applicant %s failed",
        log=log,
    )


@dramatiq.actor(actor_name="dispatch.applicants_expired", max_retries=0, max_age=3_600_000)
def applicants_expired() -> None:
    each_apart(
        forget.expired,
        forget.forget_expired,
        failed="forgetting the expired application %s failed",
        log=log,
    )
