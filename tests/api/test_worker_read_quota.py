"""Worker reads past the quota (issue 14, High 3): the quota (BRIGADA_WORKER_READS_RATE) counts
every request whose answer shows a worker's name, phone, home or distance from a site, a single
worker or a list, API or console, once per request; past it each such path answers 429 with
Retry-After and shows nobody. After the list quota's 429, single reads and the console's
worker pages used to answer in full."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from core.clock import now
from core.settings import Settings, get_settings
from tests.api.console.helpers import sign_in
from tests.builders import (
    auth,
    book,
    make_branch,
    make_client,
    make_order,
    make_site,
    make_user,
    make_worker,
)

QUOTA = 3
NAME = "Квотов Пётр"
PHONE = "+79215554433"


@pytest.fixture
def limited(session_factory):
    settings = Settings(**{**get_settings().model_dump(), "worker_reads_rate": f"{QUOTA}/minute"})
    with TestClient(create_app(settings, session_factory, warm=False)) as client:
        yield client


@pytest.fixture
def world(session):
    branch = make_branch(session)
    worker = make_worker(session, branch=branch, full_name=NAME, phone=PHONE)
    foreman = make_user(session, role="foreman", branch=branch)
    site = make_site(session, client=make_client(session, branch=branch), foreman_id=foreman.id)
    order = make_order(session, site=site, headcount=1, starts_in=timedelta(hours=3), now=now())
    book(session, order, [worker], now=now())
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    unoffered = make_worker(session, branch=branch)
    today = now().date().isoformat()
    ids = {"w": worker.id, "u": unoffered.id, "o": order.id, "b": branch.id, "day": today}
    return ids, dispatcher, foreman


# (method, path, who reads it); console paths are read signed in.
OFFICE_PATHS = [
    ("GET", "/api/v1/workers/{w}"),
    ("GET", "/api/v1/workers/{w}/vettings"),  # passport and patent numbers
    ("PATCH", "/api/v1/workers/{w}"),  # an empty change answers the whole record
    ("GET", "/api/v1/workers"),
    ("GET", "/api/v1/messages"),
    ("GET", "/api/v1/orders/{o}/candidates"),
    ("GET", "/api/v1/orders/{o}/candidates/{u}"),
    ("GET", "/api/v1/orders/{o}/offers"),
    ("GET", "/api/v1/orders/{o}/timesheet"),
    ("GET", "/api/v1/branches/{b}/payouts?from={day}&to={day}"),
    ("GET", "/console/workers?q=Квотов"),
    ("GET", "/console/workers/{w}"),
    ("GET", "/console/phone?q=Квотов"),
    ("GET", "/console/phone/{w}"),
    ("GET", "/console/messages"),
    ("GET", "/console/orders/{o}"),
]
FOREMAN_PATHS = [
    ("GET", "/api/v1/orders/{o}/timesheet"),
    ("GET", "/console/foreman"),
    ("GET", "/console/foreman/orders/{o}/close"),
]


def _read(client: TestClient, method: str, path: str, headers: dict):
    if method == "PATCH":
        return client.patch(path, json={}, headers=headers)
    return client.get(path, headers=headers)


def _refused(answer) -> None:
    assert answer.status_code == 429, answer.text[:300]
    assert int(answer.headers["Retry-After"]) >= 1
    assert NAME not in answer.text and PHONE[-7:] not in answer.text


@pytest.mark.parametrize("method, path", OFFICE_PATHS)
def test_past_the_list_quota_every_office_read_is_429(limited, session, world, method, path):
    ids, dispatcher, _ = world
    headers = auth(dispatcher)
    sign_in(limited, dispatcher)
    url = path.format(**ids)
    assert _read(limited, method, url, headers).status_code == 200  # it works, and counts
    for _ in range(QUOTA - 1):
        assert limited.get("/api/v1/workers", headers=headers).status_code == 200
    assert limited.get("/api/v1/workers", headers=headers).status_code == 429
    _refused(_read(limited, method, url, headers))


@pytest.mark.parametrize("method, path", FOREMAN_PATHS)
def test_a_foremans_reads_of_names_count_too(limited, session, world, method, path):
    ids, _, foreman = world
    headers = auth(foreman)
    sign_in(limited, foreman)
    url = path.format(**ids)
    for _ in range(QUOTA):
        assert _read(limited, method, url, headers).status_code == 200
    _refused(_read(limited, method, url, headers))


def test_seventy_single_reads_after_the_429_are_all_refused(limited, session, world):
    """The tester's sequence: the list quota spent, then 70 single reads and the console's
    worker pages."""
    ids, dispatcher, _ = world
    headers = auth(dispatcher)
    sign_in(limited, dispatcher)
    for _ in range(QUOTA):
        assert limited.get("/api/v1/workers", headers=headers).status_code == 200
    for _ in range(70):
        _refused(limited.get(f"/api/v1/workers/{ids['w']}", headers=headers))
    _refused(limited.get(f"/console/workers/{ids['w']}"))
    _refused(limited.get(f"/console/phone/{ids['w']}"))
