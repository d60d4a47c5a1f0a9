"""A worker's dispute of a penalty by SMS (issue 19): opened through the inbox, refused with a
text naming the code, decided by the office (reversed through the one reversal rule, or
upheld with a reason), reversed by the sweep at the deadline; the office's queue."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.errors import ReasonRequired
from core.settings import get_settings
from dispatch.models import Offer
from dispatch.penalties import dispute_queue, disputes, record
from dispatch.penalties.errors import DisputeDecided, DisputeNotFound, DisputeOfficeOnly
from dispatch.registry.staff import actor_of
from dispatch.replies import inbox, intake
from rating import reasons
from rating import service as ledger
from rating.models import PenaltyDispute, PenaltyEvent
from sms.models import Message
from tests.builders import NOW, make_branch, make_offer, make_order, make_user, make_worker

_sid = iter(range(10**6))


def text(session, worker, body, at=NOW):
    message_id = intake.receive(
        session, provider_sid=f"SMDISP{next(_sid):028d}", from_phone=worker.phone, body=body
    )
    return inbox.handle_inbound(session, message_id, at)


def texts(session, worker):
    return list(
        session.scalars(
            select(Message)
            .where(Message.worker_id == worker.id, Message.direction == "out")
            .order_by(Message.id)
        )
    )


@pytest.fixture
def penalised(session, branch, site):
    """A worker booked on an order marked a no-show: one penalty on the ledger."""
    worker = make_worker(session, branch=branch)
    order = make_order(
        session, site=site, now=NOW - timedelta(days=1), starts_in=timedelta(hours=14)
    )
    order.branch = branch
    offer = make_offer(session, order=order, worker=worker)
    foreman = make_user(session, role="foreman", branch=branch, full_name="Бригадир Пётр")
    offer.attendance, offer.attendance_by = "no_show", foreman.id
    offer.checked_in_at, offer.checkin_distance_m = NOW - timedelta(hours=9), 420.0
    event = record.penalise(
        session,
        order,
        worker.id,
        kind="no_show",
        points=3,
        fine=Decimal("300"),
        reason=reasons.of("absent"),
    )
    session.flush()
    return worker, order, offer, event


@pytest.fixture
def dispatcher(session, branch):
    return actor_of(make_user(session, role="dispatcher", branch=branch))


def case_of(session, event):
    return session.scalars(
        select(PenaltyDispute).where(PenaltyDispute.penalty_id == event.id)
    ).one()


def test_the_penalty_text_says_how_to_dispute(session, penalised):
    worker, order, _, _ = penalised
    assert texts(session, worker)[-1].body.endswith(f"Оспорить: СПОР {order.code}")


def test_a_dispute_by_sms_opens_a_case_and_says_the_deadline(session, penalised):
    worker, order, _, event = penalised
    done = text(session, worker, f"спор {order.code.lower()} Автобус опоздал, я был на месте")
    assert done == "dispute opened"
    case = case_of(session, event)
    assert case.status == "open"
    assert case.words == "Автобус опоздал, я был на месте"
    assert case.order_id == order.id and case.branch_id == order.branch_id
    assert case.deadline_at == NOW + timedelta(hours=48)
    inbound = session.scalars(select(Message).where(Message.id == case.message_id)).one()
    assert inbound.direction == "in" and inbound.order_id == order.id
    reply = texts(session, worker)[-1]
    assert reply.kind == "dispute_opened"
    assert order.code in reply.body and "28.11 15:00" in reply.body  # Moscow time
    opened = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "dispute.open").order_by(AuditEntry.id)
    ).one()
    assert opened.actor == f"worker #{worker.id} by sms"
    assert opened.entity_ids == [case.id]


def test_the_branch_knob_sets_the_deadline(session, branch, penalised):
    worker, order, _, event = penalised
    branch.dispute_deadline_h = 3
    text(session, worker, f"DISPUTE {order.code}")
    assert case_of(session, event).deadline_at == NOW + timedelta(hours=3)
    assert texts(session, worker)[-1].kind == "dispute_opened"


def test_refusals_name_the_code(session, branch, penalised, dispatcher):
    worker, order, _, event = penalised
    assert text(session, worker, "СПОР") == "dispute no_code"
    assert texts(session, worker)[-1].kind == "dispute_no_code"
    assert text(session, worker, "СПОР 999999") == "dispute no_penalty"
    refused = texts(session, worker)[-1]
    assert refused.kind == "dispute_no_penalty" and "999999" in refused.body
    text(session, worker, f"СПОР {order.code}")
    assert text(session, worker, f"СПОР {order.code} ещё раз") == "dispute already_open"
    again = texts(session, worker)[-1]
    assert again.kind == "dispute_already_open" and order.code in again.body
    assert len(session.scalars(select(PenaltyDispute)).all()) == 1
    disputes.decide(
        session,
        case_of(session, event).id,
        actor=dispatcher,
        reverse=False,
        reason="видео",
        now=NOW,
    )
    assert text(session, worker, f"СПОР {order.code}") == "dispute already_decided"
    decided = texts(session, worker)[-1]
    assert decided.kind == "dispute_already_decided" and order.code in decided.body


def test_a_worker_without_a_penalty_on_the_order_is_told_so(session, branch, site, penalised):
    worker, _, _, _ = penalised
    clean = make_order(
        session, site=site, now=NOW - timedelta(days=2), starts_in=timedelta(hours=18)
    )
    make_offer(session, order=clean, worker=worker)
    assert text(session, worker, f"DISPUTE {clean.code}") == "dispute no_penalty"
    assert clean.code in texts(session, worker)[-1].body


def test_reversing_goes_through_the_ledger_and_texts_the_outcome(session, penalised, dispatcher):
    worker, order, _, event = penalised
    text(session, worker, f"СПОР {order.code}")
    case = disputes.decide(
        session, case_of(session, event).id, actor=dispatcher, reverse=True, reason="", now=NOW
    )
    assert case.status == "reversed" and case.decided_by == dispatcher.user_id
    assert event.reversed_at == NOW
    reversal = session.scalars(
        select(PenaltyEvent).where(PenaltyEvent.reverses_id == event.id)
    ).one()
    assert reversal.reason == disputes.ACCEPTED_REASON
    assert not reversal.automatic  # a dispatcher's decision: it sticks
    kinds = [m.kind for m in texts(session, worker)]
    assert kinds[-1] == "dispute_reversed" and "penalty_reversed" not in kinds
    assert session.get_one(type(worker), worker.id).strikes == 0
    actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert "penalty.reverse" in actions and actions[-1] == "dispute.reverse"
    with pytest.raises(DisputeDecided):
        disputes.decide(session, case.id, actor=dispatcher, reverse=False, reason="x", now=NOW)


def test_upholding_needs_a_reason_and_texts_it(session, penalised, dispatcher):
    worker, order, _, event = penalised
    text(session, worker, f"СПОР {order.code}")
    case_id = case_of(session, event).id
    with pytest.raises(ReasonRequired):
        disputes.decide(session, case_id, actor=dispatcher, reverse=False, reason=" ", now=NOW)
    assert case_of(session, event).status == "open"
    case = disputes.decide(
        session, case_id, actor=dispatcher, reverse=False, reason="Бригадир звонил вам", now=NOW
    )
    assert (case.status, case.outcome_reason) == ("upheld", "Бригадир звонил вам")
    assert event.reversed_at is None
    told = texts(session, worker)[-1]
    assert told.kind == "dispute_upheld" and told.body.endswith("Причина: Бригадир звонил вам")
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "dispute.uphold").order_by(AuditEntry.id)
    ).one()
    assert entry.detail["reason"] == "Бригадир звонил вам"


def test_only_the_office_of_the_deciding_branch_decides(session, branch, penalised):
    worker, order, _, event = penalised
    text(session, worker, f"СПОР {order.code}")
    case_id = case_of(session, event).id
    foreman = actor_of(make_user(session, role="foreman", branch=branch))
    with pytest.raises(DisputeOfficeOnly):
        disputes.decide(session, case_id, actor=foreman, reverse=True, reason="", now=NOW)
    other = actor_of(make_user(session, role="dispatcher", branch=make_branch(session)))
    with pytest.raises(DisputeNotFound):
        disputes.decide(session, case_id, actor=other, reverse=True, reason="", now=NOW)
    assert case_of(session, event).status == "open" and event.reversed_at is None


def test_the_sweep_reverses_at_the_deadline_once(session, penalised):
    worker, order, _, event = penalised
    text(session, worker, f"СПОР {order.code}")
    case = case_of(session, event)
    early = case.deadline_at - timedelta(minutes=1)
    assert disputes.overdue(session, early) == []
    assert disputes.auto_reverse(session, case.id, early) is False
    assert disputes.overdue(session, case.deadline_at) == [case.id]
    assert disputes.auto_reverse(session, case.id, case.deadline_at) is True
    case = case_of(session, event)
    assert case.status == "auto_reversed"
    assert case.outcome_reason == "not answered by the deadline"
    assert event.reversed_at == case.deadline_at
    assert texts(session, worker)[-1].kind == "dispute_auto_reversed"
    assert disputes.auto_reverse(session, case.id, case.deadline_at) is False  # idempotent
    assert disputes.overdue(session, case.deadline_at + timedelta(days=1)) == []
    assert (
        len(session.scalars(select(PenaltyEvent).where(PenaltyEvent.reverses_id == event.id)).all())
        == 1
    )


def test_the_queue_shows_the_case_oldest_first(session, branch, site, penalised, dispatcher):
    worker, order, offer, event = penalised
    text(session, worker, f"СПОР {order.code} меня не пустили", at=NOW - timedelta(hours=1))
    second = make_worker(session, branch=branch)
    later = make_order(
        session, site=site, now=NOW - timedelta(days=2), starts_in=timedelta(hours=28)
    )
    later.branch = branch
    make_offer(session, order=later, worker=second)
    record.penalise(
        session, later, second.id, kind="late", points=1, fine=Decimal("50"),
        reason=reasons.of("absent"),
    )  # fmt: skip
    text(session, second, f"DISPUTE {later.code}")
    queue = dispute_queue.open_queue(session, actor=dispatcher)
    assert [c.order_code for c in queue] == [order.code, later.code]
    first = queue[0]
    assert first.words == "меня не пустили"
    assert first.worker.name == worker.full_name
    assert (first.kind, first.points, first.fine) == ("no_show", 3, Decimal("300.00"))
    assert first.attendance == "no_show" and first.marked_by == "Бригадир Пётр"
    assert first.checkin_distance_m == 420.0
    assert first.deadline_at == NOW - timedelta(hours=1) + timedelta(hours=48)
    other = actor_of(make_user(session, role="dispatcher", branch=make_branch(session)))
    assert dispute_queue.open_queue(session, actor=other) == []
    read = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "worker.list").order_by(AuditEntry.id)
    ).all()
    assert read[-1].detail["via"] == "worker_disputes"
    assert session.scalars(select(Offer.id).where(Offer.id == offer.id)).one()


def test_a_penalty_reversed_at_the_deadline_stays_reversed_when_the_marks_settle(
    session, penalised
):
    worker, order, _, event = penalised
    text(session, worker, f"СПОР {order.code}")
    case = case_of(session, event)
    disputes.auto_reverse(session, case.id, case.deadline_at)
    entries = ledger.entries_on(session, worker.id, order.id)
    assert [e.id for e in entries.waived] == [event.id]  # the marks' settling keeps it off
    assert entries.active == []


def test_the_office_reversing_the_penalty_itself_settles_the_case(session, penalised, dispatcher):
    """Reversed from the worker's ledger, not from the queue: the case closes with it, leaves
    the queue and is never swept (nor stamped as left unanswered)."""
    worker, order, _, event = penalised
    text(session, worker, f"СПОР {order.code}")
    case = case_of(session, event)
    record.reverse_penalty(session, event.id, actor=dispatcher, reason="камера: был", now=NOW)
    session.refresh(case)
    assert (case.status, case.decided_by, case.outcome_reason) == (
        "reversed",
        dispatcher.user_id,
        "камера: был",
    )
    assert disputes.overdue(session, case.deadline_at) == []
    assert disputes.auto_reverse(session, case.id, case.deadline_at) is False


def test_a_penalty_is_disputed_within_the_window_only(session, penalised):
    worker, order, _, event = penalised
    later = order.starts_at + disputes.DISPUTE_WINDOW + timedelta(minutes=1)
    assert text(session, worker, f"СПОР {order.code}", at=later) == "dispute too_old"
    assert texts(session, worker)[-1].kind == "dispute_too_old"
    assert session.scalars(select(PenaltyDispute)).all() == []


def test_a_dispute_loop_gets_a_few_answers_an_hour(session, penalised):
    worker, _, _, _ = penalised
    for _ in range(get_settings().sms_auto_replies_per_hour + 5):
        text(session, worker, "СПОР")
    told = [m for m in texts(session, worker) if m.kind == "dispute_no_code"]
    statuses = [m.status for m in told]
    assert len(told) - statuses.count("withheld") == get_settings().sms_auto_replies_per_hour
    assert statuses.count("withheld") == 1  # the dispatcher's note, once an hour
