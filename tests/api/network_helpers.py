"""Builders for issue 21's network roles: an organisation owning branches, its owner, and the
call centre (tests/builders.py's make_user builds the branch roles)."""

import itertools
from decimal import Decimal

from sqlalchemy.orm import Session

from dispatch.models import Branch, User
from dispatch.network.models import Organisation
from tests.builders import _password_hash as password_hash
from tests.builders import make_user

_seq = itertools.count(1)


def make_organisation(session: Session, *branches: Branch, name: str | None = None) -> Organisation:
    """A franchisee owning the branches given."""
    organisation = Organisation(
        name=name or f"Org {next(_seq)}", kind="franchisee", royalty_rate=Decimal("0.06")
    )
    session.add(organisation)
    session.flush()
    for branch in branches:
        branch.organisation_id = organisation.id
    session.flush()
    return organisation


def make_owner(session: Session, organisation: Organisation) -> User:
    user = User(
        username=f"owner{next(_seq)}",
        password_hash=password_hash(),
        role="owner",
        organisation_id=organisation.id,
    )
    session.add(user)
    session.flush()
    return user


def make_call_centre(session: Session) -> User:
    user = User(username=f"cc{next(_seq)}", password_hash=password_hash(), role="call_centre")
    session.add(user)
    session.flush()
    return user


def network_user(session: Session, role: str, branches: list[Branch]) -> User:
    """An owner of a new organisation owning the branches, or a call-centre user."""
    if role == "owner":
        return make_owner(session, make_organisation(session, *branches))
    assert role == "call_centre", role
    return make_call_centre(session)


def any_staff(session: Session, role: str, branch: Branch) -> User:
    """A user of any staff role, of the branch (an owner: of its organisation)."""
    if role in ("owner", "call_centre"):
        return network_user(session, role, [branch])
    return make_user(session, role=role, branch=None if role == "admin" else branch)
