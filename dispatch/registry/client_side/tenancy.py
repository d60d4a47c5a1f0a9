"""Which client's things a reader may see: the one rule every query of clients, sites and
orders asks, beside the branch's (Actor.sees_branch). A client user, or a client's API key,
sees their own client's only; anything else is not found (404), as between branches."""

from typing import Any, TypeVar

from sqlalchemy import Select

from core.tenancy import Actor

Query = TypeVar("Query", bound=Select[Any])


def of_their_client(query: Query, actor: Actor, client_column: Any) -> Query:
    """The query narrowed to the actor's client when they act for one (staff: unchanged)."""
    if actor.client_id is not None:
        query = query.where(client_column == actor.client_id)
    return query


def sees_client(actor: Actor, client_id: int | None) -> bool:
    """The same rule on a plain value (a row already loaded)."""
    return actor.client_id is None or actor.client_id == client_id
