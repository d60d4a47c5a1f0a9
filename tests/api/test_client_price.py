"""The client's price (the client rate, the client amount) and the margin are the office's:
a foreman sees hours and workers' pay only, on every path (API, CSV, console); a dispatcher
sees all of it (issue 15, item 2)."""

from datetime import timedelta

import pytest

from tests.api.console.helpers import sign_in
from tests.builders import (
    auth,
    make_foremans_site,
    make_started_order,
    make_user,
    make_worker,
)
from tests.csv_reading import read_csv

OFFICE_ONLY = {"client_rate", "client_amount", "margin"}


@pytest.fixture
def shift(session):
    """A shift that started 2 hours ago, two workers booked, one arrived; its foreman and a
    dispatcher of the branch."""
    branch, site, foreman = make_foremans_site(session)
    workers = [make_worker(session, branch=branch) for _ in range(2)]
    order, offers = make_started_order(
        session, site=site, workers=workers, started_ago=timedelta(hours=2)
    )
    offers[0].attendance, offers[0].arrived_at = "arrived", order.starts_at
    session.flush()
    users = {"foreman": foreman, "dispatcher": make_user(session, role="dispatcher", branch=branch)}
    return {"order": order, "users": users}


def _shown_in_json(value) -> set[str]:
    """The office-only amounts present (not null) anywhere in a JSON answer."""
    if isinstance(value, list):
        return set().union(*(_shown_in_json(v) for v in value)) if value else set()
    if isinstance(value, dict):
        found = {k for k, v in value.items() if k in OFFICE_ONLY and v is not None}
        return found.union(*(_shown_in_json(v) for v in value.values()))
    return set()


def _api_json(method, path):
    def read(client, user, order):
        answer = client.request(method, path.format(id=order.id), headers=auth(user))
        assert answer.status_code == 200, answer.text
        return _shown_in_json(answer.json())

    return read


def _csv(client, user, order):
    answer = client.get(f"/api/v1/orders/{order.id}/timesheet?format=csv", headers=auth(user))
    assert answer.status_code == 200, answer.text
    rows = read_csv(answer.content)
    assert rows and "worker_pay" in rows[0]
    return {name for name in OFFICE_ONLY if name in rows[0]}


def _console(path):
    def read(client, user, order):
        sign_in(client, user)
        answer = client.get(path.format(id=order.id) + "?lang=en")
        assert answer.status_code == 200, answer.text
        assert "Pay for hours" in answer.text  # the workers' pay is shown
        words = {"client_amount": "Client amount", "margin": "Margin", "client_rate": "Client rate"}
        return {name for name, word in words.items() if word in answer.text}

    return read


def _console_closed(client, user, order):
    sign_in(client, user)
    closed = client.post(
        f"/console/foreman/orders/{order.id}/close?lang=en",
        data={"csrf": sign_in(client, user)["csrf"], "end": "now"},  # the shift may not be over
    )
    assert closed.status_code == 200, closed.text
    words = {"client_amount": "Client amount", "margin": "Margin"}
    return {name for name, word in words.items() if word in closed.text}


PATHS = {
    "timesheet json": _api_json("GET", "/api/v1/orders/{id}/timesheet"),
    "timesheet csv": _csv,
    "close answer": _api_json("POST", "/api/v1/orders/{id}/close"),
    "order": _api_json("GET", "/api/v1/orders/{id}"),
    "order list": _api_json("GET", "/api/v1/orders"),
    "console close summary": _console("/console/foreman/orders/{id}/close"),
    "console timesheet after the close": _console_closed,
}
# What the office sees on each path: client_rate on orders, the amount and margin on sheets.
OFFICE_SEES = {
    "timesheet json": {"client_amount", "margin"},
    "timesheet csv": {"client_amount", "margin"},
    "close answer": {"client_amount", "margin"},
    "order": {"client_rate"},
    "order list": {"client_rate"},
    "console close summary": {"client_amount", "margin"},
    "console timesheet after the close": {"client_amount", "margin"},
}


@pytest.mark.parametrize("path", list(PATHS))
@pytest.mark.parametrize("role", ["foreman", "dispatcher"])
def test_only_the_office_sees_the_clients_price_and_the_margin(client, shift, path, role):
    shown = PATHS[path](client, shift["users"][role], shift["order"])
    assert shown == (OFFICE_SEES[path] if role == "dispatcher" else set()), path
