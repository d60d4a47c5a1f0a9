"""One scheduler leads: a session advisory lock on a connection of its own (real PostgreSQL)."""

import logging
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from core.leader import Leadership, leaders, libpq_url
from core.settings import get_settings


@pytest.fixture
def two() -> Iterator[tuple[Leadership, Leadership]]:
    url = get_settings().database_url
    first, second = Leadership(url), Leadership(url)
    yield first, second
    first.release()
    second.release()


def _terminate(connection, backend_pid: int | None) -> None:
    # With a timeout it waits until the session is gone (and its locks with it).
    assert backend_pid is not None
    ended = connection.execute(
        text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": backend_pid}
    )
    assert ended.scalar_one() is True


def test_one_leads_the_other_does_not(two, session):
    first, second = two
    assert first.claim() is True
    assert second.claim() is False
    assert (first.confirm(), second.confirm()) == (True, False)
    assert first.claim() is True  # claiming again while leading keeps the lead
    assert leaders(session) == 1


def test_released_lead_is_taken_by_the_other(two, session):
    first, second = two
    assert first.claim() and not second.claim()
    first.release()
    assert first.leading is False
    assert second.claim() is True
    assert first.claim() is False
    assert leaders(session) == 1
    second.release()
    assert leaders(session) == 0


def test_a_leader_whose_connection_is_killed_notices_and_steps_down(two, connection):
    first, second = two
    assert first.claim() and not second.claim()
    _terminate(connection, first.backend_pid())
    # PostgreSQL freed the lock with the session: the other can lead at once.
    assert second.claim() is True
    assert first.confirm() is False
    assert first.leading is False
    assert first.claim() is False  # it reconnects, and finds the lead taken


def test_a_follower_whose_connection_died_claims_afresh_in_one_try(two, connection):
    first, second = two
    assert first.claim() and not second.claim()
    _terminate(connection, second.backend_pid())
    first.release()
    assert second.claim() is True


def test_an_unreachable_database_means_not_leading():
    # Nothing listens on port 1: a real refused connection.
    nowhere = Leadership("postgresql+psycopg://postgres@127.0.0.1:1/brigada")
    assert nowhere.claim() is False
    assert nowhere.confirm() is False


def test_the_settings_url_is_read_by_libpq():
    url = "postgresql+psycopg://user:p%40ss@db.example:5433/brigada?sslmode=require"
    assert libpq_url(url) == "postgresql://user:p%40ss@db.example:5433/brigada?sslmode=require"


def test_an_unreachable_database_is_logged_once_not_at_every_retry(caplog):
    # Nothing listens on port 1: each claim fails at once, as while the server is down.
    ours = Leadership("postgresql+psycopg://postgres@127.0.0.1:1/brigada")
    caplog.set_level(logging.INFO, logger="brigada.leader")
    try:
        assert [ours.claim() for _ in range(3)] == [False, False, False]
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 1 and "cannot reach the database" in warnings[0].getMessage()
        ours.url = libpq_url(get_settings().database_url)  # the server is back
        assert ours.claim() is True
        assert ours.claim() is True
        assert [r.getMessage() for r in caplog.records].count("the database answers again") == 1
    finally:
        ours.release()
