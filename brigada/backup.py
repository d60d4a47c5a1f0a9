"""`brigada backup`: pg_dump -Fc of the database, and beside it the figures (row counts, the
ledger's sums) read in the very snapshot pg_dump copies, so a restore drill can check the copy
against them even while the database kept taking orders after the dump."""

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from brigada import pgtools
from brigada.figures import Figures, figures_path, read_figures, snapshot


def default_path(backup_dir: str, database: str, now: datetime) -> Path:
    """<dir>/<database>-YYYYmmddTHHMMSSZ.dump; the working directory when no dir is set."""
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path(backup_dir or ".") / f"{database}-{stamp}.dump"


def backup(database_url: str, path: Path) -> Figures:
    """Dump the database to `path` (custom format) and its figures to path.figures.json."""
    db = pgtools.Database.of(database_url)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
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
                f"--snapshot={exported}",
                f"--file={partial}",
                db.name,
                db=db,
            )
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(path)  # a dump that exists under its name is a whole one
    figures.save(figures_path(path))
    return figures
