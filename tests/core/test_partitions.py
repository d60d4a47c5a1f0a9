"""The audit log is kept as monthly partitions (migration 0057, core/partitions.py): rows land
in their month, the keeping job makes the coming months and drops those past retention by
DETACH and DROP, a row that fell into the default partition moves into its month. A test
clock (the job's `moment`) stands in for the years; all DDL is rolled back with the test."""

import threading
import time
from datetime import UTC, date, datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from core import audit, partitions
from core.db import make_engine
from core.partition_tasks import keep_partitions
from core.settings import get_settings

AUDIT = partitions.AUDIT


def _where(session, entry_id: int) -> str:
    return session.execute(
        text("SELECT tableoid::regclass::text FROM audit_log WHERE id = :id"), {"id": entry_id}
    ).scalar_one()


def _row_at(session, at: datetime) -> int:
    return session.execute(
        text(
            "INSERT INTO audit_log (at, actor, action, entity, entity_ids, detail) "
            "VALUES (:at, 'test', 'test.row', 'order', '[]', '{}') RETURNING id"
        ),
        {"at": at},
    ).scalar_one()


def _tables(session) -> set[str]:
    found = session.execute(text("SELECT relname FROM pg_class WHERE relname LIKE 'audit_log%'"))
    return set(found.scalars())


def test_the_audit_log_is_partitioned_and_a_row_lands_in_its_month(session):
    kind = session.execute(text("SELECT relkind FROM pg_class WHERE relname = 'audit_log'"))
    assert kind.scalar_one() == "p"
    entry = audit.record(session, actor_user_id=None, actor="t", action="a.b", entity="order")
    session.flush()
    this_month = partitions.month_of(datetime.now(UTC))
    assert _where(session, entry.id) == partitions.partition_name("audit_log", this_month)
    ahead = get_settings().partitions_ahead_months
    made = partitions.months(session, AUDIT)
    assert {partitions.add_months(this_month, i) for i in range(ahead + 1)} <= set(made)


def test_the_coming_months_are_made_and_a_stray_row_moves_into_its_month(session):
    later = datetime(2031, 5, 15, 9, tzinfo=UTC)
    stray = _row_at(session, datetime(2031, 6, 30, 23, 59, tzinfo=UTC))
    assert _where(session, stray) == "audit_log_default"
    made = partitions.ensure_ahead(session, AUDIT, now=later, ahead=3)
    assert made == [
        "audit_log_2031_05",
        "audit_log_2031_06",
        "audit_log_2031_07",
        "audit_log_2031_08",
    ]
    assert _where(session, stray) == "audit_log_2031_06"
    first_of_july = _row_at(session, datetime(2031, 7, 1, tzinfo=UTC))  # the bound is UTC
    assert _where(session, first_of_july) == "audit_log_2031_07"
    assert partitions.ensure_ahead(session, AUDIT, now=later, ahead=3) == []  # idempotent


def test_months_past_retention_are_detached_and_dropped(session):
    partitions.ensure_ahead(session, AUDIT, now=datetime(2019, 1, 10, tzinfo=UTC), ahead=2)
    old = _row_at(session, datetime(2019, 2, 3, tzinfo=UTC))
    kept = _row_at(session, datetime(2019, 3, 3, tzinfo=UTC))
    gone = partitions.drop_before(session, AUDIT, keep_from=date(2019, 3, 1))
    assert gone == ["audit_log_2019_01", "audit_log_2019_02"]
    assert {"audit_log_2019_01", "audit_log_2019_02"}.isdisjoint(_tables(session))
    ids = set(
        session.execute(
            text("SELECT id FROM audit_log WHERE id IN (:a, :b)"), {"a": old, "b": kept}
        ).scalars()
    )
    assert ids == {kept}


def test_the_job_keeps_the_years_and_the_months_ahead(session_factory, session):
    """At a moment six years on, the job drops the months more than five years before it
    (audit_keep_years) and makes that moment's months ahead."""
    partitions.ensure_ahead(session, AUDIT, now=datetime(2030, 10, 1, tzinfo=UTC), ahead=2)
    session.commit()  # a savepoint released: the job's own sessions see these months
    done = keep_partitions(datetime(2035, 11, 20, tzinfo=UTC), factory=session_factory)
    made = partitions.months(session, AUDIT)
    assert date(2030, 10, 1) not in made and date(2030, 11, 1) in made
    assert "audit_log_2030_10" in done["audit_log"]
    assert {date(2035, 11, 1), date(2036, 2, 1)} <= set(made)
    assert partitions.month_of(datetime.now(UTC)) not in made  # years past: the test clock's


def test_a_stray_row_written_while_its_month_is_made_moves_into_it(engine):
    """A row of the month being written into the default partition while the month is made:
    the making waits for it and moves it too (without the lock it was either lost between
    the copy and the delete, or failed the ATTACH)."""
    racing = make_engine(get_settings().database_url)
    result: dict[str, object] = {}
    try:
        with racing.connect() as writer, racing.connect() as keeper:
            writer.begin()
            stray = _row_at(writer, datetime(2032, 3, 5, tzinfo=UTC))  # not committed yet
            keeper.begin()
            pid = keeper.execute(text("SELECT pg_backend_pid()")).scalar_one()

            def make() -> None:
                try:
                    partitions.create_month(Session(bind=keeper), AUDIT, date(2032, 3, 1))
                    result["where"] = _where(keeper, stray)
                except Exception as exc:  # noqa: BLE001  (the test reports it)
                    result["error"] = exc

            thread = threading.Thread(target=make)
            thread.start()
            with racing.connect() as watch:  # until the keeper waits for the writer's lock
                for _ in range(200):
                    waiting = watch.execute(
                        text("SELECT wait_event_type FROM pg_stat_activity WHERE pid = :p"),
                        {"p": pid},
                    ).scalar_one_or_none()
                    if waiting == "Lock":
                        break
                    time.sleep(0.02)
            writer.commit()
            thread.join(10)
            keeper.rollback()  # the month, and the row's move, undone
            with racing.begin() as tidy:
                tidy.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": stray})
    finally:
        racing.dispose()
    assert result == {"where": "audit_log_2032_03"}
