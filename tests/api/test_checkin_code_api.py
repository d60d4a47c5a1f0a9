"""GET /orders/{id}/checkin-code: the order's foreman and the branch's office see the code of
now and until when it holds; another foreman and another branch get 404, a client 403;
outside the check-in window 409."""

import re
from datetime import timedelta

from core.clock import now
from dispatch.models import Order
from dispatch.shift import codes
from tests.builders import auth, make_branch_site, make_order, make_user

API = "/api/v1"


def _order(session, site, starts_in: timedelta) -> Order:
    return make_order(session, site=site, headcount=1, now=now(), starts_in=starts_in, hours=4)


def test_the_orders_foreman_and_the_office_see_the_code_of_now(client, session):
    branch, site = make_branch_site(session)
    foreman = make_user(session, role="foreman", branch=branch)
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    order = _order(session, site, timedelta(hours=1))
    order.foreman_id = foreman.id
    session.flush()
    answer = client.get(f"{API}/orders/{order.id}/checkin-code", headers=auth(foreman))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert set(body) == {"code", "valid_until"} and re.fullmatch(r"\d{6}", body["code"])
    session.refresh(order)
    at = now()
    expected = codes.current(session, order, at)
    # The same code unless the step turned between the two reads.
    assert body["code"] == expected.code or at.timestamp() % codes.STEP_S < 5
    same = client.get(f"{API}/orders/{order.id}/checkin-code", headers=auth(dispatcher)).json()
    # The office reads the same secret: in the same step, the same code (a secret made twice
    # would give another).
    assert same["valid_until"] != body["valid_until"] or same["code"] == body["code"]
    assert order.checkin_secret is not None and order.checkin_secret not in answer.text


def test_nobody_else_sees_it(client, session):
    branch, site = make_branch_site(session)
    own = make_user(session, role="foreman", branch=branch)
    another = make_user(session, role="foreman", branch=branch)
    order = _order(session, site, timedelta(hours=1))
    order.foreman_id = own.id
    other_branch, _ = make_branch_site(session)
    outsider = make_user(session, role="dispatcher", branch=other_branch)
    for user in (another, outsider):
        answer = client.get(f"{API}/orders/{order.id}/checkin-code", headers=auth(user))
        assert answer.status_code == 404, (user.role, answer.text)
    recruiter = make_user(session, role="recruiter", branch=branch)
    answer = client.get(f"{API}/orders/{order.id}/checkin-code", headers=auth(recruiter))
    assert answer.status_code == 403
    assert order.checkin_secret is None  # nothing made for those who may not see it


def test_outside_the_check_in_window_there_is_no_code(client, session):
    branch, site = make_branch_site(session)
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    order = _order(session, site, timedelta(hours=5))
    answer = client.get(f"{API}/orders/{order.id}/checkin-code", headers=auth(dispatcher))
    assert answer.status_code == 409
    assert answer.json()["code"] == "checkin_refused"
