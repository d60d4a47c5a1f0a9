"""The office's approval of a client's order placed inside the branch's lead time
(client_order_approval_h; the one rule is service.inside_lead_time, read by create_order and
by a change of times). Such an order is created `awaiting_approval`: no wave is due, no job
is enqueued, nobody is texted. The office approves it (it opens and fills at once) or
declines it with a reason (a cancellation: the client's order.cancelled event, no late-cancel
pay since nobody is booked). The client may cancel it meanwhile; the order's row lock
settles an approval racing that cancellation. An order whose start passes while it waits is
declined by the system (the reconciler's sweep: expired, decline_expired), as the office
would: the client hears order.cancelled and its portal shows the order declined."""

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import audit
from core.audit import SLACK, AuditEntry
from core.jobs import enqueue_after_commit
from core.tenancy import SYSTEM, Actor
from dispatch.enums import OFFICE, OrderStatus
from dispatch.models import Order
from dispatch.orders.errors import (
    ApprovalAfterStart,
    ApprovalByOfficeOnly,
    OrderNotAwaitingApproval,
)
from dispatch.orders.service import ORDER_BRANCH, cancel_order, get_order


def _awaiting(session: Session, order_id: int, actor: Actor) -> Order:
    """The order, locked, if it still awaits approval (another branch's: not found)."""
    if actor.is_client or actor.role not in OFFICE:
        raise ApprovalByOfficeOnly("only the office approves or declines an order")
    order = get_order(session, order_id, actor=actor, lock=True, options=ORDER_BRANCH)
    if order.status != OrderStatus.AWAITING_APPROVAL:
        raise OrderNotAwaitingApproval(order.code, order.status)
    return order


def approve_order(session: Session, order_id: int, *, actor: Actor, now: datetime) -> Order:
    """Open the order and start filling it once the transaction commits."""
    order = _awaiting(session, order_id, actor)
    if order.starts_at <= now:
        raise ApprovalAfterStart(order.code)
    order.status = OrderStatus.OPEN
    order.next_wave_at = now  # the reconciler starts it should the enqueued job be lost
    session.flush()
    audit.log(
        session, actor, "order.approve", "order", [order.id], order.branch_id, code=order.code
    )
    enqueue_after_commit(session, "dispatch.fill", order.id)
    return order


def decline_order(
    session: Session, order_id: int, *, actor: Actor, reason: str, now: datetime
) -> Order:
    """Turn the order down: cancelled with the reason, by the one cancel path (which asks for
    the reason)."""
    _awaiting(session, order_id, actor)  # locks the row: a racing approval or cancel waits
    order = cancel_order(session, order_id, actor=actor, reason=reason, now=now)
    audit.log(
        session,
        actor,
        "order.decline",
        "order",
        [order.id],
        order.branch_id,
        code=order.code,
        reason=order.cancel_reason,
    )
    return order


NOT_APPROVED = "not approved before the start"


def expired(session: Session, now: datetime) -> list[int]:
    """Orders (every branch) still awaiting approval whose start has come."""
    query = select(Order.id).where(
        Order.status == OrderStatus.AWAITING_APPROVAL, Order.starts_at <= now
    )
    return list(session.scalars(query.order_by(Order.id)))


def decline_expired(session: Session, order_id: int, now: datetime) -> Order | None:
    """Decline, as the system, an order whose start came before the office decided. Nothing
    (None) if, under the order's row lock, it no longer awaits (approved, declined or
    cancelled meanwhile) or its start is ahead again: a second run changes nothing."""
    order = get_order(session, order_id, actor=SYSTEM, lock=True)
    if order.status != OrderStatus.AWAITING_APPROVAL or order.starts_at > now:
        return None
    return decline_order(session, order_id, actor=SYSTEM, reason=NOT_APPROVED, now=now)


def declined(session: Session, order_ids: Collection[int]) -> set[int]:
    """Of these (cancelled) orders, those the office declined: the client's pages say so."""
    if not order_ids:
        return set()
    # Not before the first order was made: the audit log's old months are never read.
    first_made = select(func.min(Order.created_at) - SLACK).where(Order.id.in_(order_ids))
    since = first_made.scalar_subquery()
    query = select(AuditEntry.entity_ids).where(
        AuditEntry.action == "order.decline",
        AuditEntry.at >= since,
        audit.naming(audit.ORDER, list(order_ids)),  # ix_audit_log_order_ids
    )
    return {i for ids in session.scalars(query) for i in ids} & set(order_ids)
