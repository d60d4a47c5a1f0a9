"""The audit log: who did or read what, append-only."""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    DateTime,
    Index,
    Integer,
    String,
    func,
    literal,
    or_,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.models import Base, sql_equals, sql_list
from core.tenancy import Actor

# A read of an order's audit rows starts this long before the order was made: `at` is each
# transaction's start, and one that acted on the order may have started before its creation.
SLACK = timedelta(days=1)

# Rows looked up by the ids they name have partial GIN indexes (migration 0062), so that the
# other rows (most of the log: offers, reads of lists) pay for none: an order's rows (the
# API's audit of an order, the call centre's badge, the portal's declined orders) and the
# worker acts whose latest the worker's standing shows (a block stands however old it is).
ORDER = "order"
WORKER_ACTS = ("worker.block", "worker.unblock", "worker.opt_in")
ORDER_CREATE = "order.create"  # the board's call-centre orders of the last day, by `at`
_PATH_OPS = {"entity_ids": "jsonb_path_ops"}  # @> only: smaller than the default GIN ops


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    # Part of the key: the table is partitioned by month of `at` (core/partitions.py).
    at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), primary_key=True, index=True
    )
    actor_user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    actor: Mapped[str] = mapped_column(String(100), nullable=False)
    action: Mapped[str] = mapped_column(String(60), nullable=False)
    entity: Mapped[str] = mapped_column(String(40), nullable=False)
    entity_ids: Mapped[list[int]] = mapped_column(JSONB, nullable=False, default=list)
    branch_id: Mapped[int | None] = mapped_column(Integer, index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False, default=dict)

    __table_args__ = (
        Index(
            "ix_audit_log_order_ids",
            "entity_ids",
            postgresql_using="gin",
            postgresql_ops=_PATH_OPS,
            postgresql_where=text(sql_equals("entity", ORDER)),
        ),
        Index(
            "ix_audit_log_worker_acts",
            "entity_ids",
            postgresql_using="gin",
            postgresql_ops=_PATH_OPS,
            postgresql_where=text(f"action IN {sql_list(WORKER_ACTS)}"),
        ),
        Index(
            "ix_audit_log_orders_made",
            "at",
            postgresql_where=text(sql_equals("action", ORDER_CREATE)),
        ),
    )


def fixed(value: str) -> ColumnElement[str]:
    """A value written into the statement, not bound: a partial index's condition is then
    provable in every plan PostgreSQL makes of it (a generic plan knows no bound value)."""
    return literal(value, literal_execute=True)


def naming(entity: str, ids: list[int] | tuple[int, ...]) -> ColumnElement[bool]:
    """Rows of `entity` that name one of `ids` (for an order: ix_audit_log_order_ids)."""
    return (AuditEntry.entity == fixed(entity)) & or_(
        *(AuditEntry.entity_ids.contains([entity_id]) for entity_id in ids)
    )


def record(
    session: Session,
    *,
    actor_user_id: int | None,
    actor: str,
    action: str,
    entity: str,
    entity_ids: list[int] | tuple[int, ...] = (),
    branch_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        actor_user_id=actor_user_id,
        actor=actor,
        action=action,
        entity=entity,
        entity_ids=list(entity_ids),
        branch_id=branch_id,
        detail=detail or {},
    )
    session.add(entry)
    return entry


def log(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entity_ids: list[int] | tuple[int, ...] = (),
    branch_id: int | None = None,
    **detail: Any,
) -> AuditEntry:
    """record() for a staff member (or the system) acting."""
    return record(
        session,
        actor_user_id=actor.user_id,
        actor=actor.name,
        action=action,
        entity=entity,
        entity_ids=entity_ids,
        branch_id=branch_id,
        detail=detail,
    )


def log_read(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    rows: list[tuple[int, int | None]],
    **detail: Any,
) -> None:
    """A read of rows, given as (id, their branch): under the actor's branch; an owner's (who
    has no one branch) under each row's branch, so that branch's audit tells what was read."""
    if actor.branch_ids is None or not rows:
        log(session, actor, action, entity, [i for i, _ in rows], actor.branch_id, **detail)
        return
    by_branch: dict[int | None, list[int]] = {}
    for entity_id, branch_id in rows:
        by_branch.setdefault(branch_id, []).append(entity_id)
    for branch_id, ids in by_branch.items():
        log(session, actor, action, entity, ids, branch_id, **detail)


def search(
    session: Session,
    *,
    visible: Actor,
    entity: str | None = None,
    entity_id: int | None = None,
    actor_user_id: int | None = None,
    action: str | None = None,
    limit: int = 100,
    before_id: int | None = None,
) -> list[AuditEntry]:
    """Newest first; a branch's staff see only entries of their branch, an owner those of
    their branches (Actor.branch_filter), admins all."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    query = query.where(visible.branch_filter(AuditEntry.branch_id))
    if entity is not None:
        query = query.where(AuditEntry.entity == fixed(entity))
    if entity_id is not None:
        query = query.where(AuditEntry.entity_ids.contains([entity_id]))
    if actor_user_id is not None:
        query = query.where(AuditEntry.actor_user_id == actor_user_id)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    return list(session.scalars(query))


def latest(session: Session, action: str, entity_id: int) -> AuditEntry | None:
    """The newest `action` entry naming the entity, however old (one of WORKER_ACTS)."""
    if action not in WORKER_ACTS:
        raise ValueError(f"{action!r} has no index by entity (WORKER_ACTS)")
    query = (
        select(AuditEntry)
        .where(AuditEntry.action == fixed(action))
        .where(AuditEntry.entity_ids.contains([entity_id]))
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    return session.scalars(query).one_or_none()
