"""The job that imports a console's CSV import run, batch by batch."""

import logging

import dramatiq

from core.broker import setup_broker
from core.db import session_scope
from workers import import_runs

setup_broker()

log = logging.getLogger("brigada.jobs")


@dramatiq.actor(actor_name=import_runs.JOB, max_retries=0, time_limit=3_600_000)
def import_run(run_id: int) -> None:
    """Each batch is its own transaction, with the run's progress and report: the page sees
    the progress as it commits, and a delivery again resumes after the last batch."""
    try:
        with session_scope() as session:
            loaded = import_runs.load_for_job(session, run_id)
        if loaded is None:
            return
        rows, seen = loaded
        more = True
        while more:
            with session_scope() as session:
                more = import_runs.import_batch(session, run_id, rows, seen)
    except Exception as exc:
        log.exception("import run %s failed", run_id)
        with session_scope() as session:
            import_runs.fail(session, run_id, f"{type(exc).__name__}")
