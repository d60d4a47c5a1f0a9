"""Two runs rolling up the same branch-day at once, on committed rows: the advisory lock of
(branch, day) queues the second, which then replaces the first's rows (no duplicate key, no
doubled figures)."""

import threading
from datetime import date

import pytest
from sqlalchemy import delete, select

from core.db import session_scope
from dispatch.network.models import Organisation
from dispatch.reports.models import ReportBranchDay, ReportCalibration, ReportDay, ReportWorkerDay
from dispatch.reports.rollup import recompute_day
from tests.committed import purge_branch
from tests.dispatch.reports.network import make_network

ROLLUPS = (ReportDay, ReportBranchDay, ReportWorkerDay, ReportCalibration)


@pytest.fixture
def committed_day(factory):
    with session_scope(factory) as session:
        net = make_network(session, branches=1, days=1, first=date(2026, 10, 5), seed=99)
        branch_id, orgs = net.branches[0].id, [o.id for o in net.organisations]
        day = net.cell_of(net.orders[0])[0]
    yield branch_id, day
    with session_scope(factory) as session:
        for model in ROLLUPS:
            session.execute(delete(model).where(model.branch_id == branch_id))
        purge_branch(session, branch_id)
        session.execute(delete(Organisation).where(Organisation.id.in_(orgs)))


def _figures(factory, branch_id):  # noqa: ANN001, ANN202
    with session_scope(factory) as session:
        return sorted(
            (r.day, r.client_id, r.site_id, r.skill, r.start_hour, r.orders, r.no_shows, r.revenue)
            for r in session.scalars(select(ReportDay).where(ReportDay.branch_id == branch_id))
        )


def test_concurrent_runs_of_one_day_queue_on_the_lock(factory, committed_day):
    branch_id, day = committed_day
    with session_scope(factory) as session:
        recompute_day(session, branch_id, day)
    once = _figures(factory, branch_id)
    assert once
    errors: list[BaseException] = []
    barrier = threading.Barrier(3)

    def run() -> None:
        try:
            barrier.wait()
            with session_scope(factory) as session:
                recompute_day(session, branch_id, day)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert _figures(factory, branch_id) == once
