"""`brigada backup`: pg_dump -Fc of the database, and beside it the figures (row counts, the
ledger's sums) read in the very snapshot pg_dump copies, so a restore drill can check the copy
against them even while the database kept taking orders after the dump."""

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from brigada import pgtools
from brigada.figures import Figures, figures_path, read_figures, snapshot

# pg_dump takes a shared lock on every table first: a migration holding one gives up the
# backup after this long instead of queueing every other query behind pg_dump's wait.
LOCK_WAIT_TIMEOUT = "60s"


def default_path(backup_dir: str, database: str, now: datetime) -> Path:
    """<dir>/<database>-YYYYmmddTHHMMSSZ.dump; the working directory when no dir is set."""
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path(backup_dir or ".") / f"{database}-{stamp}.dump"


def backup(database_url: str, path: Path) -> Figures:
    """Dump the database to `path` (custom format) and its figures to path.figures.json."""
    db = pgtools.Database.of(database_url)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    figures_file = figures_path(path)
    figures_partial = figures_file.with_name(figures_file.name + ".partial")
    try:
        with snapshot(db.sqlalchemy_url) as conn:
            # The dump may take longer than the idle timeout; only reads are open here.
            conn.execute(text("SET LOCAL idle_in_transaction_session_timeout = 0"))
            exported = conn.scalar(text("SELECT pg_export_snapshot()"))
            figures = read_figures(conn)
            # pg_dump adopts this transaction's snapshot: the dump holds what we counted.
            pgtools.run(
                "pg_dump",
                "--format=custom",
                f"--lock-wait-timeout={LOCK_WAIT_TIMEOUT}",
                f"--snapshot={exported}",
                f"--file={partial}",
                db.name,
                db=db,
            )
        # The figures first, the dump's name last: a dump under its name has its figures.
        figures.save(figures_partial)
        figures_partial.replace(figures_file)
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        figures_partial.unlink(missing_ok=True)
        raise
    return figures
