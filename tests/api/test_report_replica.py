"""Reports read from a read replica when BRIGADA_DATABASE_REPLICA_URL is set (api/deps.py
REPORTS_DB): the rollups' figures come from the replica, while the workers' names and the audit
of their read stay on the primary, and nothing can be written through the replica's sessions.

The "replica" here is a stand-in: a second database on the same server holding the rollup
tables with figures of its own (unlike the primary's), so an answer shows which one it came
from. A real streaming replica (pg_basebackup -R) was checked by hand: docs/deploy.md, "Read
replica"."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, insert, select, text
from sqlalchemy.exc import InternalError
from sqlalchemy.orm import Session, sessionmaker

from core.audit import AuditEntry
from core.clock import now
from core.db import get_replica_sessionmaker, make_engine, session_scope
from core.models import Base
from dispatch.reports.models import ReportBranchDay, ReportCalibration, ReportDay, ReportWorkerDay
from tests.api.console.helpers import sign_in
from tests.builders import auth, make_branch, make_user, make_worker

NAME = "Репликов Пётр"
ROLLUPS = [
    Base.metadata.tables[m.__tablename__]
    for m in (ReportBranchDay, ReportDay, ReportWorkerDay, ReportCalibration)
]
ZERO = {
    column: 0
    for column in (
        "orders", "headcount", "booked_by_start", "filled_orders", "fill_minutes", "fill_count",
        "booked", "no_shows", "lates", "arrived", "cancelled_client", "cancelled_office",
        "worker_late_cancels", "revenue", "worker_pay", "margin",
    )
}  # fmt: skip


@pytest.fixture(scope="module")
def standin_url(engine: Engine) -> Iterator[str]:
    """A second database with the rollup tables (and the branch names the labels read)."""
    url = engine.url.set(database=f"{engine.url.database}_replica_standin")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}"'))
        conn.execute(text(f'CREATE DATABASE "{url.database}"'))
    owner = make_engine(url.render_as_string(hide_password=False))
    Base.metadata.create_all(owner, tables=ROLLUPS)
    with owner.begin() as conn:
        conn.execute(text("CREATE TABLE branches (id integer PRIMARY KEY, name text NOT NULL)"))
    owner.dispose()
    yield url.render_as_string(hide_password=False)
    get_replica_sessionmaker.cache_clear()  # its engine's connections closed before the drop
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))


@pytest.fixture
def standin(standin_url: str) -> Iterator[Engine]:
    """The stand-in, writable by the test only (the app's sessions on it are read only)."""
    writer = make_engine(standin_url)
    yield writer
    with writer.begin() as conn:
        conn.execute(text("TRUNCATE branches, " + ", ".join(t.name for t in ROLLUPS)))
    writer.dispose()


@pytest.fixture
def on_replica(app, standin_url: str) -> Iterator[None]:
    """The app as create_app makes it with BRIGADA_DATABASE_REPLICA_URL set."""
    before = app.state.reports_sessionmaker
    app.state.reports_sessionmaker = get_replica_sessionmaker(standin_url)
    yield
    app.state.reports_sessionmaker = before


def _rollups(target: Session | Engine, branch_id: int, worker_id: int, orders: int) -> None:
    """A day of the branch with `orders` orders, and the worker's `orders` shifts in it."""
    day = now().date()
    rows = [
        (ReportBranchDay, {**ZERO, "day": day, "branch_id": branch_id, "orders": orders}),
        (
            ReportWorkerDay,
            {"day": day, "branch_id": branch_id, "worker_id": worker_id, "shifts": orders,
             "no_shows": 0, "lates": 0},
        ),
    ]  # fmt: skip
    if isinstance(target, Session):
        for model, values in rows:
            target.execute(insert(model).values(**values))
        target.flush()
        return
    with target.begin() as conn:
        for model, values in rows:
            conn.execute(insert(model).values(**values))


def _audited(session: Session) -> int | None:
    return session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.detail["via"].astext == "report.workers")
    )


@pytest.fixture
def world(session: Session, standin: Engine):
    """One branch and worker: 3 orders and shifts on the primary, 7 on the replica."""
    branch = make_branch(session)
    worker = make_worker(session, branch=branch, full_name=NAME)
    _rollups(session, branch.id, worker.id, 3)
    _rollups(standin, branch.id, worker.id, 7)
    return make_user(session, role="manager", branch=branch)


def _period() -> str:
    today = now().date()
    return f"from={(today - timedelta(days=1)).isoformat()}&to={today.isoformat()}"


@pytest.mark.parametrize(
    "path", ["/api/v1/reports/fill?{p}", "/api/v1/reports/fill?{p}&format=csv"]
)
def test_the_report_answers_from_the_replica(client, world, on_replica, path):
    answer = client.get(path.format(p=_period()), headers=auth(world))
    assert answer.status_code == 200, answer.text
    if "csv" in path:
        assert answer.text.splitlines()[1].split(",")[2:3] == ["7"]  # key, label, orders
    else:
        assert answer.json()["totals"]["orders"] == 7


def test_without_a_replica_the_report_reads_the_primary(client, world):
    answer = client.get(f"/api/v1/reports/fill?{_period()}", headers=auth(world))
    assert answer.status_code == 200, answer.text
    assert answer.json()["totals"]["orders"] == 3


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/reports/workers?{p}",
        "/api/v1/reports/workers?{p}&format=csv",
        "/console/reports?tab=workers&{p}",
        "/console/reports.csv?tab=workers&{p}",
    ],
)
def test_workers_figures_from_the_replica_names_and_audit_on_the_primary(
    client, session, world, on_replica, path
):
    sign_in(client, world)
    answer = client.get(path.format(p=_period()), headers=auth(world))
    assert answer.status_code == 200, answer.text[:300]
    page = answer.content.decode("utf-8-sig")
    assert NAME in page  # the name: read on the primary (the stand-in has no workers)
    if path.startswith("/api/v1/reports/workers?") and "csv" not in path:
        assert answer.json()["rows"][0]["shifts"] == 7
    assert _audited(session) == 1  # the audit row: on the primary


def test_a_write_through_the_replica_session_is_refused(standin_url, standin):
    factory: sessionmaker[Session] | None = get_replica_sessionmaker(standin_url)
    assert factory is not None
    with pytest.raises(InternalError, match="read-only transaction"), session_scope(factory) as s:
        s.execute(insert(ReportBranchDay).values(**ZERO, day=now().date(), branch_id=1))
    with standin.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(ReportBranchDay)) == 0
