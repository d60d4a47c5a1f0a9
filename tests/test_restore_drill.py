"""Backups that restore (issue 22 part 5): `brigada backup`, then `brigada restore-drill`, run
as commands against a database of the test's own, committed (the usual test database is
rolled back per test, and pg_dump sees only what is committed)."""

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from brigada import pgtools
from brigada.cli import ROOT, alembic_config
from brigada.drill import migrate
from core.db import make_engine
from core.settings import get_settings
from core.tenancy import Actor
from dispatch.models import Branch, User
from dispatch.penalties.batches import make_batch
from dispatch.shift import onsite
from rating.models import PenaltyEvent
from tests.builders import (
    book,
    make_crew,
    make_foremans_site,
    make_order,
    make_user,
)


@pytest.fixture
def source() -> Iterator[pgtools.Database]:
    """A fresh database on the test server, migrated to head; dropped with any drill copy."""
    server = pgtools.Database.of(get_settings().database_url)
    db = server.sibling(f"brigada_src_{uuid.uuid4().hex[:8]}")
    pgtools.run("createdb", db.name, db=server)
    try:
        engine = make_engine(db.sqlalchemy_url, poolclass=NullPool)
        with engine.begin() as conn:
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
        engine.dispose()
        migrate(db.sqlalchemy_url, alembic_config())
        yield db
    finally:
        for name in (f"{db.name}_copy", db.name):
            pgtools.run("dropdb", "--if-exists", name, db=server)


def as_actor(user: User) -> Actor:
    return Actor(user.id, user.username, user.role, user.branch_id)


def seed(db: pgtools.Database) -> Branch:
    """A closed shift with one no-show (an automatic penalty) and its payout batch."""
    engine = make_engine(db.sqlalchemy_url, poolclass=NullPool)
    with Session(bind=engine, expire_on_commit=False) as session:
        branch, site, foreman_user = make_foremans_site(session)
        foreman = as_actor(foreman_user)
        workers = make_crew(session, branch=branch, n=3)
        order = make_order(session, site=site, headcount=3, starts_in=timedelta(hours=3))
        book(session, order, workers)
        for worker in workers[:2]:
            onsite.mark_attendance(
                session,
                order.id,
                actor=foreman,
                worker_id=worker.id,
                status="arrived",
                at=order.starts_at,
                now=order.starts_at,
            )
        onsite.close_shift(session, order.id, actor=foreman, now=order.ends_at, end="scheduled")
        manager = as_actor(make_user(session, role="manager", branch=branch))
        day = order.starts_at.date()
        make_batch(session, branch.id, actor=manager, date_from=day, date_to=day, now=order.ends_at)
        session.commit()
    engine.dispose()
    return branch


def brigada(db: pgtools.Database, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BRIGADA_DATABASE_URL": db.sqlalchemy_url, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "brigada.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_backup_restores_with_equal_counts_and_sums_and_a_tampered_copy_fails(
    source, tmp_path: Path
):
    branch = seed(source)
    dump = tmp_path / "brigada.dump"
    made = brigada(source, "backup", str(dump))
    assert made.returncode == 0, made.stderr
    assert dump.stat().st_size > 0 and (tmp_path / "brigada.dump.figures.json").exists()
    # The database moves on after the dump: the drill compares with the dump's own snapshot.
    engine = make_engine(source.sqlalchemy_url, poolclass=NullPool)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM payout_batch_lines"))
    engine.dispose()

    copy = f"{source.name}_copy"
    drill = brigada(source, "restore-drill", str(dump), "--keep", "--into", copy)
    assert drill.returncode == 0, drill.stdout + drill.stderr
    report = drill.stdout
    assert "result: OK" in report and "MISMATCH" not in report
    assert "pg_restore brigada.dump" in report and "alembic upgrade head" in report
    # Two workers' 8 h at 120 less the no-show's fine, as the source had them at the dump.
    fine = f"{branch.no_show_fine:.2f}"
    assert f"penalty_events {branch.code} RUB: entries=1 points=3 fine={fine} payout=0.00" in report
    assert f"payout_batches {branch.code} RUB draft: batches=1 total=1620.00" in report
    assert f"payout_batch_lines {branch.code}: lines=3 amount=1620.00" in report

    # Without the dump's figures the drill can only compare with the live database, which
    # moved on: the snapshot's figures are what let the drill above pass.
    figures = tmp_path / "brigada.dump.figures.json"
    figures.rename(tmp_path / "aside.json")
    live = brigada(source, "restore-drill", str(dump), "--check", copy)
    assert live.returncode == 1, live.stdout + live.stderr
    assert f"expected: the live database {source.name}" in live.stdout
    assert "MISMATCH rows of payout_batch_lines: source 0, restored 3" in live.stdout
    (tmp_path / "aside.json").rename(figures)

    # One ledger entry lost in the copy: the comparison says so, and exits 1.
    restored = make_engine(source.sibling(copy).sqlalchemy_url, poolclass=NullPool)
    with Session(bind=restored) as session:
        entry = session.scalars(select(PenaltyEvent.id)).one()
        session.execute(delete(PenaltyEvent).where(PenaltyEvent.id == entry))
        session.commit()
    restored.dispose()
    check = brigada(source, "restore-drill", str(dump), "--check", copy)
    assert check.returncode == 1, check.stdout + check.stderr
    assert "MISMATCH rows of penalty_events: source 1, restored 0" in check.stdout
    assert f"MISMATCH penalty_events {branch.code} RUB: source entries=1" in check.stdout
    # The ledger is partitioned (0063): the partition that held the entry differs too.
    assert "MISMATCH rows of penalty_events_" in check.stdout
    assert "result: FAILED: 3 difference(s)" in check.stdout


def test_the_cell_function_works_with_the_empty_search_path_of_a_restore(connection):
    # pg_restore sets search_path to '' before it rebuilds ix_workers_cell_rating (0056).
    connection.execute(text("SET LOCAL search_path = ''"))
    cell = connection.scalar(
        text("SELECT public.brigada_cell('SRID=4326;POINT(37.62 55.75)'::public.geography)")
    )
    assert cell == (int((55.75 + 90) // 0.02)) * 65536 + int((37.62 + 180) // 0.03)
