"""The one place a client event is recorded: a row of the events outbox in the caller's
transaction, with one delivery per subscription that wants it (asked for after the commit)
and the client's text where there is one. Each type at most once per order: the unique
(order_id, type) decides, so a second call, or a second process, records nothing."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from core.clock import now
from core.jobs import enqueue_after_commit
from dispatch.client_models import CLIENT_EVENTS, ClientEvent, WebhookDelivery, WebhookSubscription
from dispatch.enums import WORKED, Attendance, OfferStatus
from dispatch.hooks import notices
from dispatch.models import Offer, Order, Site


def record_event(
    session: Session, order: Order, type: str, data: dict[str, Any], at: datetime | None = None
) -> ClientEvent | None:
    """Record the event (None if the order has it already); its deliveries and text leave
    only if the caller's transaction commits."""
    if type not in CLIENT_EVENTS:
        raise ValueError(f"unknown client event {type!r}")
    at = at or now()
    event_id = session.scalar(
        insert(ClientEvent)
        .values(
            id=uuid.uuid4(),
            client_id=order.client_id,
            order_id=order.id,
            type=type,
            created_at=at,
            data=data,
        )
        .on_conflict_do_nothing(constraint="uq_client_events_order_type")
        .returning(ClientEvent.id)
    )
    if event_id is None:
        return None
    event = session.get_one(ClientEvent, event_id)
    _queue_deliveries(session, event, at)
    notices.tell_client(session, order, event)
    return event


def _queue_deliveries(session: Session, event: ClientEvent, at: datetime) -> None:
    wanting = session.scalars(
        select(WebhookSubscription).where(
            WebhookSubscription.client_id == event.client_id,
            WebhookSubscription.disabled_at.is_(None),
            WebhookSubscription.deleted_at.is_(None),
            WebhookSubscription.events.contains([event.type]),
        )
    )
    for subscription in wanting:
        delivery = WebhookDelivery(
            event_id=event.id, subscription_id=subscription.id, next_attempt_at=at
        )
        session.add(delivery)
        session.flush()
        enqueue_after_commit(session, "hooks.deliver", delivery.id)


def order_facts(session: Session, order: Order) -> dict[str, Any]:
    """What every event says of the order: no worker in it, only counts."""
    site = session.get_one(Site, order.site_id)
    counts = session.execute(
        select(
            func.count().filter(Offer.status == OfferStatus.BOOKED),
            func.count().filter(Offer.attendance.in_(WORKED)),
            func.count().filter(Offer.attendance == Attendance.NO_SHOW),
        ).where(Offer.order_id == order.id)
    ).one()
    return {
        "order_id": order.id,
        "code": order.code,
        "site": {"id": site.id, "name": site.name, "address": site.address},
        "skill": order.skill,
        "starts_at": order.starts_at.isoformat(),
        "ends_at": order.ends_at.isoformat(),
        "status": order.status,
        "headcount": order.headcount,
        "booked": counts[0],
        "arrived": counts[1],
        "no_show": counts[2],
    }


def order_event(session: Session, order: Order, type: str, **extra: Any) -> ClientEvent | None:
    """record_event with the order's facts (and any extra fields): the flow's one-line hook."""
    session.flush()  # the counts read the offers as the caller has just left them
    return record_event(session, order, type, {**order_facts(session, order), **extra})


def shift_closed(session: Session, order: Order) -> None:
    """The close: the shift is over, and its timesheet (hours to work_ended_at) stands."""
    ended = order.work_ended_at.isoformat() if order.work_ended_at else None
    order_event(session, order, "shift.closed", work_ended_at=ended)
    order_event(session, order, "timesheet.ready", work_ended_at=ended)
