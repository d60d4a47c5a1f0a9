"""Whom an order is offered to first, before the ranking: the workers the client asked for
again (its favourites). The matcher (dispatch/fill/matcher.py) keeps only the eligible ones,
by the same rules as everyone else, and ranks them among themselves."""

from sqlalchemy.orm import Session

from dispatch.models import Order
from dispatch.registry.clients import favourite_ids


def preferred_workers(session: Session, order: Order) -> list[int]:
    """The worker ids to offer this order first, in no particular order (the matcher ranks
    them): the client's favourites."""
    return favourite_ids(session, order.client_id)
