"""Staff who leave and come back, and their passwords: switching an account off (every session
ends at once) and on again, changing one's own password, and a one-time password set by an
admin or a manager that must be changed at the next sign-in."""

import secrets
from collections.abc import Mapping

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core import audit
from core.db import locked
from core.errors import FieldRequired, Forbidden
from core.tenancy import Actor
from dispatch.enums import CLIENT, MANAGED_BY_MANAGERS, OWNER
from dispatch.models import User
from dispatch.registry.client_side.users import keep_a_client_admin
from dispatch.registry.errors import (
    LastActiveAdmin,
    MayNotManageUser,
    UserNotFound,
    WeakPassword,
    WrongPassword,
)
from dispatch.registry.staff import (
    check_password,
    checked_contact,
    create_user,
    end_sessions,
    hash_password,
    password_matches,
)

ONE_TIME_PASSWORD_BYTES = 12  # 16 URL-safe characters


def may_manage(actor: Actor, user: User) -> bool:
    """Whether the actor may switch the user off and on or give them a password: admins
    anyone; a manager their own branch's dispatchers, foremen, recruiters and client users; an
    owner their branches' managers."""
    if not actor.sees_branch(user.branch_id):
        return False
    if actor.role == OWNER:
        return user.role == "manager"
    managed = (*MANAGED_BY_MANAGERS, CLIENT)
    return actor.role == "admin" or (actor.role == "manager" and user.role in managed)


def managed_user(session: Session, actor: Actor, user_id: int) -> User:
    """The user, if may_manage(); another branch's user is not there (404)."""
    user = session.get(User, user_id)
    if user is None or not actor.sees_branch(user.branch_id):
        raise UserNotFound(user_id)
    if not may_manage(actor, user):
        raise MayNotManageUser(actor.role, user.role)
    return user


def _keep_an_admin(session: Session, user: User) -> None:
    """Refuses to switch off the last active admin. Every active admin row is locked (in id
    order) before counting, so two admins switched off at once cannot both pass the count."""
    admins = session.scalars(
        locked(select(User.id).where(User.role == "admin", User.active.is_(True)).order_by(User.id))
    ).all()
    if list(admins) == [user.id]:
        raise LastActiveAdmin(user.username)


def _switch(session: Session, user: User, *, active: bool) -> bool:
    """Turns the user on or off in one conditional UPDATE (two managers at once: one of them
    changes it); False: it was so already."""
    changed = session.execute(
        update(User)
        .where(User.id == user.id, User.active.is_(not active))
        .values(active=active)
        .returning(User.id)
    ).first()
    session.refresh(user)
    return changed is not None


def deactivate(session: Session, *, actor: Actor, user_id: int) -> User:
    """The user can no longer sign in, and every token and console session they hold ends."""
    user = managed_user(session, actor, user_id)
    if user.role == "admin":
        _keep_an_admin(session, user)
    keep_a_client_admin(session, user)
    if not _switch(session, user, active=False):  # already off: nothing to do, nothing to log
        return user
    end_sessions(session, user.id)
    audit.log(session, actor, "user.deactivate", "user", [user.id], user.branch_id)
    return user


def activate(session: Session, *, actor: Actor, user_id: int) -> User:
    """The user may sign in again (their old tokens stay void: they sign in anew)."""
    user = managed_user(session, actor, user_id)
    if _switch(session, user, active=True):
        audit.log(session, actor, "user.activate", "user", [user.id], user.branch_id)
    return user


def add_staff(
    session: Session,
    *,
    actor: Actor,
    username: str,
    role: str,
    branch_id: int | None,
    full_name: str | None = None,
    phone: str | None = None,
    organisation_id: int | None = None,
) -> tuple[User, str]:
    """A new staff member with a random one-time password, answered once: they choose their
    own at the first sign-in. Managers add their own branch's dispatchers, foremen and
    recruiters; admins anyone."""
    password = secrets.token_urlsafe(ONE_TIME_PASSWORD_BYTES)
    user = create_user(
        session,
        actor=actor,
        username=username,
        password=password,
        role=role,
        branch_id=branch_id,
        full_name=full_name,
        phone=phone,
        organisation_id=organisation_id,
    )
    user.password_change_required = True
    session.flush()
    return user, password


def edit_contact(
    session: Session, *, actor: Actor, user_id: int, changes: Mapping[str, str | None]
) -> User:
    """A staff member's full name and/or phone (blank or None removes one; a field not in
    `changes` stays), by whoever may manage them."""
    user = managed_user(session, actor, user_id)
    full_name, phone = checked_contact(
        changes.get("full_name", user.full_name), changes.get("phone", user.phone)
    )
    changed = sorted(
        field
        for field, value in (("full_name", full_name), ("phone", phone))
        if getattr(user, field) != value
    )
    if not changed:
        return user
    user.full_name, user.phone = full_name, phone
    session.flush()
    audit.log(session, actor, "user.edit", "user", [user.id], user.branch_id, fields=changed)
    return user


def change_password(
    session: Session, *, actor: Actor, old_password: str, new_password: str
) -> User:
    """The caller's own password, the current one required. Every session of theirs ends, this
    one too: whoever knew the old password is signed out everywhere."""
    if actor.user_id is None:
        raise Forbidden("the system has no password")
    user = session.get(User, actor.user_id)
    if user is None:
        raise UserNotFound(actor.user_id)
    if not old_password:
        raise FieldRequired("old_password", "the current password is required")
    if not password_matches(old_password, user.password_hash):
        raise WrongPassword("old_password")
    check_password("new_password", new_password, username=user.username)
    if new_password == old_password:
        raise WeakPassword(
            "new_password", "the new password must differ from the current one", "unchanged"
        )
    _store_password(session, user, new_password, one_time=False)
    audit.log(session, actor, "auth.password_change", "user", [user.id], user.branch_id)
    return user


def set_password(
    session: Session,
    *,
    actor: Actor,
    user_id: int,
    password: str | None = None,
    one_time: bool = True,
) -> str:
    """An admin or a manager gives the user a password (a random one when none is given),
    answered once. One-time by default: the user must pick their own at the next sign-in.
    Every session the user holds ends."""
    user = managed_user(session, actor, user_id)
    if password is None:
        password = secrets.token_urlsafe(ONE_TIME_PASSWORD_BYTES)
    else:
        check_password("password", password, username=user.username)
    _store_password(session, user, password, one_time=one_time)
    audit.log(
        session, actor, "user.set_password", "user", [user.id], user.branch_id, one_time=one_time
    )
    return password


def _store_password(session: Session, user: User, password: str, *, one_time: bool) -> None:
    user.password_hash = hash_password(password)
    user.password_change_required = one_time
    session.flush()
    end_sessions(session, user.id)
