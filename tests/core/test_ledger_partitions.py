"""The ledger (penalty_events) is kept as monthly partitions of occurred_at (migration 0063,
core/partitions.py LEDGER): an entry lands in its month and its reversal with it, the
database still refuses a second reversal and a reversal outside its entry's month, and the
keeping job makes the coming months and drops those past BRIGADA_LEDGER_KEEP_YEARS, keeping
(not failing on) a month that a review or a dispute still points at. A test clock (the job's
`moment`) stands in for the years; all DDL is rolled back with the test."""

import logging
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from core import partitions
from core.partition_tasks import keep_partitions
from core.settings import get_settings
from rating import service as ledger
from rating.errors import PenaltyAlreadyReversed
from rating.models import PenaltyDispute, Review
from tests.builders import make_branch, make_client, make_order, make_site, make_worker

LEDGER = partitions.LEDGER


@pytest.fixture
def worked(session):
    """A worker and an order of their branch (the entries' and reviews' references)."""
    branch = make_branch(session)
    site = make_site(session, client=make_client(session, branch=branch))
    return make_worker(session, branch=branch), make_order(session, site=site), branch


def _entry(session, worker, at: datetime, order=None):
    return ledger.record(
        session,
        worker_id=worker.id,
        order_id=order.id if order else None,
        kind="late",
        points=1,
        occurred_at=at,
        currency="RUB",
        reason="late to the shift",
    )


def _where(session, entry_id: int) -> str:
    return session.execute(
        text("SELECT tableoid::regclass::text FROM penalty_events WHERE id = :id"),
        {"id": entry_id},
    ).scalar_one()


def _reversal_sql(session, entry, at: datetime) -> None:
    session.execute(
        text(
            "INSERT INTO penalty_events (worker_id, kind, currency, occurred_at, automatic, "
            "reason, reverses_id) VALUES (:w, 'reversal', 'RUB', :at, false, 'again', :e)"
        ),
        {"w": entry.worker_id, "at": at, "e": entry.id},
    )


def test_the_ledger_is_partitioned_and_an_entry_lands_in_its_month(session, worked):
    worker, _, _ = worked
    kind = session.execute(text("SELECT relkind FROM pg_class WHERE relname = 'penalty_events'"))
    assert kind.scalar_one() == "p"
    now = datetime.now(UTC)
    this_month = partitions.month_of(now)
    assert _where(session, _entry(session, worker, now).id) == partitions.partition_name(
        "penalty_events", this_month
    )
    ahead = get_settings().partitions_ahead_months
    made = partitions.months(session, LEDGER)
    assert {partitions.add_months(this_month, i) for i in range(ahead + 1)} <= set(made)
    partitions.ensure_ahead(session, LEDGER, now=datetime(2031, 5, 1, tzinfo=UTC), ahead=1)
    last_of_may = _entry(session, worker, datetime(2031, 5, 31, 23, 59, tzinfo=UTC))
    first_of_june = _entry(session, worker, datetime(2031, 6, 1, tzinfo=UTC))  # UTC bounds
    assert _where(session, last_of_may.id) == "penalty_events_2031_05"
    assert _where(session, first_of_june.id) == "penalty_events_2031_06"


def test_a_reversal_lands_in_its_entrys_month_and_only_one_is_taken(session, worked):
    worker, _, _ = worked
    partitions.ensure_ahead(session, LEDGER, now=datetime(2031, 5, 1, tzinfo=UTC), ahead=1)
    entry = _entry(session, worker, datetime(2031, 5, 31, 23, 30, tzinfo=UTC))
    later = datetime(2031, 6, 2, 10, tzinfo=UTC)  # reversed in the next month
    reversal = ledger.reverse(session, entry, reason="wrong mark", now=later)
    assert reversal.occurred_at == entry.occurred_at
    assert _where(session, reversal.id) == "penalty_events_2031_05"
    assert ledger.get_event(session, entry.id, at=entry.occurred_at).reversed_at == later
    with pytest.raises(PenaltyAlreadyReversed):
        ledger.reverse(session, entry, reason="again", now=later)
    # Past the ORM's own check: the database refuses a second reversal of the entry.
    twice = r"Key \(reverses_id, occurred_at\)=.* already exists"
    with pytest.raises(IntegrityError, match=twice), session.begin_nested():
        _reversal_sql(session, entry, entry.occurred_at)


def test_a_reversal_outside_its_entrys_month_is_refused_by_the_database(session, worked):
    """The "one reversal per entry" key holds only because a reversal has its entry's
    occurred_at: the trigger refuses any other (and a reversal of no entry)."""
    worker, _, _ = worked
    entry = _entry(session, worker, datetime.now(UTC) - timedelta(days=40))
    for at in (datetime.now(UTC), entry.occurred_at + timedelta(seconds=1)):
        with pytest.raises(IntegrityError, match="no such entry"), session.begin_nested():
            _reversal_sql(session, entry, at)
    with session.begin_nested():
        _reversal_sql(session, entry, entry.occurred_at)  # its own month: taken


def test_the_job_makes_the_months_ahead_and_drops_the_ledgers_old_years(
    session_factory, session, worked
):
    """At a moment eleven years on, the job drops the ledger's months more than ten years
    (ledger_keep_years) before it, reversals and all, and makes that moment's months ahead."""
    worker, _, _ = worked
    partitions.ensure_ahead(session, LEDGER, now=datetime(2030, 10, 1, tzinfo=UTC), ahead=2)
    old = _entry(session, worker, datetime(2030, 10, 5, tzinfo=UTC))
    ledger.reverse(session, old, reason="wrong mark", now=datetime(2030, 10, 6, tzinfo=UTC))
    kept = _entry(session, worker, datetime(2030, 11, 5, tzinfo=UTC))
    session.commit()  # a savepoint released: the job's own sessions see these months
    assert get_settings().ledger_keep_years == 10
    done = keep_partitions(datetime(2040, 11, 20, tzinfo=UTC), factory=session_factory)
    made = partitions.months(session, LEDGER)
    assert "penalty_events_2030_10" in done["penalty_events"]
    assert date(2030, 10, 1) not in made and date(2030, 11, 1) in made
    assert {date(2040, 11, 1), date(2041, 2, 1)} <= set(made)
    left = session.execute(
        text("SELECT id FROM penalty_events WHERE worker_id = :w"), {"w": worker.id}
    )
    assert set(left.scalars()) == {kept.id}


def test_a_month_a_review_or_dispute_points_at_is_kept_and_the_job_goes_on(
    session_factory, session, worked, caplog
):
    """At a moment ten years and three months on, the job drops the first month of 2019 but
    keeps (and logs) the two that a review and a dispute point at; unlinked, one goes."""
    worker, order, branch = worked
    partitions.ensure_ahead(session, LEDGER, now=datetime(2019, 1, 10, tzinfo=UTC), ahead=2)
    gone_entry = _entry(session, worker, datetime(2019, 1, 20, tzinfo=UTC), order)
    reviewed = _entry(session, worker, datetime(2019, 2, 3, tzinfo=UTC), order)
    disputed = _entry(session, worker, datetime(2019, 3, 3, tzinfo=UTC), order)
    review = Review(
        order_id=order.id,
        worker_id=worker.id,
        stars=2,
        complaint=True,
        penalty_id=reviewed.id,
        penalty_at=reviewed.occurred_at,
    )
    at = disputed.occurred_at
    dispute = PenaltyDispute(
        worker_id=worker.id,
        order_id=order.id,
        penalty_id=disputed.id,
        penalty_at=at,
        branch_id=branch.id,
        opened_at=at,
        deadline_at=at + timedelta(days=1),
    )
    session.add_all([review, dispute])
    session.commit()  # a savepoint released: the job's own sessions see these rows
    moment = datetime(2029, 4, 15, tzinfo=UTC)  # keeps from 2019-04
    with caplog.at_level(logging.WARNING, logger="brigada.jobs"):
        done = keep_partitions(moment, factory=session_factory)
    dropped = [n for n in done["penalty_events"] if n.startswith("penalty_events_2019")]
    assert dropped == ["penalty_events_2019_01"]
    assert {"penalty_events_2019_02", "penalty_events_2019_03"} <= set(
        partitions.months(session, LEDGER).values()
    )
    assert "penalty_events_2019_02 kept past retention" in caplog.text
    assert "penalty_events_2019_03 kept past retention" in caplog.text
    ids = session.execute(
        text("SELECT id FROM penalty_events WHERE id IN (:a, :b, :c)"),
        {"a": gone_entry.id, "b": reviewed.id, "c": disputed.id},
    )
    assert set(ids.scalars()) == {reviewed.id, disputed.id}
    # Unlinked, the month goes at the next run.
    review.penalty_id = review.penalty_at = None
    session.commit()
    assert keep_partitions(moment, factory=session_factory)["penalty_events"] == [
        "penalty_events_2019_02"
    ]


def test_a_review_names_both_its_entry_and_the_entrys_month(session, worked):
    """With one of the two the composite key would not be checked at all (MATCH SIMPLE)."""
    worker, order, _ = worked
    entry = _entry(session, worker, datetime.now(UTC), order)
    review = Review(order_id=order.id, worker_id=worker.id, stars=3, penalty_id=entry.id)
    with pytest.raises(IntegrityError, match="ck_reviews_penalty"), session.begin_nested():
        session.add(review)
        session.flush()
