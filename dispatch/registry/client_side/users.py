"""A client's own users: who adds and removes them (the client's admin, or the branch's
managers and admins), the rule that a client admin keeps only their own client's users,
never staff and never another client's, and that a client keeps at least one active admin."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import audit
from core.db import flush_checked, locked
from core.errors import FieldRequired, check_length
from core.tenancy import Actor
from dispatch.enums import CLIENT, MANAGERS, OWNER
from dispatch.models import Client, User
from dispatch.registry.clients import get_client
from dispatch.registry.errors import (
    ClientAdminOnly,
    ClientUserNotFound,
    DuplicateName,
    LastClientAdmin,
)
from dispatch.registry.staff import check_password, checked_contact, end_sessions, hash_password

USERNAME_MAX = 64


def keeps_client(actor: Actor, *, read: bool = False) -> bool:
    """Whether the actor may keep a client's users and keys (which client: get_client's
    tenancy decides): the client's own admin, or the branch's managers and admins; read:
    list them, the branch's owner too."""
    if actor.is_client:
        return actor.client_admin
    return actor.role in ((*MANAGERS, OWNER) if read else MANAGERS)


def kept_client(
    session: Session, actor: Actor, client_id: int, *, lock: bool = False, read: bool = False
) -> Client:
    """The client, if the actor may keep clients (403 otherwise) and sees this one (404);
    lock: its row locked, so two removals of its users follow one another."""
    if not keeps_client(actor, read=read):
        raise ClientAdminOnly()
    return get_client(session, client_id, actor=actor, lock=lock)


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
    if not name:
        raise FieldRequired("username", "a username is required")
    check_length("username", name, USERNAME_MAX)
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
    client = kept_client(session, actor, client_id, read=True)
    query = select(User).where(User.client_id == client.id, User.role == CLIENT)
    return list(session.scalars(query.order_by(User.username)))


def remove_client_user(session: Session, *, actor: Actor, client_id: int, user_id: int) -> User:
    """Switches the client's user off (every session ends); staff are never theirs to remove,
    nor the client's last active admin (the client's row lock settles two at once)."""
    client = kept_client(session, actor, client_id, lock=True)
    user = session.get(User, user_id)
    if user is None or user.role != CLIENT or user.client_id != client.id:
        raise ClientUserNotFound(user_id)
    keep_a_client_admin(session, user)
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


def keep_a_client_admin(session: Session, user: User) -> None:
    """Refuses to switch off a client's last active admin, by either path (the client's page
    or the staff accounts'): the client's row is locked first, so two at once follow in turn."""
    if not (user.active and user.role == CLIENT and user.client_admin and user.client_id):
        return
    session.execute(locked(select(Client.id).where(Client.id == user.client_id)))
    if _active_admins(session, user.client_id) <= 1:
        raise LastClientAdmin(user.username)


def _active_admins(session: Session, client_id: int) -> int:
    query = select(func.count()).where(
        User.client_id == client_id, User.role == CLIENT, User.client_admin, User.active
    )
    return session.scalar(query) or 0
