"""Append-only history kept as monthly partitions (PostgreSQL's declarative partitioning).

A partitioned table is split by the month (UTC) of its time column into tables named
`<table>_YYYY_MM`, plus `<table>_default`, which catches a row no month took (it stays empty
while the keeping job runs). The job creates the coming months ahead and drops the months
past the table's retention: DETACH then DROP, never a DELETE scan. Names, not catalogue
bounds, say which month a partition holds: only this module and the migrations make them."""

import logging
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import TextClause, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Pointer:
    """A table's foreign key at a partitioned table's rows: (its id, its time)."""

    table: str
    id_column: str
    at_column: str


@dataclass(frozen=True)
class Monthly:
    table: str
    column: str  # the partition key: the row's time
    keep_years: str  # the setting (core/settings.py) of how long its rows are kept
    # Rows elsewhere that point at this table's rows (core/models.py message_link): cleared
    # before a month they point into is dropped (a DETACH of a month still pointed at fails).
    pointers: tuple[Pointer, ...] = ()


AUDIT = Monthly("audit_log", "at", "audit_keep_years")  # migration 0057
MESSAGES = Monthly(  # migration 0059
    "messages",
    "created_at",
    "messages_keep_years",
    pointers=(
        Pointer("applicants", "consent_message_id", "consent_message_at"),
        Pointer("applicant_steps", "message_id", "message_at"),
        Pointer("penalty_disputes", "message_id", "message_at"),
    ),
)
LEDGER = Monthly("penalty_events", "occurred_at", "ledger_keep_years")  # migration 0063
MONTHLY = (AUDIT, MESSAGES, LEDGER)

log = logging.getLogger("brigada.jobs")
_MONTH = re.compile(r"_(\d{4})_(\d{2})$")
DETACH_WAIT = "2s"


def month_of(moment: datetime) -> date:
    moment = moment.astimezone(UTC)
    return date(moment.year, moment.month, 1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def partition_name(table: str, month: date) -> str:
    return f"{table}_{month:%Y_%m}"


def is_partition(name: str) -> bool:
    """A table that is one of MONTHLY's partitions (the models describe the parent only)."""
    return any(
        name == f"{m.table}_default" or (name.startswith(m.table) and _MONTH.search(name))
        for m in MONTHLY
    )


def months(session: Session, kept: Monthly) -> dict[date, str]:
    """The table's month partitions now attached: month -> partition name."""
    rows = session.execute(
        text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = CAST(:parent AS regclass)"
        ),
        {"parent": kept.table},
    ).scalars()
    found = {}
    for name in rows:
        match = _MONTH.search(name)
        if match and name == partition_name(kept.table, date(int(match[1]), int(match[2]), 1)):
            found[date(int(match[1]), int(match[2]), 1)] = name
    return found


def _bound(month: date) -> str:
    return f"{month:%Y-%m-%d} 00:00:00+00"


def create_month(session: Session, kept: Monthly, month: date) -> str:
    """The month's partition, made beside the table and then attached: ATTACH takes a SHARE
    UPDATE EXCLUSIVE lock on the parent, so writers of other months go on. Rows of that month
    that fell into the default partition move into it first, under a lock that stops new ones
    meanwhile (else a row committed between the copy and the delete would be lost, and one
    committed before the ATTACH would fail it). Rows elsewhere pointing at those rows are
    unpointed while they move and pointed again after (`_lift`)."""
    name = partition_name(kept.table, month)
    low, high = _bound(month), _bound(add_months(month, 1))
    column, default = kept.column, f"{kept.table}_default"
    session.execute(text(f'LOCK TABLE "{default}" IN EXCLUSIVE MODE'))  # reads go on
    session.execute(
        text(
            f'CREATE TABLE "{name}" (LIKE "{kept.table}" INCLUDING DEFAULTS INCLUDING CONSTRAINTS)'
        )
    )
    # The CHECK lets ATTACH skip scanning the new table; it is dropped once attached.
    session.execute(
        text(
            f'ALTER TABLE "{name}" ADD CONSTRAINT "{name}_month" CHECK '
            f"(\"{column}\" >= '{low}' AND \"{column}\" < '{high}')"
        )
    )
    stray = f"\"{column}\" >= '{low}' AND \"{column}\" < '{high}'"
    lifted = _lift(session, kept, low, high)
    session.execute(text(f'INSERT INTO "{name}" SELECT * FROM "{default}" WHERE {stray}'))
    session.execute(text(f'DELETE FROM "{default}" WHERE {stray}'))
    session.execute(
        text(
            f'ALTER TABLE "{kept.table}" ATTACH PARTITION "{name}" '
            f"FOR VALUES FROM ('{low}') TO ('{high}')"
        )
    )
    session.execute(text(f'ALTER TABLE "{name}" DROP CONSTRAINT "{name}_month"'))
    for p, rows in lifted:
        session.execute(
            text(
                f'UPDATE "{p.table}" SET "{p.id_column}" = :was_id, '
                f'"{p.at_column}" = :was_at WHERE id = :row'
            ),
            rows,
        )
    return name


def _lift(
    session: Session, kept: Monthly, low: str, high: str
) -> list[tuple[Pointer, list[dict[str, Any]]]]:
    """The pointers into the month's stray rows, cleared while the rows move out of the
    default partition (deleting a row still pointed at fails) and put back once the month
    is attached; returns what to put back. Pointing tables have an `id` key."""
    lifted = []
    for p in kept.pointers:
        rows = session.execute(
            text(
                f'UPDATE "{p.table}" t SET "{p.id_column}" = NULL, "{p.at_column}" = NULL '
                f'FROM (SELECT id AS row, "{p.id_column}" AS was_id, "{p.at_column}" AS was_at '
                f'FROM "{p.table}" WHERE "{p.at_column}" >= :low AND "{p.at_column}" < :high '
                "FOR UPDATE) was WHERE t.id = was.row RETURNING was.row, was.was_id, was.was_at"
            ),
            {"low": low, "high": high},
        ).mappings()
        found = [dict(r) for r in rows]
        if found:
            lifted.append((p, found))
    return lifted


def ensure_ahead(session: Session, kept: Monthly, *, now: datetime, ahead: int) -> list[str]:
    """This month and the `ahead` next ones exist; returns the partitions made."""
    have = months(session, kept)
    first = month_of(now)
    wanted = [add_months(first, i) for i in range(ahead + 1)]
    return [create_month(session, kept, m) for m in wanted if m not in have]


def drop_before(session: Session, kept: Monthly, *, keep_from: date) -> list[str]:
    """Months before `keep_from` (a month's first day) are detached and dropped; returns
    their names. DETACH takes an ACCESS EXCLUSIVE lock on the parent (CONCURRENTLY is not
    allowed beside a default partition): it waits at most DETACH_WAIT, else the next run
    tries again, so writers are never held up for long. A month that rows of another table
    still point at is kept (logged), and the next run tries it again."""
    gone: list[str] = []
    session.execute(text(f"SET LOCAL lock_timeout = '{DETACH_WAIT}'"))
    due = [
        (month, name) for month, name in sorted(months(session, kept).items()) if month < keep_from
    ]
    default = f"{kept.table}_default"
    before = f'"{kept.column}" < CAST(:keep_from AS timestamptz)'
    stale = session.scalar(
        text(f'SELECT EXISTS (SELECT 1 FROM "{default}" WHERE {before})'),  # noqa: S608
        {"keep_from": _bound(keep_from)},
    )
    if not due and not stale:
        return gone  # nothing to drop: the pointing tables (unindexed times) are not scanned
    unlink(session, kept, keep_from=keep_from)
    for _month, name in due:
        detach = text(f'ALTER TABLE "{kept.table}" DETACH PARTITION "{name}"')
        if _unless_referenced(session, name, detach, text(f'DROP TABLE "{name}"')):
            gone.append(name)
    # The default partition is nearly empty: its old rows go by a plain DELETE.
    old = text(f'DELETE FROM "{default}" WHERE {before}')  # noqa: S608
    _unless_referenced(session, default, old.bindparams(keep_from=_bound(keep_from)))
    return gone


def unlink(session: Session, kept: Monthly, *, keep_from: date) -> int:
    """The pointers at rows older than `keep_from` cleared (the row that pointed stays: an
    applicant's consent keeps its version and time, a dispute its words); returns how many."""
    cleared = 0
    for p in kept.pointers:
        result = session.execute(
            text(
                f'UPDATE "{p.table}" SET "{p.id_column}" = NULL, "{p.at_column}" = NULL '
                f'WHERE "{p.at_column}" < :keep_from'
            ),
            {"keep_from": _bound(keep_from)},
        )
        cleared += result.rowcount or 0  # type: ignore[attr-defined]
    return cleared


def _unless_referenced(session: Session, name: str, *statements: TextClause) -> bool:
    """The statements in a savepoint; False, undone and logged, if a foreign key from another
    table still points at the rows they remove (a review or a dispute at a ledger entry): the
    month stays past its retention and the job goes on with the rest."""
    savepoint = session.begin_nested()
    try:
        for statement in statements:
            session.execute(statement)
    except IntegrityError as exc:
        savepoint.rollback()
        log.warning("%s kept past retention: still referenced (%s)", name, exc.orig)
        return False
    savepoint.commit()
    return True


def compared(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """For Alembic's comparison (include_object): a partition and its indexes are the
    parent's, which the models describe, so they are left out; so are the copies PostgreSQL
    makes, one per partition, of a foreign key to a partitioned table."""
    if type_ == "table" and name is not None and is_partition(name):
        return False
    if type_ == "foreign_key_constraint":
        return not is_partition(obj.referred_table.name)
    table = getattr(obj, "table", None)
    return not (type_ == "index" and table is not None and is_partition(table.name))
