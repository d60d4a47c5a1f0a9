"""`brigada restore-drill`: restore a dump into a fresh database, migrate it, and check its row
counts and ledger sums against the dump's figures (or the live source when a dump has none)."""

import contextlib
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.pool import NullPool

from brigada import pgtools
from brigada.figures import Figures, figures_path, read_figures, snapshot
from core.db import make_engine


@dataclass
class Report:
    """The drill's outcome: every figure compared, the differing ones listed."""

    database: str
    expected_from: str
    steps: list[str] = field(default_factory=list)
    tables: int = 0
    rows: int = 0
    sums: dict[str, str] = field(default_factory=dict)
    differences: list[str] = field(default_factory=list)
    # The scratch database could not be dropped: the comparison stands, the server is not clean.
    cleanup_failed: str | None = None

    @property
    def ok(self) -> bool:
        return not self.differences

    def lines(self) -> list[str]:
        out = [f"restore drill into {self.database}", f"expected: {self.expected_from}"]
        out += [f"  {step}" for step in self.steps]
        out.append(f"row counts: {self.tables} tables, {self.rows} rows")
        out.append(f"ledger sums: {len(self.sums)} lines")
        out += [f"  {key}: {value}" for key, value in self.sums.items()]
        out += [f"MISMATCH {difference}" for difference in self.differences]
        verdict = "OK" if self.ok else f"FAILED: {len(self.differences)} difference(s)"
        out.append(f"result: {verdict}")
        if self.cleanup_failed:
            out.append(f"CLEANUP FAILED: {self.cleanup_failed}")
        return out


def compare(expected: Figures, got: Figures, report: Report) -> None:
    """Fill the report: each table's count and each ledger line, missing ones included."""
    report.tables = len(got.counts)
    report.rows = sum(got.counts.values())
    report.sums = got.sums
    for table in sorted(expected.counts.keys() | got.counts.keys()):
        want, have = expected.counts.get(table), got.counts.get(table)
        if want != have:
            report.differences.append(f"rows of {table}: source {want}, restored {have}")
    for key in sorted(expected.sums.keys() | got.sums.keys()):
        want_sum, have_sum = expected.sums.get(key), got.sums.get(key)
        if want_sum != have_sum:
            report.differences.append(f"{key}: source {want_sum}, restored {have_sum}")


def figures_of(url: str) -> Figures:
    with snapshot(url) as conn:
        return read_figures(conn)


def expected_figures(source_url: str, dump: Path) -> tuple[Figures, str]:
    """The dump's own figures when `brigada backup` wrote them; else the live source's (a
    dump made some other way: only a quiet database compares equal)."""
    path = figures_path(dump)
    if path.exists():
        return Figures.load(path), f"figures of the dump's snapshot ({path.name})"
    name = pgtools.Database.of(source_url).name
    return figures_of(source_url), f"the live database {name} (no {path.name})"


def migrate(url: str, config: Config) -> None:
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    finally:
        engine.dispose()


@contextlib.contextmanager
def terminated_as_exit() -> Iterator[None]:
    """SIGTERM (systemd, kill, a CI timeout) raises SystemExit(143) meanwhile, so `finally`
    blocks run and drop the scratch database; Python's default would just end the process."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers belong to the main thread
        return

    def stop(signum, frame) -> None:
        raise SystemExit(128 + signal.SIGTERM)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def drop_scratch(target: pgtools.Database, source: pgtools.Database, report: Report) -> None:
    """Drop the drill's database; a failure goes in the report, never over the drill's own
    outcome or error."""
    try:
        pgtools.run("dropdb", target.name, db=source)
    except pgtools.PgToolFailed as exc:
        report.cleanup_failed = f"{target.name} is left on the server: {exc}"
    else:
        report.steps.append(f"dropped {target.name}")


def scratch_name(source: str, now: datetime) -> str:
    return f"{source}_drill_{now.astimezone(UTC):%Y%m%d%H%M%S}"


def drill(
    source_url: str,
    dump: Path,
    *,
    alembic_config: Config,
    into: str | None = None,
    keep: bool = False,
    check_only: bool = False,
) -> Report:
    """Restore `dump` into a new database (`into`, else a dated name), migrate it to head and
    compare; the database is dropped afterwards unless `keep`. With `check_only`, `into` is
    an existing copy (a kept drill's) and is only compared, never restored nor dropped."""
    source = pgtools.Database.of(source_url)
    expected, expected_from = expected_figures(source_url, dump)
    target = source.sibling(into or scratch_name(source.name, datetime.now(UTC)))
    report = Report(database=target.name, expected_from=expected_from)
    if check_only:
        compare(expected, figures_of(target.sqlalchemy_url), report)
        return report
    with terminated_as_exit():
        pgtools.run("createdb", target.name, db=source)
        try:
            restore_and_compare(target, source, dump, alembic_config, expected, report)
        finally:
            if keep:
                report.steps.append(f"kept {target.name}")
            else:
                drop_scratch(target, source, report)
    return report


def restore_and_compare(
    target: pgtools.Database,
    source: pgtools.Database,
    dump: Path,
    alembic_config: Config,
    expected: Figures,
    report: Report,
) -> None:
    started = time.monotonic()
    # Neither owners nor grants: the roles of the dumped server need not exist on this one.
    restore = ("--exit-on-error", "--no-owner", "--no-acl", "-d", target.name, str(dump))
    pgtools.run("pg_restore", *restore, db=source)
    report.steps.append(f"pg_restore {dump.name}: {time.monotonic() - started:.1f} s")
    started = time.monotonic()
    migrate(target.sqlalchemy_url, alembic_config)
    got = figures_of(target.sqlalchemy_url)
    took = time.monotonic() - started
    report.steps.append(
        f"alembic upgrade head ({expected.revision} -> {got.revision}): {took:.1f} s"
    )
    compare(expected, got, report)
