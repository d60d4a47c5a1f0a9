"""Staff accounts: creating them, checking their passwords (argon2 via pwdlib)."""

from functools import lru_cache

from pwdlib import PasswordHash
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, object_session

from core import audit
from core.db import flush_checked
from core.errors import Forbidden, InvalidInput
from core.tenancy import Actor
from dispatch.enums import BRANCHLESS, CLIENT, MANAGED_BY_MANAGERS, OWNER, ROLES
from dispatch.models import Branch, User
from dispatch.network.models import Organisation
from dispatch.registry.errors import (
    BranchNotFound,
    DuplicateName,
    NotAForeman,
    UserNotFound,
    WeakPassword,
)
from workers.phones import to_e164

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200


@lru_cache
def _hasher() -> PasswordHash:
    return PasswordHash.recommended()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def password_matches(password: str, password_hash: str) -> bool:
    return _hasher().verify(password, password_hash)


def check_password(field: str, password: str, *, username: str) -> None:
    """The one rule for a password anyone sets: long enough, bounded, not the username."""
    if not password.strip():
        raise WeakPassword(field, "a password is required", "required")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(
            field, f"password must have {MIN_PASSWORD_LENGTH}+ characters", "too_short"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise WeakPassword(
            field, f"password must have at most {MAX_PASSWORD_LENGTH} characters", "too_long"
        )
    if password.strip().lower() == username.strip().lower():
        raise WeakPassword(field, "password must not be the username", "is_username")


@lru_cache
def _decoy_hash() -> str:
    # Verifying against a decoy for unknown usernames keeps login timing the same.
    return _hasher().hash("decoy-password-for-timing")


def actor_of(user: User, session: Session | None = None) -> Actor:
    """The user acting. An owner's branches are read now (every request builds its actor), so
    a branch moved to another organisation leaves its old owner at once."""
    branch_ids = None
    if user.role == OWNER:
        session = session or object_session(user)
        assert session is not None, "an owner's branches are read from the database"
        branch_ids = frozenset(
            session.scalars(select(Branch.id).where(Branch.organisation_id == user.organisation_id))
        )
    return Actor(
        user_id=user.id,
        name=user.username,
        role=user.role,
        branch_id=user.branch_id,
        client_id=user.client_id,
        client_admin=user.client_admin,
        branch_ids=branch_ids,
        organisation_id=user.organisation_id,
    )


def checked_contact(full_name: str | None, phone: str | None) -> tuple[str | None, str | None]:
    """A staff member's name and phone as stored: blank is none; the phone checked like a
    worker's and written in E.164 (InvalidInput naming the field otherwise)."""
    full_name = (full_name or "").strip() or None
    if full_name is not None and len(full_name) > 200:
        raise InvalidInput("full_name", "full_name must be at most 200 characters")
    phone = to_e164(phone, field="phone") if phone and phone.strip() else None
    return full_name, phone


def create_user(
    session: Session,
    *,
    actor: Actor,
    username: str,
    password: str,
    role: str,
    branch_code: str | None = None,
    branch_id: int | None = None,
    full_name: str | None = None,
    phone: str | None = None,
    organisation_id: int | None = None,
    organisation: str | None = None,  # its name (the command line)
) -> User:
    name = username.strip().lower()
    full_name, phone = checked_contact(full_name, phone)
    if not name or len(name) > 64:
        raise InvalidInput("username", "username must be 1-64 characters")
    if role not in ROLES:
        raise InvalidInput("role", f"role must be one of {', '.join(ROLES)}")
    if (
        role == CLIENT
    ):  # bound to a client: added on its page (dispatch/registry/client_side/users.py)
        raise InvalidInput("role", "client users are added at /api/v1/clients/{id}/users")
    check_password("password", password, username=name)
    if branch_code is not None:
        found = session.scalars(select(Branch.id).where(Branch.code == branch_code.upper()))
        branch_id = found.one_or_none()
        if branch_id is None:
            raise BranchNotFound(branch_code)
    if role in BRANCHLESS and branch_id is not None:
        raise InvalidInput("branch", f"a {role} serves no one branch")
    if role not in BRANCHLESS and branch_id is None:
        raise InvalidInput("branch", f"a {role} belongs to a branch")
    if not may_add(actor, role, branch_id):
        raise Forbidden("managers add their own branch's staff, owners their branches' managers")
    organisation_id = _organisation(session, role, organisation_id, organisation)
    user = User(
        username=name,
        password_hash=hash_password(password),
        role=role,
        branch_id=branch_id,
        full_name=full_name,
        phone=phone,
        organisation_id=organisation_id,
    )
    flush_checked(
        session,
        user,
        on_unique=DuplicateName("username", name),
        on_foreign_key=BranchNotFound(branch_id),  # an admin naming a branch that is not there
    )
    audit.log(session, actor, "user.create", "user", [user.id], branch_id, role=role)
    return user


def may_add(actor: Actor, role: str, branch_id: int | None) -> bool:
    """Admins add anyone; an owner the managers of their branches; a manager the dispatchers,
    foremen and recruiters of their own branch."""
    if actor.role == "admin":
        return True
    if actor.role == OWNER:
        return role == "manager" and actor.sees_branch(branch_id)
    return role in MANAGED_BY_MANAGERS and branch_id == actor.branch_id


def _organisation(
    session: Session, role: str, organisation_id: int | None, name: str | None
) -> int | None:
    """An owner's organisation, by id or name (422 naming the field when missing or unknown);
    nobody else has one."""
    field = "organisation" if name is not None else "organisation_id"
    if role != OWNER:
        if organisation_id is not None or name is not None:
            raise InvalidInput(field, "only an owner belongs to an organisation")
        return None
    if name is not None:
        found = session.scalars(select(Organisation.id).where(Organisation.name == name.strip()))
        organisation_id = found.one_or_none()
    elif organisation_id is not None:
        organisation_id = session.scalar(
            select(Organisation.id).where(Organisation.id == organisation_id)
        )
    else:
        raise InvalidInput(field, "an owner belongs to an organisation: name it")
    if organisation_id is None:
        raise InvalidInput(field, "no such organisation")
    return organisation_id


def authenticate(session: Session, *, username: str, password: str) -> User | None:
    """The active user with this password, or None; same work whether or not the name exists."""
    if "\x00" in username:  # no stored name has one, and PostgreSQL text cannot carry it
        username = ""
    user = _by_name(session, username)
    if user is None or not user.active:
        _hasher().verify(password, _decoy_hash())
        return None
    valid, new_hash = _hasher().verify_and_update(password, user.password_hash)
    if not valid:
        return None
    if new_hash is not None:  # parameters were raised since this hash was made
        user.password_hash = new_hash
    audit.log(session, actor_of(user, session), "auth.login", "user", [user.id], user.branch_id)
    return user


def _by_name(session: Session, username: str) -> User | None:
    query = select(User).where(func.lower(User.username) == username.strip().lower())
    return session.scalars(query).one_or_none()


def find_user(session: Session, username: str) -> User:
    """The user of this name (any case), for the command line; UserNotFound otherwise."""
    user = _by_name(session, username.replace("\x00", ""))
    if user is None:
        raise UserNotFound(username)
    return user


def get_active_user(session: Session, user_id: int) -> User | None:
    user = session.get(User, user_id)
    return user if user is not None and user.active else None


def end_sessions(session: Session, user_id: int) -> None:
    """Every token and console session of the user stops working on its next request."""
    # One UPDATE: two revokes at once both count, neither is lost to a read-then-write.
    session.execute(
        update(User).where(User.id == user_id).values(token_version=User.token_version + 1)
    )


def revoke_tokens(session: Session, user_id: int, *, actor: Actor) -> User:
    """Every token the user holds stops working (a lost phone, someone who left).

    Admins revoke anyone's; managers those of their branch's staff (404 for anyone else)."""
    user = session.get(User, user_id)
    if user is None or not actor.sees_branch(user.branch_id):
        raise UserNotFound(user_id)
    end_sessions(session, user.id)
    audit.log(session, actor, "user.revoke_tokens", "user", [user.id], user.branch_id)
    return user


def log_out(session: Session, *, actor: Actor) -> None:
    """The caller's own tokens, all of them, stop working."""
    if actor.user_id is None:
        raise Forbidden("the system has no tokens to revoke")
    end_sessions(session, actor.user_id)
    audit.log(session, actor, "auth.logout", "user", [actor.user_id], actor.branch_id)


def list_users(session: Session, *, actor: Actor) -> list[User]:
    query = select(User).order_by(User.username)
    query = query.where(actor.branch_filter(User.branch_id))
    return list(session.scalars(query))


def check_foreman(session: Session, user_id: int | None, branch_id: int) -> None:
    """A foreman named on a site or order: an active foreman of that branch."""
    if user_id is None:
        return
    user = session.get(User, user_id)
    if user is None or user.role != "foreman" or user.branch_id != branch_id or not user.active:
        raise NotAForeman("foreman_id", f"user {user_id} is not an active foreman of this branch")
