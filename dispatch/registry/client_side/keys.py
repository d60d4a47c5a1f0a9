"""A client's API keys: made by the client's admin (or the branch's managers), shown once,
kept only as a SHA-256 (a key is 32 random bytes: no slow hash needed to resist guessing),
revoked for good; a key in use acts as a non-admin user of its client."""

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.errors import FieldRequired, check_length
from core.tenancy import Actor
from dispatch.client_models import ClientApiKey
from dispatch.enums import CLIENT
from dispatch.models import Client
from dispatch.registry.client_side.users import kept_client
from dispatch.registry.errors import ApiKeyNotFound

KEY_PREFIX = "brg_"  # tells a Brigada key at a glance (in a leaked file, say)
SHOWN_PREFIX = 12  # characters kept in clear to tell keys apart in a list
NAME_MAX = 100


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(
    session: Session, *, actor: Actor, client_id: int, name: str, now: datetime
) -> tuple[ClientApiKey, str]:
    """The new key's row and the key itself, which is never seen again."""
    client = kept_client(session, actor, client_id)
    name = name.strip()
    if not name:
        raise FieldRequired("name", "a name is required")
    check_length("name", name, NAME_MAX)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    row = ClientApiKey(
        client_id=client.id,
        name=name,
        prefix=key[:SHOWN_PREFIX],
        key_hash=key_hash(key),
    )
    session.add(row)
    session.flush()
    audit.log(
        session,
        actor,
        "api_key.create",
        "client",
        [client.id],
        client.branch_id,
        key_id=row.id,
        name=name,
        prefix=row.prefix,
    )
    return row, key


def list_keys(session: Session, *, actor: Actor, client_id: int) -> list[ClientApiKey]:
    client = kept_client(session, actor, client_id, read=True)
    query = select(ClientApiKey).where(ClientApiKey.client_id == client.id)
    return list(session.scalars(query.order_by(ClientApiKey.id)))


def revoke_key(
    session: Session, *, actor: Actor, client_id: int, key_id: int, now: datetime
) -> ClientApiKey:
    """The key stops working at once; revoking it twice changes nothing."""
    client = kept_client(session, actor, client_id)
    row = session.get(ClientApiKey, key_id)
    if row is None or row.client_id != client.id:
        raise ApiKeyNotFound(key_id)
    if row.revoked_at is None:
        row.revoked_at = now  # who revoked it: the audit log
        session.flush()
        audit.log(
            session,
            actor,
            "api_key.revoke",
            "client",
            [client.id],
            client.branch_id,
            key_id=row.id,
            prefix=row.prefix,
        )
    return row


def actor_of_key(session: Session, key: str) -> Actor | None:
    """The client user a live key acts as, or None (unknown or revoked)."""
    found = session.execute(
        select(ClientApiKey, Client.branch_id)
        .join(Client, Client.id == ClientApiKey.client_id)
        .where(ClientApiKey.key_hash == key_hash(key), ClientApiKey.revoked_at.is_(None))
    ).one_or_none()
    if found is None:
        return None
    row, branch_id = found
    return Actor(
        user_id=None,
        name=f"api-key:{row.prefix}",
        role=CLIENT,
        branch_id=branch_id,
        client_id=row.client_id,
        client_admin=False,
        api_key_id=row.id,
    )
