"""Reading the worker base in bulk: at most 200 a page, every page audited with the ids shown,
and a per-user rate of reads (BRIGADA_WORKER_READS_RATE), so a partner office cannot quietly
export the shared base. Every path the rate counts: test_worker_read_quota.py."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.main import create_app
from core.audit import AuditEntry
from core.settings import Settings, get_settings
from tests.api.console.helpers import sign_in
from tests.builders import auth, make_branch, make_user, make_worker

URL = "/api/v1/workers"


def audited(session, *actions: str) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.action.in_(actions)).order_by(AuditEntry.id)
    return list(session.scalars(query))


@pytest.fixture
def branch(session):
    return make_branch(session)


@pytest.fixture
def limited(session_factory):
    """An app allowing three worker lists or searches a minute per user."""
    settings = Settings(**{**get_settings().model_dump(), "worker_reads_rate": "3/minute"})
    with TestClient(create_app(settings, session_factory, warm=False)) as client:
        yield client


@pytest.mark.parametrize("limit, status", [(200, 200), (201, 422), (500, 422), (0, 422)])
def test_a_page_holds_at_most_200_workers(client, session, branch, limit, status):
    headers = auth(make_user(session, role="dispatcher", branch=branch))
    answer = client.get(URL, params={"limit": limit}, headers=headers)
    assert answer.status_code == status, answer.text
    if status == 422:
        assert ["query", "limit"] in [e["loc"] for e in answer.json()["detail"]]


def test_every_page_is_audited_with_the_ids_it_showed(client, session, branch):
    workers = [make_worker(session, branch=branch) for _ in range(5)]
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    headers = auth(dispatcher)
    pages = [
        client.get(URL, params={"limit": 2, "offset": offset}, headers=headers).json()
        for offset in (0, 2, 4)
    ]
    entries = audited(session, "worker.list")
    assert [e.entity_ids for e in entries] == [[w["id"] for w in page] for page in pages]
    assert sorted(i for e in entries for i in e.entity_ids) == sorted(w.id for w in workers)
    assert {(e.actor_user_id, e.branch_id) for e in entries} == {(dispatcher.id, branch.id)}


def test_past_the_rate_worker_lists_are_429_with_retry_after(limited, session, branch):
    make_worker(session, branch=branch)
    headers = auth(make_user(session, role="dispatcher", branch=branch))
    codes = [limited.get(URL, headers=headers).status_code for _ in range(3)]
    assert codes == [200, 200, 200]
    refused = limited.get(URL, params={"skill": "loader"}, headers=headers)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "reads of workers' details" in refused.json()["detail"]
    assert len(audited(session, "worker.list")) == 3  # the refused read showed nobody


def test_the_rate_is_per_user(limited, session, branch):
    first = auth(make_user(session, role="dispatcher", branch=branch))
    second = auth(make_user(session, role="dispatcher", branch=branch))
    for _ in range(3):
        assert limited.get(URL, headers=first).status_code == 200
    assert limited.get(URL, headers=first).status_code == 429
    assert limited.get(URL, headers=second).status_code == 200


def test_single_reads_use_the_quota_and_refused_roles_do_not(limited, session, branch):
    worker = make_worker(session, branch=branch)
    dispatcher = auth(make_user(session, role="dispatcher", branch=branch))
    for _ in range(3):  # each audited on its own, and each counted
        assert limited.get(f"{URL}/{worker.id}", headers=dispatcher).status_code == 200
    assert limited.get(f"{URL}/{worker.id}", headers=dispatcher).status_code == 429
    assert limited.get(URL, headers=dispatcher).status_code == 429
    foreman = auth(make_user(session, role="foreman", branch=branch))
    assert {limited.get(URL, headers=foreman).status_code for _ in range(5)} == {403}


def test_console_searches_share_the_quota_with_the_api(limited, session, branch):
    make_worker(session, branch=branch)
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    headers = auth(dispatcher)
    assert limited.get(URL, headers=headers).status_code == 200
    sign_in(limited, dispatcher)
    assert limited.get("/console/workers", params={"q": "Иванов"}).status_code == 200
    assert limited.get("/console/workers").status_code == 200
    page = limited.get("/console/workers", params={"q": "921"})
    assert page.status_code == 429
    assert page.headers["content-type"].startswith("text/html")  # the console's error page
    assert int(page.headers["Retry-After"]) >= 1
    assert limited.get(URL, headers=headers).status_code == 429
    assert len(audited(session, "worker.list", "worker.search")) == 3
