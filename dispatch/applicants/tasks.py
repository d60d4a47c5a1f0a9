"""The applicants' sweep: dialogues silent for 48 hours end politely (each in its own
transaction; the row lock and a re-check make a repeat or a race a no-op)."""

import logging

import dramatiq

from core.broker import setup_broker
from core.jobs import each_apart
from dispatch.applicants import dialogue

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
