"""A worker's record as dispatch keeps it: ledger entries from what happened on orders, the
figures recomputed after each, the worker told by SMS, every change audited."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core import audit
from core.db import locked
from core.tenancy import SYSTEM, Actor
from dispatch.enums import CAME
from dispatch.models import Branch, Offer, Order
from dispatch.penalties.errors import PenaltyOfAnotherBranch
from dispatch.texts.messaging import tell
from rating import service as ledger
from rating.errors import PenaltyNotFound
from rating.models import PenaltyDispute, PenaltyEvent
from rating.policy import StrikePolicy
from rating.reasons import Reason
from sms.templates import penalty_words
from workers.errors import WorkerNotFound
from workers.models import Worker


def strike_policy(branch: Branch) -> StrikePolicy:
    return StrikePolicy(
        strikes_to_suspend=branch.strikes_to_suspend,
        strike_window_days=branch.strike_window_days,
        clean_shifts_per_forgiven_strike=branch.clean_shifts_per_forgiven_strike,
        no_show_suspend_days=branch.no_show_suspend_days,
        strike_suspend_days=branch.strike_suspend_days,
    )


def attended_shifts(session: Session, worker_id: int) -> list[ledger.Shift]:
    rows = session.execute(
        select(Order.id, Order.starts_at)
        .join(Offer, Offer.order_id == Order.id)
        .where(Offer.worker_id == worker_id, Offer.attendance.in_(CAME))
    )
    return [ledger.Shift(order_id, starts_at) for order_id, starts_at in rows]


def refresh_worker(session: Session, worker_id: int, now: datetime) -> ledger.Refreshed:
    """Figures and standing from the whole record, under the worker's row lock and the home
    branch's strike policy (one worker, one standing, wherever the shifts were)."""
    worker = session.scalars(locked(select(Worker).where(Worker.id == worker_id))).one()
    home = session.get_one(Branch, worker.branch_id)
    was_suspended = _suspended(worker.suspended_until, now)
    refreshed = ledger.refresh(
        session,
        worker,
        attended=attended_shifts(session, worker_id),
        strike_policy=strike_policy(home),
        now=now,
    )
    suspended_until = refreshed.standing.suspended_until
    if refreshed.newly_suspended and suspended_until is not None:  # newly: always a date
        until = suspended_until.astimezone(ZoneInfo(home.timezone))
        why = penalty_words(refreshed.standing.suspended_by or "strikes", worker.language)
        tell(session, worker, "suspended", until=until.strftime("%d.%m %H:%M"), why=why)
        audit.log(
            session,
            SYSTEM,
            "worker.suspend",
            "worker",
            [worker.id],
            worker.branch_id,
            until=suspended_until.isoformat(),
            why=refreshed.standing.suspended_by,
            strikes=refreshed.standing.strikes,
        )
    elif was_suspended and not _suspended(refreshed.standing.suspended_until, now):
        # A corrected mark or a reversal took away what suspended them: they may work again.
        tell(session, worker, "suspension_lifted")
        audit.log(session, SYSTEM, "worker.unsuspend", "worker", [worker.id], worker.branch_id)
    return refreshed


def _suspended(until: datetime | None, now: datetime) -> bool:
    return until is not None and until > now


def past_no_show_window(session: Session, now: datetime) -> list[int]:
    """Workers whose recent no-show has left the strike window: their stored rating is still
    capped (the matcher already ranks them by their own clock) until they are refreshed."""
    return list(
        session.scalars(select(Worker.id).where(Worker.no_show_until <= now).order_by(Worker.id))
    )


def penalise(
    session: Session,
    order: Order,
    worker_id: int,
    *,
    kind: str,
    points: int,
    fine: Decimal,
    reason: Reason,
    actor: Actor | None = None,
    occurred_at: datetime | None = None,
) -> PenaltyEvent:
    """One penalty on the ledger, audited and texted to the worker (the caller refreshes).
    It happened at the shift's start unless told otherwise (a cancellation: its moment).
    The order comes with its branch loaded."""
    branch = order.branch
    event = ledger.record(
        session,
        worker_id=worker_id,
        order_id=order.id,
        kind=kind,
        points=points,
        fine=fine,
        currency=branch.currency,
        occurred_at=occurred_at or order.starts_at,
        reason=reason,
        automatic=_automatic(actor),
        created_by=actor.user_id if actor else None,
    )
    _audit_entry(session, actor, "penalty.add", event, order.branch_id)
    worker = session.get_one(Worker, worker_id)
    tell(
        session,
        worker,
        "penalty",
        order_id=order.id,
        code=order.code,
        what=penalty_words(_worded(kind, reason), worker.language),
        fine=f"{event.fine:f}",
        currency=event.currency,
        points=event.points,
    )
    return event


def _worded(kind: str, reason: Reason) -> str:
    """The penalty words a text says: a worker sent home hears why (sent_home_<why>)."""
    if kind == "sent_home" and "why" in reason.args:
        return f"sent_home_{reason.args['why']}"
    return kind


def compensate(
    session: Session, order: Order, worker_id: int, *, reason: Reason, text: str = "compensation"
) -> PenaltyEvent:
    """Show-up pay: for a booked worker whose order the client cancelled late, or one released
    on site (text "show_up_pay"), at the branch's rate of the day, kept on the ledger. The
    order comes with its branch loaded."""
    branch = order.branch
    event = ledger.record(
        session,
        worker_id=worker_id,
        order_id=order.id,
        kind="compensation",
        payout=branch.show_up_pay,
        currency=branch.currency,
        occurred_at=order.starts_at,
        reason=reason,
    )
    _audit_entry(session, SYSTEM, "penalty.add", event, order.branch_id)
    worker = session.get_one(Worker, worker_id)
    tell(
        session,
        worker,
        text,
        order_id=order.id,
        code=order.code,
        payout=f"{event.payout:f}",
        currency=event.currency,
    )
    return event


def withdraw(
    session: Session,
    event: PenaltyEvent,
    order: Order | None,
    *,
    reason: Reason | str,
    now: datetime,
    actor: Actor | None,
    by_rule: bool = False,
    text: str = "penalty_reversed",
) -> PenaltyEvent:
    """Reverse one entry (the caller holds its row lock and refreshes), audited and texted
    (`text`: a dispute's outcome says so). by_rule: a corrected mark took it back, not a
    dispatcher's decision (which sticks)."""
    reversal = ledger.reverse(
        session,
        event,
        reason=reason,
        now=now,
        automatic=by_rule or _automatic(actor),
        created_by=actor.user_id if actor else None,
    )
    branch_id = order.branch_id if order else session.get_one(Worker, event.worker_id).branch_id
    _audit_entry(session, actor, "penalty.reverse", event, branch_id, reason=reversal.reason)
    _close_disputes(session, event, actor, reversal.reason, now)
    if event.kind != "compensation" and order is not None:
        worker = session.get_one(Worker, event.worker_id)
        what = penalty_words(event.kind, worker.language)
        tell(session, worker, text, order_id=order.id, code=order.code, what=what)
    return reversal


def _close_disputes(
    session: Session, event: PenaltyEvent, actor: Actor | None, reason: str, now: datetime
) -> None:
    """A worker's open dispute of an entry reversed another way (the office's own reversal, a
    corrected mark) is settled by it: closed as reversed, no longer in the queue nor swept at
    its deadline. Skip locked: a case held right now is being decided, and its decision finds
    the entry reversed (dispatch/penalties/disputes.py); never a wait for a case's lock while
    the entry's is held (the disputes take the case first)."""
    cases = (
        select(PenaltyDispute.id)
        .where(PenaltyDispute.penalty_id == event.id, PenaltyDispute.status == "open")
        .with_for_update(skip_locked=True)
    )
    session.execute(
        update(PenaltyDispute)
        .where(PenaltyDispute.id.in_(cases.scalar_subquery()))
        .values(
            status="reversed",
            decided_at=now,
            decided_by=actor.user_id if actor else None,
            outcome_reason=reason[:500],
        )
    )


def _automatic(actor: Actor | None) -> bool:
    """By a rule (no person, or the system) rather than by a staff member's hand."""
    return actor is None or actor.user_id is None


def _audit_entry(
    session: Session,
    actor: Actor | None,
    action: str,
    event: PenaltyEvent,
    branch_id: int,
    **detail: object,
) -> None:
    audit.log(
        session,
        actor or SYSTEM,
        action,
        "penalty",
        [event.id],
        branch_id,
        worker_id=event.worker_id,
        order_id=event.order_id,
        kind=event.kind,
        points=event.points,
        fine=str(event.fine),
        payout=str(event.payout),
        **detail,
    )


def _sees(session: Session, actor: Actor, event: PenaltyEvent) -> Order | None:
    """The event's order, if the actor may see the event (its order's or the worker's branch)."""
    order = session.get(Order, event.order_id) if event.order_id else None
    worker_branch = session.get_one(Worker, event.worker_id).branch_id
    if actor.sees_branch(worker_branch) or (order and actor.sees_branch(order.branch_id)):
        return order
    raise PenaltyNotFound(event.id)


def deciding_branch(session: Session, event: PenaltyEvent) -> int:
    """The branch that answers for an entry: the one whose order it was recorded on (the
    worker's home branch only for an entry on no order); the home branch may not undo it."""
    if event.order_id is not None:
        return session.get_one(Order, event.order_id).branch_id
    return session.get_one(Worker, event.worker_id).branch_id


def may_reverse(session: Session, actor: Actor, event: PenaltyEvent) -> bool:
    return actor.sees_branch(deciding_branch(session, event))


def reverse_penalty(
    session: Session,
    event_id: int,
    *,
    actor: Actor,
    reason: str,
    now: datetime,
    text: str = "penalty_reversed",
    at: datetime | None = None,
) -> PenaltyEvent:
    """A dispatcher takes an entry back with a reason: a compensating entry, never a delete;
    the figures are recomputed, so they are exactly as if the entry had never been. Unseen:
    404; seen by the worker's home branch but recorded on another branch's order: 403.
    `at`: the entry's occurred_at when known (a dispute's), so the reads open one month."""
    event = ledger.get_event(session, event_id, at=at)
    order = _sees(session, actor, event)
    if not may_reverse(session, actor, event):
        raise PenaltyOfAnotherBranch(event.id)
    if order is not None:  # order, then the entry, then the worker: the lock order everywhere
        session.scalars(locked(select(Order).where(Order.id == order.id))).one()
    event = ledger.get_event(session, event_id, at=at, lock=True)
    reversal = withdraw(session, event, order, reason=reason, now=now, actor=actor, text=text)
    refresh_worker(session, event.worker_id, now)
    return reversal


def worker_penalties(session: Session, worker_id: int, *, actor: Actor) -> list[PenaltyEvent]:
    """The worker's ledger for staff of the worker's branch or of a branch they worked for."""
    entries = ledger.history(session, worker_id)
    worker = session.get(Worker, worker_id)
    if worker is None:
        raise WorkerNotFound(worker_id)
    if actor.sees_branch(worker.branch_id):
        return entries
    orders = {
        o.id: o.branch_id
        for o in session.scalars(select(Order).where(Order.id.in_({e.order_id for e in entries})))
    }
    mine = [e for e in entries if e.order_id and actor.sees_branch(orders.get(e.order_id))]
    if not mine:
        raise WorkerNotFound(worker_id)
    return mine
