"""What a restore must give back: every table's row count and the ledger's money summed per
branch (the penalty ledger, payout batches, invoices). Read from one snapshot."""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import Connection, text
from sqlalchemy.pool import NullPool

from core.db import make_engine

# Each query gives (key, figures) rows: the money of one branch (and currency or status),
# summed in SQL so numeric(…, 2) never passes through a float. A penalty belongs to the
# branch whose order it was recorded on, else the worker's home branch (deciding_branch).
LEDGER_SUMS = (
    """SELECT concat_ws(' ', 'penalty_events', b.code, e.currency),
              format('entries=%s points=%s fine=%s payout=%s reversed=%s',
                     count(*), sum(e.points), sum(e.fine), sum(e.payout),
                     count(e.reversed_at))
       FROM penalty_events e
       JOIN workers w ON w.id = e.worker_id
       LEFT JOIN orders o ON o.id = e.order_id
       JOIN branches b ON b.id = coalesce(o.branch_id, w.branch_id)
       GROUP BY b.code, e.currency""",
    """SELECT concat_ws(' ', 'payout_batches', b.code, p.currency, p.status),
              format('batches=%s total=%s', count(*), sum(p.total))
       FROM payout_batches p JOIN branches b ON b.id = p.branch_id
       GROUP BY b.code, p.currency, p.status""",
    """SELECT concat_ws(' ', 'payout_batch_lines', b.code),
              format('lines=%s amount=%s', count(*), sum(l.amount))
       FROM payout_batch_lines l
       JOIN payout_batches p ON p.id = l.batch_id JOIN branches b ON b.id = p.branch_id
       GROUP BY b.code""",
    """SELECT concat_ws(' ', 'invoices', b.code),
              format('invoices=%s net=%s vat=%s total=%s',
                     count(*), sum(i.net), sum(i.vat), sum(i.total))
       FROM invoices i JOIN branches b ON b.id = i.branch_id
       GROUP BY b.code""",
    """SELECT concat_ws(' ', 'invoice_lines', b.code),
              format('lines=%s hours=%s amount=%s', count(*), sum(l.hours), sum(l.amount))
       FROM invoice_lines l
       JOIN invoices i ON i.id = l.invoice_id JOIN branches b ON b.id = i.branch_id
       GROUP BY b.code""",
)


@dataclass
class Figures:
    revision: str | None
    counts: dict[str, int] = field(default_factory=dict)
    sums: dict[str, str] = field(default_factory=dict)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=1, sort_keys=True) + "\n")

    @classmethod
    def load(cls, path: Path) -> "Figures":
        data = json.loads(path.read_text())
        return cls(revision=data["revision"], counts=data["counts"], sums=data["sums"])


def figures_path(dump: Path) -> Path:
    """Where `brigada backup` leaves the dump's figures: beside it."""
    return dump.with_name(dump.name + ".figures.json")


@contextmanager
def snapshot(url: str) -> Iterator[Connection]:
    """One connection of its own in a REPEATABLE READ transaction: one view of every table."""
    engine = make_engine(url, poolclass=NullPool)
    try:
        conn = engine.connect().execution_options(isolation_level="REPEATABLE READ")
        with conn, conn.begin():
            yield conn
    finally:
        engine.dispose()


def read_figures(conn: Connection) -> Figures:
    """Counts and sums as the connection's transaction sees them."""
    quote = conn.dialect.identifier_preparer.quote
    tables = conn.scalars(
        text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    ).all()
    counts = {
        name: int(conn.scalar(text(f"SELECT count(*) FROM public.{quote(name)}")) or 0)
        for name in tables
    }
    sums: dict[str, str] = {}
    for query in LEDGER_SUMS:
        sums.update({key: value for key, value in conn.execute(text(query))})
    revision = None
    if "alembic_version" in counts:
        revision = conn.scalar(text("SELECT version_num FROM alembic_version"))
    return Figures(revision=revision, counts=counts, sums=dict(sorted(sums.items())))
