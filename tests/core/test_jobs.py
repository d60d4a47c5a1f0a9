"""Jobs enqueued in a transaction leave only when it commits (real Redis broker)."""

from core.broker import setup_broker
from core.jobs import enqueue_after_commit
from core.redis import get_redis

setup_broker()
QUEUED = "brigada:default.msgs"  # dramatiq's Redis broker keeps queued messages in this hash


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


def test_a_reply_has_a_queue_of_its_own_that_the_jobs_process_consumes(session_factory):
    with session_factory() as session:
        enqueue_after_commit(session, "dispatch.fill", 1)
        enqueue_after_commit(session, "sms.inbound", 1)
        session.commit()
    assert get_redis().hlen(QUEUED) == 1
    assert get_redis().hlen("brigada:replies.msgs") == 1  # not behind a wave of offer texts
    import dispatch.tasks  # noqa: F401  (declares the actors, as `brigada jobs` does)

    assert {"default", "replies"} <= setup_broker().get_declared_queues()
