"""Whom an order is offered to first, before the ranking: the workers the client asked for
again (its favourites) and, for an order that repeats another, last time's crew (who came to
work the last time this order ran). The matcher (dispatch/fill/matcher.py) keeps only the
eligible ones, by the same rules as everyone else, and ranks them among themselves."""

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from dispatch.enums import WORKED
from dispatch.models import Offer, Order
from dispatch.registry.clients import favourite_ids


def preferred_workers(session: Session, order: Order) -> list[int]:
    """The worker ids to offer this order first, in no particular order (the matcher ranks
    them), each once: the client's favourites, then last time's crew."""
    return list(
        dict.fromkeys([*favourite_ids(session, order.client_id), *last_crew(session, order)])
    )


def last_crew(session: Session, order: Order) -> list[int]:
    """The workers who came (arrived, or arrived and left early) on the last run of the order
    this one repeats, in the rank order they had there (wave, then rank).

    "The last run" is the latest order, starting before this one, among the order it was
    copied from and that order's other copies (a weekly pattern's days are all copies of one
    order), that anybody came to: so the Friday of a weekly pattern is offered Thursday's
    crew, and a day whose crew has not yet been marked falls back to the one before. An
    order that repeats nothing has no last crew."""
    source = order.repeat_of_id
    if source is None:
        return []
    came = (
        select(Offer.order_id, Offer.worker_id)
        .join(Order, Order.id == Offer.order_id)
        .where(
            or_(Order.id == source, Order.repeat_of_id == source),
            Order.id != order.id,
            Order.starts_at < order.starts_at,
            Offer.attendance.in_(WORKED),
        )
        .order_by(Order.starts_at.desc(), Order.id.desc(), Offer.wave, Offer.rank, Offer.id)
    )
    crew: list[int] = []
    last_run: int | None = None
    for order_id, worker_id in session.execute(came):
        if last_run is None:
            last_run = order_id
        if order_id != last_run:
            break
        crew.append(worker_id)
    return crew
