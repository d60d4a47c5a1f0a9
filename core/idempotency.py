"""Idempotency keys: a state-changing call sent again with the same `Idempotency-Key` answers
what the first one answered, and does nothing twice (API.md: "the same key and body answer the
first result again (24 h); the same key with another body is 422").

The key row and the change it guards commit in one transaction: the request claims its key
(an INSERT) before the work, stores its answer in the row after it, and the request's commit
keeps both or neither. Two requests with one key are put one after the other by the unique
index on (owner, key): the second INSERT waits for the first transaction, then finds its row
and answers its stored answer again; had the first rolled back, the second goes ahead. Errors
are never stored: a request that fails writes nothing, its key included, so a retry runs again.

Some answers are kept without their body ("withheld"): a secret shown once (an API key, a
webhook's secret, a one-time password: the route says so, api/idempotency.py `shown_once`),
whose key row keeps its status only and whose replay is a 409 (`idempotency_answer_withheld`);
and an answer that mentions a person who has since been forgotten (`withhold_mentioning`,
called by core/forgetting.py's scan), whose replay is the same status with WITHHELD_BODY. A
withheld row is marked by the pseudo-header WITHHELD in its headers (never sent).
"""

import hashlib
import html
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote

from sqlalchemy import (
    BigInteger,
    DateTime,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    delete,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.errors import Conflict, InvalidInput
from core.models import Base

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
LONGEST_KEY = 255
# Printable ASCII, a space included (a header's ends are trimmed by HTTP itself).
KEY_PATTERN = r"^[\x20-\x7e]+$"
KEEP = timedelta(hours=24)
# The pseudo-header of a withheld answer, and why: a secret shown once, a forgotten person.
WITHHELD = "idempotency-withheld"
SHOWN_ONCE, FORGOTTEN = "shown-once", "forgotten"
WITHHELD_BODY = b'{"replayed":true,"withheld":true}'
# What a withheld answer still sends (a redirect's target: a page address, no one's data).
KEPT_WHEN_WITHHELD = frozenset({"location", "hx-redirect"})
SHORTEST_NEEDLE = 5  # a shorter needle would hit other people's answers
# Each sweep deletes at most this many expired keys per transaction, oldest first.
SWEEP_BATCH = 5000


class IdempotencyKey(Base):
    """One caller's key: the request it was first sent with (a hash) and what it answered."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("owner", "key", name="uq_idempotency_keys_owner_key"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    # "user:12" or "key:3" (a client's API key): one caller's keys never answer another.
    owner: Mapped[str] = mapped_column(String(40), nullable=False)
    key: Mapped[str] = mapped_column(String(LONGEST_KEY), nullable=False)
    # sha256 of the method, the path with its query and the body.
    fingerprint: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, index=True
    )
    # The stored answer; NULL only between the claim and the end of the claiming request.
    status_code: Mapped[int | None] = mapped_column(Integer)
    headers: Mapped[list[list[str]] | None] = mapped_column(JSONB)
    body: Mapped[bytes | None] = mapped_column(LargeBinary)


class IdempotencyKeyReused(InvalidInput):
    """The key was first sent with another method, path or body."""

    code = "idempotency_key_reused"

    def __init__(self) -> None:
        super().__init__(HEADER, "this key was first used with another request", location="header")


class IdempotencyKeyUnanswered(Conflict):
    """The key's row holds no answer (it cannot, once committed; kept as a safe refusal)."""

    code = "idempotency_key_unanswered"


class IdempotencyAnswerWithheld(Conflict):
    """The call was done; its answer carried a secret shown once, so it is not sent again."""

    code = "idempotency_answer_withheld"

    def __init__(self) -> None:
        super().__init__(
            "the call with this key was done; its answer held a secret that is shown only once"
        )


@dataclass(frozen=True)
class Answer:
    """A stored answer, to be sent again."""

    status_code: int
    headers: list[list[str]]
    body: bytes


def fingerprint(method: str, target: str, body_parts: Iterable[bytes]) -> str:
    """The hash a key is bound to: the method, the path with its query, the body's parts."""
    digest = hashlib.sha256()
    for part in (method.upper().encode(), target.encode("utf-8", "surrogateescape")):
        digest.update(len(part).to_bytes(8, "big") + part)
    for part in body_parts:
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


def owner_of(user_id: int | None, api_key_id: int | None) -> str | None:
    """Whose keys these are: the API key if the call came through one, else the user."""
    if api_key_id is not None:
        return f"key:{api_key_id}"
    if user_id is not None:
        return f"user:{user_id}"
    return None


def claim(
    session: Session, *, owner: str, key: str, fingerprint: str, now: datetime
) -> int | Answer:
    """The key's row id if this request now holds the key (new, or found expired), else the
    answer stored by the request that held it (IdempotencyKeyReused for another request).

    A row another open transaction inserted makes this wait for it (the unique index): its
    commit shows the row and its answer here, its rollback lets this insert go ahead."""
    fresh = {"fingerprint": fingerprint, "created_at": now}
    stale = {**fresh, "status_code": None, "headers": None, "body": None}
    held: int | None = session.scalar(
        insert(IdempotencyKey)
        .values(owner=owner, key=key, **fresh)
        .on_conflict_do_update(
            constraint="uq_idempotency_keys_owner_key",
            set_=stale,
            where=IdempotencyKey.created_at <= now - KEEP,  # expired: as good as new
        )
        .returning(IdempotencyKey.id)
    )
    if held is not None:
        return held
    row = session.execute(
        select(IdempotencyKey)
        .where(IdempotencyKey.owner == owner, IdempotencyKey.key == key)
        .execution_options(populate_existing=True)
    ).scalar_one()
    if row.fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    if row.status_code is None or row.body is None:
        raise IdempotencyKeyUnanswered(f"key {key!r} holds no answer")
    headers = list(row.headers or [])
    why = next((value for name, value in headers if name == WITHHELD), None)
    if why == SHOWN_ONCE:
        raise IdempotencyAnswerWithheld()
    if why is not None:
        kept = [[n, v] for n, v in headers if n.lower() in KEPT_WHEN_WITHHELD]
        return Answer(row.status_code, [["content-type", "application/json"], *kept], row.body)
    return Answer(row.status_code, headers, row.body)


def store(
    session: Session,
    key_id: int,
    *,
    status_code: int,
    headers: list[list[str]],
    body: bytes,
) -> None:
    """The answer of the request holding the key; it commits with the request's work."""
    row = session.get(IdempotencyKey, key_id)
    assert row is not None, "the claimed key row is this transaction's own"
    row.status_code, row.headers, row.body = status_code, headers, body
    session.flush()


def withhold(session: Session, key_id: int, *, status_code: int) -> None:
    """Keep the key and the status of an answer that showed a secret once, not its body: a
    retry does not make a second secret, nor does it show the first one again."""
    store(session, key_id, status_code=status_code, headers=[[WITHHELD, SHOWN_ONCE]], body=b"")


def _forms(needle: str) -> set[str]:
    """How a needle may be written in an answer: as it is, in JSON (ASCII-escaped or not), in
    HTML, in a URL."""
    return {needle, json.dumps(needle)[1:-1], html.escape(needle), quote(needle, safe="")}


def withhold_mentioning(session: Session, needles: Iterable[str]) -> int:
    """Withhold every stored answer whose body or headers mention a needle (a forgotten
    person's phone, its digits, their name): its body and headers go (a redirect's target is
    kept unless it mentions one), and its replay is its status with WITHHELD_BODY. How many."""
    forms = sorted({f for n in needles if len(n.strip()) >= SHORTEST_NEEDLE for f in _forms(n)})
    if not forms:
        return 0
    params: dict[str, object] = {}
    found = []
    for i, form in enumerate(forms):
        params[f"b{i}"], params[f"t{i}"] = form.encode(), form
        found.append(f"position(CAST(:b{i} AS bytea) in body) > 0")
        found.append(f"strpos(CAST(headers AS text), :t{i}) > 0")
    ids = session.scalars(
        text(
            f"SELECT id FROM idempotency_keys WHERE status_code IS NOT NULL "
            f"AND ({' OR '.join(found)}) FOR UPDATE"
        ),
        params,
    ).all()
    for row in session.scalars(select(IdempotencyKey).where(IdempotencyKey.id.in_(ids))):
        kept = [
            [name, value]
            for name, value in row.headers or []
            if name.lower() in KEPT_WHEN_WITHHELD and not any(f in value for f in forms)
        ]
        if any(name == WITHHELD and value == SHOWN_ONCE for name, value in row.headers or []):
            continue  # its body is gone already, and its replay is a 409 still
        row.headers, row.body = [[WITHHELD, FORGOTTEN], *kept], WITHHELD_BODY
    session.flush()
    return len(ids)


def release(session: Session, key_id: int) -> None:
    """Give the key back (an error answer, or one that cannot be stored): a retry runs again."""
    session.execute(delete(IdempotencyKey).where(IdempotencyKey.id == key_id))


def sweep(session: Session, now: datetime, *, batch: int = SWEEP_BATCH) -> int:
    """Delete up to `batch` keys older than 24 hours (oldest first); how many went."""
    oldest = (
        select(IdempotencyKey.id)
        .where(IdempotencyKey.created_at <= now - KEEP)
        .order_by(IdempotencyKey.created_at)
        .limit(batch)
        .with_for_update(skip_locked=True)  # a request renewing an expired key keeps it
    )
    gone = session.execute(
        delete(IdempotencyKey).where(IdempotencyKey.id.in_(oldest)).returning(IdempotencyKey.id)
    )
    return len(gone.all())
