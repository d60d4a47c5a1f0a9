"""Whose invoices an owner reads: their organisation's branches'. The Actor may carry them
(branch_ids, organisation_id); where it does not (dispatch/registry/staff.py's actor_of leaves
them unset as of issue 21's foundation), they are read from the user's row, so an owner never
falls back to the whole network."""

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.tenancy import Actor
from dispatch.models import Branch, User


def scoped(session: Session, actor: Actor) -> Actor:
    """The actor with an owner's organisation and branches filled in (others unchanged)."""
    if actor.role != "owner" or actor.branch_ids is not None:
        return actor
    organisation_id = actor.organisation_id
    if organisation_id is None and actor.user_id is not None:
        organisation_id = session.scalar(
            select(User.organisation_id).where(User.id == actor.user_id)
        )
    branches: list[int] = []
    if organisation_id is not None:
        branches = list(
            session.scalars(select(Branch.id).where(Branch.organisation_id == organisation_id))
        )
    return replace(actor, organisation_id=organisation_id, branch_ids=frozenset(branches))
