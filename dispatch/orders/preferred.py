"""Whom an order is offered to first, before the ranking: the workers the client asked for
again (its favourites) and, for an order that repeats another, last time's crew
(dispatch/orders/crew.py). The matcher (dispatch/fill/matcher.py) keeps only the eligible
ones, by the same rules as everyone else, and ranks them among themselves."""

from sqlalchemy.orm import Session

from dispatch.models import Order
from dispatch.orders.crew import last_crew
from dispatch.registry.clients import favourite_ids


def preferred_workers(session: Session, order: Order) -> list[int]:
    """The worker ids to offer this order first, in no particular order (the matcher ranks
    them), each once: the client's favourites, then last time's crew."""
    return list(
        dict.fromkeys([*favourite_ids(session, order.client_id), *last_crew(session, order)])
    )
