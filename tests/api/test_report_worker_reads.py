"""The workers report shows workers' names, so it counts against the per-user worker-read quota
(BRIGADA_WORKER_READS_RATE, api/deps.py limit_worker_reads) as the other lists do: once per
request, by every path (the API's JSON and CSV, the console's page and CSV); past the quota it
is a 429 showing and auditing nobody. It used to answer in full however often it was read."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.main import create_app
from core.audit import AuditEntry
from core.clock import now
from core.settings import Settings, get_settings
from dispatch.reports.models import ReportWorkerDay
from tests.api.console.helpers import sign_in
from tests.builders import auth, make_branch, make_user, make_worker

QUOTA = 3
NAME = "Отчётов Семён"
PATHS = [
    "/api/v1/reports/workers?{period}",
    "/api/v1/reports/workers?{period}&format=csv",
    "/console/reports?tab=workers&{period}",
    "/console/reports.csv?tab=workers&{period}",
]


@pytest.fixture
def limited(session_factory):
    settings = Settings(**{**get_settings().model_dump(), "worker_reads_rate": f"{QUOTA}/minute"})
    with TestClient(create_app(settings, session_factory, warm=False)) as client:
        yield client


def _audited(session) -> int:  # noqa: ANN001
    return session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(
            AuditEntry.action == "worker.list",
            AuditEntry.detail["via"].astext == "report.workers",
        )
    )


@pytest.mark.parametrize("path", PATHS)
def test_each_workers_report_path_counts_and_past_the_quota_is_429(limited, session, path):
    branch = make_branch(session)
    worker = make_worker(session, branch=branch, full_name=NAME)
    today = now().date()
    session.add(
        ReportWorkerDay(
            day=today, branch_id=branch.id, worker_id=worker.id, shifts=3, no_shows=1, lates=0
        )
    )
    session.flush()
    manager = make_user(session, role="manager", branch=branch)
    sign_in(limited, manager)
    period = f"from={(today - timedelta(days=1)).isoformat()}&to={today.isoformat()}"
    url = path.format(period=period)
    for n in range(QUOTA):
        answer = limited.get(url, headers=auth(manager))
        assert answer.status_code == 200, answer.text[:300]
        assert NAME in answer.content.decode("utf-8-sig")
        assert _audited(session) == n + 1  # every read audited, the same way
    refused = limited.get(url, headers=auth(manager))
    assert refused.status_code == 429, refused.text[:300]
    assert int(refused.headers["Retry-After"]) >= 1
    assert NAME not in refused.text and _audited(session) == QUOTA  # nobody shown nor audited
    # The other reports show no worker: they do not count.
    fill = limited.get(f"/api/v1/reports/fill?{period}", headers=auth(manager))
    assert fill.status_code == 200
