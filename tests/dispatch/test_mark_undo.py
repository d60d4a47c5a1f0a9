"""A foreman's punishing mark waits out the branch's undo window: nothing is texted, fined or
suspended until it is over; an undo inside it leaves no trace in the ledger or the outbox; once
over it counts exactly once (delayed job, minute's sweep, close), whoever races whom."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from core.audit import AuditEntry
from core.db import make_engine, session_scope
from core.errors import Conflict
from core.jobs import pending_jobs
from core.settings import get_settings
from dispatch.models import Offer, Order
from dispatch.registry import wording
from dispatch.registry.errors import PolicyInvalid
from dispatch.registry.knobs import DEFAULTS, merge_policy
from dispatch.registry.staff import actor_of
from dispatch.shift import marks, onsite
from dispatch.shift.errors import NothingToUndo, UndoTooLate
from rating.models import PenaltyEvent
from sms.models import Message
from tests.builders import (
    MOSCOW,
    NOW,
    book,
    make_branch,
    make_branch_site,
    make_order,
    make_user,
    make_worker,
    offset,
)
from tests.committed import purge_branch, purge_code
from workers.models import Worker

MIN = timedelta(minutes=1)
WINDOW_S = 120


@pytest.fixture
def branch(session):
    return make_branch(session, undo_window_s=WINDOW_S)


@pytest.fixture
def foreman(session, branch):
    return actor_of(make_user(session, role="foreman", branch=branch))


@pytest.fixture
def shift(session, branch, site, foreman):
    workers = [
        make_worker(session, branch=branch, near=offset(MOSCOW, east_m=10 * i)) for i in range(3)
    ]
    order = make_order(session, site=site, headcount=2)  # target 3
    order.foreman_id = foreman.user_id
    book(session, order, workers)
    return order, workers


def mark(session, order, worker, status, actor, *, now, at=None):
    return onsite.mark_attendance(
        session, order.id, actor=actor, worker_id=worker.id, status=status, at=at, now=now
    )


def ledger(session, worker):
    return list(
        session.scalars(
            select(PenaltyEvent.kind)
            .where(PenaltyEvent.worker_id == worker.id)
            .order_by(PenaltyEvent.id)
        )
    )


def texts(session, worker):
    return list(
        session.scalars(
            select(Message.kind).where(Message.worker_id == worker.id).order_by(Message.id)
        )
    )


def punished(session, worker) -> tuple:
    """What a no-show does to a worker: ledger entries, texts beyond booking, suspension."""
    session.refresh(worker)
    said = [k for k in texts(session, worker) if k not in ("offer", "booked")]
    return ledger(session, worker), said, worker.suspended_until


def test_the_knob_defaults_to_two_minutes_and_is_bounded():
    assert DEFAULTS["undo_window_s"] == 120
    assert merge_policy(DEFAULTS, {"undo_window_s": 0})["undo_window_s"] == 0
    for wrong in (-1, 901, "soon"):
        with pytest.raises(PolicyInvalid) as refused:
            merge_policy(DEFAULTS, {"undo_window_s": wrong})
        assert refused.value.loc == ("body", "policy", "undo_window_s")


def test_a_no_show_waits_out_the_window_then_counts_once(session, shift, foreman):
    order, (worker, *_) = shift
    tapped = order.starts_at + 20 * MIN
    offer = mark(session, order, worker, "no_show", foreman, now=tapped)
    # Pending: the attendance, the ledger, the outbox and the worker are as they were.
    assert (offer.attendance, offer.pending_mark) == (None, "no_show")
    assert offer.pending_until == tapped + timedelta(seconds=WINDOW_S)
    assert offer.pending_by == foreman.user_id
    assert punished(session, worker) == ([], [], None)
    # The delayed job goes out with the transaction, a second after the window.
    assert ("dispatch.settle_mark", (offer.id,)) in pending_jobs(session)
    # Early (a job's clock, a retry): nothing.
    assert onsite.pending_due(session, offer.pending_until - timedelta(seconds=1)) == []
    assert not onsite.settle_pending(session, offer.id, offer.pending_until - MIN)
    assert punished(session, worker) == ([], [], None)
    # Over: the sweep finds it, the settle applies it, as the foreman's mark.
    over = offer.pending_until
    assert onsite.pending_due(session, over) == [offer.id]
    assert onsite.settle_pending(session, offer.id, over)
    session.refresh(offer)
    assert (offer.attendance, offer.pending_mark, offer.pending_until) == ("no_show", None, None)
    assert offer.attendance_by == foreman.user_id
    entries, said, suspended = punished(session, worker)
    assert entries == ["no_show"] and said == ["penalty", "suspended"] and suspended > over
    # Again (the sweep after the job, a redelivered job): nothing more.
    assert not onsite.settle_pending(session, offer.id, over + 5 * MIN)
    assert onsite.pending_due(session, over + 5 * MIN) == []
    assert punished(session, worker) == (entries, said, suspended)


def test_undo_inside_the_window_writes_no_penalty_and_texts_nothing(session, shift, foreman):
    order, (worker, *_) = shift
    tapped = order.starts_at + 20 * MIN
    offer = mark(session, order, worker, "no_show", foreman, now=tapped)
    last_moment = offer.pending_until - timedelta(seconds=1)
    onsite.undo_mark(session, order.id, actor=foreman, worker_id=worker.id, now=last_moment)
    assert (offer.attendance, offer.pending_mark) == (None, None)
    # Neither the delayed job nor the sweep finds anything to apply afterwards.
    assert not onsite.settle_pending(session, offer.id, tapped + 10 * MIN)
    assert onsite.pending_due(session, tapped + 10 * MIN) == []
    assert punished(session, worker) == ([], [], None)
    undo = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "attendance.undo", AuditEntry.entity_ids.contains([offer.id]))
        .order_by(AuditEntry.id)
    ).one()
    assert undo.actor_user_id == foreman.user_id and undo.detail["why"] == "undone"
    # Nothing left to undo.
    with pytest.raises(NothingToUndo):
        onsite.undo_mark(session, order.id, actor=foreman, worker_id=worker.id, now=last_moment)


def test_undo_after_the_window_is_refused_and_the_mark_counts(session, shift, foreman):
    order, (worker, *_) = shift
    tapped = order.starts_at + 20 * MIN
    offer = mark(session, order, worker, "no_show", foreman, now=tapped)
    with pytest.raises(UndoTooLate), session.begin_nested():
        onsite.undo_mark(
            session, order.id, actor=foreman, worker_id=worker.id, now=offer.pending_until
        )
    assert offer.pending_mark == "no_show"  # the refusal changed nothing
    assert onsite.settle_pending(session, offer.id, offer.pending_until)
    assert ledger(session, worker) == ["no_show"]


def test_an_arrival_tapped_in_the_window_replaces_the_no_show(session, shift, foreman):
    order, (worker, *_) = shift
    tapped = order.starts_at + 5 * MIN
    offer = mark(session, order, worker, "no_show", foreman, now=tapped)
    mark(session, order, worker, "arrived", foreman, now=tapped + MIN)
    assert (offer.attendance, offer.pending_mark) == ("arrived", None)
    assert not onsite.settle_pending(session, offer.id, tapped + 10 * MIN)
    assert punished(session, worker) == ([], [], None)


def test_the_same_mark_tapped_twice_keeps_its_window(session, shift, foreman):
    order, (worker, *_) = shift
    tapped = order.starts_at + 5 * MIN
    offer = mark(session, order, worker, "no_show", foreman, now=tapped)
    until = offer.pending_until
    mark(session, order, worker, "no_show", foreman, now=tapped + MIN)
    assert offer.pending_until == until


def test_left_early_is_held_too_and_keeps_the_arrival(session, shift, foreman):
    order, (worker, *_) = shift
    arrived = order.starts_at
    mark(session, order, worker, "arrived", foreman, now=arrived + MIN, at=arrived)
    left = order.starts_at + 3 * timedelta(hours=1)
    offer = mark(session, order, worker, "left_early", foreman, now=left)
    held = (offer.attendance, offer.pending_mark, offer.pending_at)
    assert held == ("arrived", "left_early", left)
    assert ledger(session, worker) == []
    assert onsite.settle_pending(session, offer.id, offer.pending_until)
    assert (offer.attendance, offer.arrived_at, offer.left_at) == ("left_early", arrived, left)
    assert ledger(session, worker) == ["left_early"]


def test_a_mark_without_a_person_or_with_no_window_counts_at_once(session, shift, branch):
    order, (worker, twin, _) = shift
    dispatcher = actor_of(make_user(session, role="dispatcher", branch=branch))
    started = order.starts_at + 5 * MIN
    branch.undo_window_s = 0
    session.flush()
    mark(session, order, worker, "no_show", dispatcher, now=started)
    assert ledger(session, worker) == ["no_show"]
    # The no-show sweep (the system) never waits: it already waited late_as_no_show_min.
    branch.undo_window_s = WINDOW_S
    session.flush()
    late = order.starts_at + timedelta(minutes=branch.late_as_no_show_min) + MIN
    onsite.sweep_no_shows(session, order.id, late)
    assert ledger(session, twin) == ["no_show"]


def test_the_sweep_leaves_a_pending_no_show_to_its_window(session, shift, foreman, branch):
    order, (worker, *_) = shift
    late = order.starts_at + timedelta(minutes=branch.late_as_no_show_min) + MIN
    offer = mark(session, order, worker, "no_show", foreman, now=late)
    onsite.sweep_no_shows(session, order.id, late)
    assert offer.pending_mark == "no_show" and ledger(session, worker) == []
    onsite.undo_mark(session, order.id, actor=foreman, worker_id=worker.id, now=late)
    assert ledger(session, worker) == []


def test_the_close_applies_a_mark_still_pending(session, shift, foreman):
    order, (worker, *others) = shift
    started = order.starts_at + 5 * MIN
    for other in others:
        mark(session, order, other, "arrived", foreman, now=started)
    offer = mark(session, order, worker, "no_show", foreman, now=started)
    onsite.close_shift(session, order.id, actor=foreman, now=started + MIN, end="now")
    assert (offer.attendance, offer.pending_mark) == ("no_show", None)
    assert ledger(session, worker) == ["no_show"]
    assert onsite.pending_due(session, started + timedelta(hours=1)) == []


def test_a_cancelled_order_drops_its_pending_marks(session, shift, foreman):
    order, (worker, *_) = shift
    offer = mark(session, order, worker, "no_show", foreman, now=order.starts_at + MIN)
    order.status = "cancelled"  # as if the office called it off inside the window
    session.flush()
    assert not onsite.settle_pending(session, offer.id, offer.pending_until)
    assert offer.pending_mark is None and ledger(session, worker) == []


def test_a_correction_after_the_suspension_texts_that_it_is_lifted(session, shift, foreman, branch):
    order, (worker, english, _) = shift
    english.language = "en"
    wording.set_wording(
        session,
        actor=actor_of(make_user(session, role="manager", branch=branch)),
        branch_id=branch.id,
        kind="suspension_lifted",
        language="en",
        body="Good news: you can take shifts again.",
    )
    tapped = order.starts_at + 5 * MIN
    for who in (worker, english):
        offer = mark(session, order, who, "no_show", foreman, now=tapped)
        assert onsite.settle_pending(session, offer.id, offer.pending_until)
        session.refresh(who)
        assert who.suspended_until is not None
    later = tapped + 10 * MIN
    for who in (worker, english):
        mark(session, order, who, "arrived", foreman, now=later, at=tapped)
        session.refresh(who)
        assert who.suspended_until is None
    bodies = {
        m.worker_id: m.body
        for m in session.scalars(select(Message).where(Message.kind == "suspension_lifted"))
    }
    assert bodies == {
        worker.id: "Ограничение снято: вы снова получаете предложения работы.",
        english.id: "Good news: you can take shifts again.",
    }


def test_mark_all_arrived_marks_only_those_not_yet_marked(session, shift, foreman):
    order, (first, second, third) = shift
    started = order.starts_at + 5 * MIN
    mark(session, order, first, "released", foreman, now=started)
    pending = mark(session, order, second, "no_show", foreman, now=started)
    done = onsite.mark_all_arrived(
        session,
        order.id,
        actor=foreman,
        worker_ids=[first.id, second.id, third.id],
        now=started + MIN,
    )
    assert [o.worker_id for o in done] == [third.id]
    attendance = dict(
        session.execute(
            select(Offer.worker_id, Offer.attendance).where(Offer.order_id == order.id)
        ).all()
    )
    assert attendance == {first.id: "released", second.id: None, third.id: "arrived"}
    assert pending.pending_mark == "no_show"  # its window runs on
    # Only the ones asked for: a worker booked after the foreman looked is not swept in.
    assert (
        onsite.mark_all_arrived(
            session, order.id, actor=foreman, worker_ids=[third.id], now=started + 2 * MIN
        )
        == []
    )


@pytest.mark.parametrize(
    ("attendance", "started", "shown"),
    [
        (None, False, ("arrived", "released")),
        (None, True, ("arrived", "no_show", "released")),
        ("arrived", True, ("left_early", "sent_home", "no_show", "released")),
        ("left_early", True, ("no_show", "released")),
        ("sent_home", True, ("no_show", "released")),
        ("no_show", True, ("arrived", "released")),
        ("released", True, ("arrived", "no_show")),
    ],
)
def test_only_the_marks_valid_from_the_current_one(attendance, started, shown):
    assert marks.next_marks(attendance, started=started) == shown
    assert attendance not in shown  # re-marking would move an arrival to now


# -- races, on real connections (committed) -----------------------------------------------


@pytest.fixture
def committed(engine):
    """A branch with a started shift and one booked worker marked no-show by the foreman,
    committed; the mark's window is already over at `over`."""
    code = "UNDO1"
    with session_scope() as session:
        purge_code(session, code)
        branch, site = make_branch_site(session, code=code, undo_window_s=WINDOW_S)
        foreman = actor_of(make_user(session, role="foreman", branch=branch))
        worker = make_worker(session, branch=branch, phone="+79215550101")
        order = make_order(session, site=site, headcount=1, now=NOW)
        order.foreman_id = foreman.user_id
        book(session, order, [worker])
        tapped = order.starts_at + 5 * MIN
        offer = mark(session, order, worker, "no_show", foreman, now=tapped)
        ids = (branch.id, order.id, worker.id, offer.id, foreman)
        until = offer.pending_until
    yield (*ids, until)
    with session_scope() as session:
        purge_branch(session, ids[0])


@pytest.fixture
def racing(engine):
    engine = make_engine(get_settings().database_url, pool_size=4, max_overflow=0)
    yield sessionmaker(bind=engine, expire_on_commit=False)
    engine.dispose()


def _undo(factory, order_id, worker_id, foreman, at) -> str:
    with factory() as session, session.begin():
        try:
            onsite.undo_mark(session, order_id, actor=foreman, worker_id=worker_id, now=at)
        except Conflict as refused:
            return refused.code
    return "undone"


def _settle(factory, offer_id, at) -> str:
    with factory() as session, session.begin():
        return "applied" if onsite.settle_pending(session, offer_id, at) else "nothing"


@pytest.mark.parametrize("round_", range(6))
def test_an_undo_racing_the_sweep_is_settled_one_way(committed, racing, round_):
    """The undo just inside the window, the sweep just after it: whoever takes the order's row
    first wins, and the ledger and outbox agree with the winner."""
    _, order_id, worker_id, offer_id, foreman, until = committed
    with ThreadPoolExecutor(2) as pool:
        undo = pool.submit(_undo, racing, order_id, worker_id, foreman, until - MIN / 60)
        settle = pool.submit(_settle, racing, offer_id, until)
        outcome = (undo.result(), settle.result())
    assert outcome in {("undone", "nothing"), ("nothing_to_undo", "applied")}
    with session_scope() as session:
        kinds = ledger(session, session.get(Worker, worker_id))
        said = texts(session, session.get(Worker, worker_id))
        offer = session.get(Offer, offer_id)
        if outcome[0] == "undone":
            assert (kinds, offer.attendance) == ([], None)
            assert "penalty" not in said and "suspended" not in said
        else:
            assert (kinds, offer.attendance) == (["no_show"], "no_show")
            assert said.count("penalty") == 1 and said.count("suspended") == 1
        assert offer.pending_mark is None
        # The first counted mark puts the order under way; an undone one never did.
        assert (session.get(Order, order_id).status == "in_progress") == bool(kinds)


def test_two_settles_at_once_apply_the_mark_once(committed, racing):
    """The delayed job and the minute's sweep (or a redelivered job) at the same moment."""
    _, _, worker_id, offer_id, _, until = committed
    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(lambda _: _settle(racing, offer_id, until), range(4)))
    assert sorted(outcomes) == ["applied", "nothing", "nothing", "nothing"]
    with session_scope() as session:
        worker = session.get(Worker, worker_id)
        assert ledger(session, worker) == ["no_show"]
        assert texts(session, worker).count("penalty") == 1
