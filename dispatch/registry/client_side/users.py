"""A client's own users: who adds and removes them (the client's admin, or the branch's
managers and admins), and the rule that a client admin keeps only their own client's users,
never staff and never another client's."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.db import flush_checked
from core.errors import InvalidInput
from core.tenancy import Actor
from dispatch.enums import CLIENT, MANAGERS
from dispatch.models import Client, User
from dispatch.registry.clients import get_client
from dispatch.registry.errors import ClientAdminOnly, ClientUserNotFound, DuplicateName
from dispatch.registry.staff import check_password, checked_contact, end_sessions, hash_password


def keeps_client(actor: Actor) -> bool:
    """Whether the actor may keep a client's users and keys (which client: get_client's
    tenancy decides): the client's own admin, or the branch's managers and admins."""
    if actor.is_client:
        return actor.client_admin
    return actor.role in MANAGERS


def kept_client(session: Session, actor: Actor, client_id: int) -> Client:
    """The client, if the actor may keep clients (403 otherwise) and sees this one (404)."""
    if not keeps_client(actor):
        raise ClientAdminOnly()
    return get_client(session, client_id, actor=actor)


def create_client_user(
    session: Session,
    *,
    actor: Actor,
    client_id: int,
    username: str,
    password: str,
    full_name: str | None = None,
    phone: str | None = None,
    client_admin: bool = False,
) -> User:
    client = kept_client(session, actor, client_id)
    name = username.strip().lower()
    if not name or len(name) > 64:
        raise InvalidInput("username", "username must be 1-64 characters")
    full_name, phone = checked_contact(full_name, phone)
    check_password("password", password, username=name)
    user = User(
        username=name,
        password_hash=hash_password(password),
        role=CLIENT,
        branch_id=client.branch_id,  # the composite key holds it to the client's branch
        client_id=client.id,
        client_admin=client_admin,
        full_name=full_name,
        phone=phone,
    )
    flush_checked(session, user, on_unique=DuplicateName("username", name))
    audit.log(
        session,
        actor,
        "user.create",
        "user",
        [user.id],
        client.branch_id,
        role=CLIENT,
        client_id=client.id,
        client_admin=client_admin,
    )
    return user


def list_client_users(session: Session, *, actor: Actor, client_id: int) -> list[User]:
    client = kept_client(session, actor, client_id)
    query = select(User).where(User.client_id == client.id, User.role == CLIENT)
    return list(session.scalars(query.order_by(User.username)))


def remove_client_user(session: Session, *, actor: Actor, client_id: int, user_id: int) -> User:
    """Switches the client's user off (every session ends); staff are never theirs to remove."""
    client = kept_client(session, actor, client_id)
    user = session.get(User, user_id)
    if user is None or user.role != CLIENT or user.client_id != client.id:
        raise ClientUserNotFound(user_id)
    if user.active:
        user.active = False
        session.flush()
        end_sessions(session, user.id)
        audit.log(
            session,
            actor,
            "user.deactivate",
            "user",
            [user.id],
            client.branch_id,
            client_id=client.id,
        )
    return user
