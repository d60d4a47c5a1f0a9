"""Jobs enqueued in a transaction leave only when it commits (real Redis broker)."""

import json

from core.broker import setup_broker
from core.jobs import enqueue_after_commit, pending_jobs
from core.redis import get_redis

setup_broker()
QUEUED = "brigada:default.msgs"  # dramatiq's Redis broker keeps queued messages in this hash


def _queued_args() -> list[list]:
    return sorted(json.loads(raw)["args"] for raw in get_redis().hvals(QUEUED))


def test_job_is_sent_after_commit(session_factory):
    with session_factory() as session:
        enqueue_after_commit(session, "core.heartbeat")
        assert get_redis().hlen(QUEUED) == 0  # nothing leaves before the commit
        session.commit()
    assert get_redis().hlen(QUEUED) == 1


def test_job_is_dropped_on_rollback(session_factory):
    with session_factory() as session:
        enqueue_after_commit(session, "core.heartbeat")
        session.rollback()
        session.commit()  # a later commit must not resurrect the dropped job
    assert get_redis().hlen(QUEUED) == 0


def test_savepoint_rollback_keeps_the_outer_jobs(session_factory):
    with session_factory() as session:
        enqueue_after_commit(session, "core.heartbeat")
        with session.begin_nested() as savepoint:
            savepoint.rollback()
        session.commit()
    assert get_redis().hlen(QUEUED) == 1


def test_a_rolled_back_savepoint_drops_its_own_jobs(session_factory):
    with session_factory() as session:
        enqueue_after_commit(session, "dispatch.fill", 1)
        savepoint = session.begin_nested()
        enqueue_after_commit(session, "dispatch.fill", 2)  # asked for by the undone work
        savepoint.rollback()
        assert pending_jobs(session) == [("dispatch.fill", (1,))]
        session.commit()
    assert _queued_args() == [[1]]


def test_a_failed_block_in_a_savepoint_drops_its_jobs(session_factory):
    with session_factory() as session:
        try:
            with session.begin_nested():
                enqueue_after_commit(session, "dispatch.fill", 7)
                raise ValueError("a refused CSV row")
        except ValueError:
            pass
        session.commit()
    assert get_redis().hlen(QUEUED) == 0


def test_a_released_savepoint_hands_its_jobs_to_the_outer_commit(session_factory):
    with session_factory() as session:
        with session.begin_nested():
            enqueue_after_commit(session, "dispatch.fill", 3)
        assert get_redis().hlen(QUEUED) == 0  # a release is not the commit: nothing leaves yet
        session.commit()
    assert _queued_args() == [[3]]


def test_jobs_of_a_released_savepoint_die_with_the_outer_rollback(session_factory):
    with session_factory() as session:
        with session.begin_nested():
            enqueue_after_commit(session, "dispatch.fill", 4)
        session.rollback()
        session.commit()
    assert get_redis().hlen(QUEUED) == 0


def test_rolling_back_a_savepoint_drops_the_jobs_of_savepoints_inside_it(session_factory):
    with session_factory() as session:
        outer = session.begin_nested()
        enqueue_after_commit(session, "dispatch.fill", 5)
        with session.begin_nested():
            enqueue_after_commit(session, "dispatch.fill", 6)
        inner = session.begin_nested()
        enqueue_after_commit(session, "dispatch.fill", 8)
        inner.commit()
        outer.rollback()
        assert pending_jobs(session) == []
        session.commit()
    assert get_redis().hlen(QUEUED) == 0


def test_a_reply_has_a_queue_of_its_own_that_the_jobs_process_consumes(session_factory):
    with session_factory() as session:
        enqueue_after_commit(session, "dispatch.fill", 1)
        enqueue_after_commit(session, "sms.inbound", 1)
        session.commit()
    assert get_redis().hlen(QUEUED) == 1
    assert get_redis().hlen("brigada:replies.msgs") == 1  # not behind a wave of offer texts
    import dispatch.fill.tasks  # noqa: F401  (declares the actors, as `brigada jobs` does)
    import dispatch.replies.tasks  # noqa: F401

    assert {"default", "replies"} <= setup_broker().get_declared_queues()
