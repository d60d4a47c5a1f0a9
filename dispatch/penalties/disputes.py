"""A worker's dispute of a penalty (issue 19): opened by SMS (СПОР <code> [words] / DISPUTE),
decided by the office of the deciding branch (reversed through record.reverse_penalty, the
one rule for the ledger, the figures and the audit; or upheld with a reason), or reversed by
the minute sweep once the branch's dispute_deadline_h has passed unanswered.

One case per disputed entry (penalty_disputes); at most one open per entry, settled by the
database (a partial unique index). Writers lock in the house's order: the order, then the
worker's offer on it, then the case, then the entry and the worker (reverse_penalty). The
worker is told every outcome by SMS; the reply to the opening says the deadline.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import audit
from core.db import locked
from core.errors import ReasonRequired, check_length
from core.tenancy import SYSTEM, Actor
from dispatch.enums import OFFICE
from dispatch.models import Branch, Offer, Order
from dispatch.penalties import record
from dispatch.penalties.errors import DisputeDecided, DisputeNotFound, DisputeOfficeOnly
from dispatch.texts import autoreply
from dispatch.texts.messaging import tell
from rating.errors import PenaltyAlreadyReversed
from rating.models import PenaltyDispute, PenaltyEvent
from rating.policy import PENALTY_KINDS, entries_from
from sms.commands import Command
from sms.models import Message
from sms.templates import REASON_CHARS
from workers.models import Worker

AUTO_REASON = "not answered by the deadline"
WITHDRAWN_REASON = "the penalty was withdrawn before the deadline"
# A penalty may be disputed for this long after its shift: an unanswered case is reversed,
# so without a bound every penalty a worker ever had could be disputed again and again.
DISPUTE_WINDOW = timedelta(days=14)
ACCEPTED_REASON = "dispute accepted"
MAX_WORDS = 1_000  # the worker's words kept (an SMS is shorter; a long one is cut)
MAX_REASON = 1_000


@dataclass(frozen=True)
class Opening:
    """What a worker's СПОР did: outcome is opened, no_code, no_penalty, already_open or
    already_decided; the cases it opened (or found open)."""

    outcome: str
    code: str | None
    cases: tuple[PenaltyDispute, ...] = ()


def _when(branch: Branch, at: datetime) -> str:
    return at.astimezone(ZoneInfo(branch.timezone)).strftime("%d.%m %H:%M")


def _worker_actor(worker: Worker) -> str:
    """The audit's actor for a worker's own act by SMS: the id only, never a name or phone."""
    return f"worker #{worker.id} by sms"


def _the_order(session: Session, worker_id: int, code: str) -> Order | None:
    """The latest order with this code the worker has a ledger entry on (codes are unique
    among live orders only: an old one can share a code with a new one)."""
    return session.scalars(
        select(Order)
        .join(PenaltyEvent, PenaltyEvent.order_id == Order.id)
        .where(PenaltyEvent.worker_id == worker_id, Order.code == code)
        .order_by(Order.starts_at.desc(), Order.id.desc())
        .limit(1)
    ).first()


def open_case(
    session: Session,
    worker: Worker,
    code: str | None,
    *,
    words: str | None,
    message: Message | None,
    now: datetime,
) -> Opening:
    """Open a case on each of the worker's active penalties on the order with this code and
    text the worker the deadline (or why nothing was opened, naming the code)."""
    if not code:
        autoreply.reply(session, worker, "dispute_no_code")
        return Opening("no_code", None)
    code = code.upper()
    order = _the_order(session, worker.id, code)
    if order is None:
        autoreply.reply(session, worker, "dispute_no_penalty", code=code)
        return Opening("no_penalty", code)
    if order.starts_at < now - DISPUTE_WINDOW:  # an old penalty: the marks are long settled
        days = str(DISPUTE_WINDOW.days)
        autoreply.reply(session, worker, "dispute_too_old", code=code, window=days)
        return Opening("too_old", code)
    # The order's row lock: two texts of the same dispute open it once (the index backs it).
    order = session.scalars(locked(select(Order).where(Order.id == order.id))).one()
    branch = session.get_one(Branch, order.branch_id)
    active = list(
        session.scalars(
            select(PenaltyEvent)
            .where(
                PenaltyEvent.worker_id == worker.id,
                PenaltyEvent.order_id == order.id,
                PenaltyEvent.occurred_at >= entries_from(order.created_at, order.starts_at),
                PenaltyEvent.kind.in_(PENALTY_KINDS),
                PenaltyEvent.reversed_at.is_(None),
            )
            .order_by(PenaltyEvent.id)
        )
    )
    cases = {
        case.penalty_id: case
        for case in session.scalars(
            select(PenaltyDispute)
            .where(PenaltyDispute.penalty_id.in_([e.id for e in active]))
            .order_by(PenaltyDispute.id)
        )
    }
    still_open = tuple(c for c in cases.values() if c.status == "open")
    fresh = [event for event in active if event.id not in cases]
    if not fresh:
        if still_open:
            deadline = _when(branch, min(c.deadline_at for c in still_open))
            autoreply.reply(session, worker, "dispute_already_open", code=code, deadline=deadline)
            return Opening("already_open", code, still_open)
        kind = "dispute_already_decided" if cases else "dispute_no_penalty"
        autoreply.reply(session, worker, kind, code=code)
        return Opening(kind.removeprefix("dispute_"), code)
    deadline_at = now + timedelta(hours=branch.dispute_deadline_h)
    kept = words[:MAX_WORDS] if words else None
    opened = []
    for event in fresh:
        case = PenaltyDispute(
            worker_id=worker.id,
            order_id=order.id,
            penalty_id=event.id,
            penalty_at=event.occurred_at,
            branch_id=record.deciding_branch(session, event),
            words=kept,
            message_id=None if message is None else message.id,
            message_at=None if message is None else message.created_at,
            opened_at=now,
            deadline_at=deadline_at,
        )
        try:
            with session.begin_nested():
                session.add(case)
                session.flush()
        except IntegrityError:  # opened by a concurrent text: the index kept it to one
            continue
        opened.append(case)
        audit.record(
            session,
            actor_user_id=None,
            actor=_worker_actor(worker),
            action="dispute.open",
            entity="penalty_dispute",
            entity_ids=[case.id],
            branch_id=case.branch_id,
            detail={
                "worker_id": worker.id,
                "order_id": order.id,
                "penalty_id": event.id,
                "deadline_at": deadline_at.isoformat(),
            },
        )
    tell(
        session,
        worker,
        "dispute_opened",
        order_id=order.id,
        code=code,
        deadline=_when(branch, deadline_at),
    )
    return Opening("opened", code, (*opened, *still_open))


def _lock_case(
    session: Session, case: PenaltyDispute, *, skip_locked: bool = False
) -> PenaltyDispute | None:
    """The order, the worker's offer on it, then the case: None if one is held (skip_locked)."""
    order = session.scalars(
        locked(select(Order).where(Order.id == case.order_id), skip_locked=skip_locked)
    ).first()
    if order is None:
        return None
    session.scalars(
        locked(
            select(Offer).where(Offer.order_id == case.order_id, Offer.worker_id == case.worker_id),
            skip_locked=skip_locked,
        )
    ).all()
    query = select(PenaltyDispute).where(PenaltyDispute.id == case.id)
    return session.scalars(locked(query, skip_locked=skip_locked)).first()


def get_case(session: Session, dispute_id: int, *, actor: Actor) -> PenaltyDispute:
    """A case the actor's branch answers for (admins: any); 404 otherwise."""
    case = session.get(PenaltyDispute, dispute_id)
    if case is None or actor.is_client or not actor.sees_branch(case.branch_id):
        raise DisputeNotFound(dispute_id)
    return case


def decide(
    session: Session,
    dispute_id: int,
    *,
    actor: Actor,
    reverse: bool,
    reason: str,
    now: datetime,
) -> PenaltyDispute:
    """The office's decision: reverse the entry (a reason is optional) or uphold it with a
    reason the worker is texted. Decided already (by another or by the sweep): 409."""
    case = get_case(session, dispute_id, actor=actor)
    if actor.role not in OFFICE:
        raise DisputeOfficeOnly()
    reason = check_length("reason", reason.strip(), MAX_REASON)
    if not reverse and not reason:
        raise ReasonRequired("reason", "an upheld dispute must say why")
    held = _lock_case(session, case)
    if held is None or held.status != "open":
        raise DisputeDecided(dispute_id)
    held.status = "reversed" if reverse else "upheld"
    held.decided_at, held.decided_by, held.outcome_reason = now, actor.user_id, reason or None
    if reverse:
        _reverse(session, held, actor, reason or ACCEPTED_REASON, now, "dispute_reversed")
    else:
        worker = session.get_one(Worker, held.worker_id)
        order = session.get_one(Order, held.order_id)
        tell(
            session,
            worker,
            "dispute_upheld",
            order_id=order.id,
            code=order.code,
            reason=reason[:REASON_CHARS],
        )
    session.flush()
    audit.log(
        session,
        actor,
        f"dispute.{'reverse' if reverse else 'uphold'}",
        "penalty_dispute",
        [held.id],
        held.branch_id,
        worker_id=held.worker_id,
        order_id=held.order_id,
        penalty_id=held.penalty_id,
        reason=reason,
    )
    return held


def _reverse(
    session: Session, case: PenaltyDispute, actor: Actor, reason: str, now: datetime, text: str
) -> None:
    """Through the one reversal rule; an entry a corrected mark already took back stays so."""
    try:
        with session.begin_nested():
            record.reverse_penalty(
                session,
                case.penalty_id,
                actor=actor,
                reason=reason,
                now=now,
                text=text,
                at=case.penalty_at,
            )
    except PenaltyAlreadyReversed:
        pass


def overdue(session: Session, now: datetime) -> list[int]:
    """Open cases whose deadline has passed, oldest first (the sweep's list)."""
    return list(
        session.scalars(
            select(PenaltyDispute.id)
            .where(PenaltyDispute.status == "open", PenaltyDispute.deadline_at <= now)
            .order_by(PenaltyDispute.deadline_at, PenaltyDispute.id)
        )
    )


def auto_reverse(session: Session, dispute_id: int, now: datetime) -> bool:
    """Reverse one unanswered case at its deadline; False if it is decided, not yet due, or
    held by a decision right now (skip locked: the decision settles it, or the next tick)."""
    case = session.get(PenaltyDispute, dispute_id)
    if case is None or case.status != "open":
        return False
    held = _lock_case(session, case, skip_locked=True)
    if held is None or held.status != "open" or held.deadline_at > now:
        return False
    if session.get_one(PenaltyEvent, (held.penalty_id, held.penalty_at)).reversed_at is not None:
        # Reversed another way while the case was held: settled by that, not by the deadline
        # (an "auto_reversed" stamp would make a rule's reversal stick: rating._waived).
        held.status, held.decided_at, held.outcome_reason = "reversed", now, WITHDRAWN_REASON
        return False
    held.status, held.decided_at, held.outcome_reason = "auto_reversed", now, AUTO_REASON
    _reverse(session, held, SYSTEM, AUTO_REASON, now, "dispute_auto_reversed")
    session.flush()
    audit.log(
        session,
        SYSTEM,
        "dispute.auto_reverse",
        "penalty_dispute",
        [held.id],
        held.branch_id,
        worker_id=held.worker_id,
        order_id=held.order_id,
        penalty_id=held.penalty_id,
        reason=AUTO_REASON,
    )
    return True


def by_sms(
    session: Session, message: Message, worker: Worker, command: Command, now: datetime
) -> str:
    """The "dispute" command's handler (dispatch/replies/commands.py): the code is the first
    word after the command, the worker's own words (as typed, not folded) the rest."""
    code = command.args[0] if command.args else None
    parts = message.body.split(maxsplit=2)
    words = parts[2].strip() if len(parts) > 2 else None
    opening = open_case(session, worker, code, words=words, message=message, now=now)
    if opening.cases:
        message.order_id = opening.cases[0].order_id
    return f"dispute {opening.outcome}"
