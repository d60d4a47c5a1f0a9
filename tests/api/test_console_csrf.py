"""Every console form is protected against cross-site requests: each state-changing console
route checks the double-submit CSRF token (a new one without the check fails here), and a
signed-in post without the token, or with another one, is 403 and changes nothing."""

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import func, select

from api.console.web import CSRF_COOKIE, SESSION_COOKIE, csrf_checked, session_csrf
from api.main import create_app
from core.audit import AuditEntry
from core.settings import get_settings
from tests.builders import auth, make_branch, make_client, make_order, make_site, make_user

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# The worker's check-in link carries its own credential (an HMAC of the offer) in the URL and
# no cookie: a cross-site page cannot forge a check-in without already holding the link.
CAPABILITY_URLS = {"/c/{token}"}
PLANTED = "planted-by-another-site-0123456789"


def _dependencies(dependant):
    for sub in dependant.dependencies:
        yield sub.call
        yield from _dependencies(sub)


def console_writes() -> list[tuple[str, str, APIRoute]]:
    found = []
    for context in iter_route_contexts(create_app(get_settings()).routes):
        route, path, methods = context.original_route, context.path, context.methods or set()
        if not isinstance(route, APIRoute) or not (methods & WRITES) or path is None:
            continue
        if path.startswith(("/console/", "/c/")):
            for method in sorted(methods & WRITES):
                found.append((method, path, route))
    return found


def test_every_console_form_checks_the_csrf_token():
    writes = console_writes()
    assert len(writes) >= 9  # sign-in, sign-out, orders, marks, close, reverse, reply, ...
    unchecked = [
        f"{method} {path}"
        for method, path, route in writes
        if path not in CAPABILITY_URLS and csrf_checked not in set(_dependencies(route.dependant))
    ]
    assert not unchecked, f"console forms without the CSRF check: {unchecked}"


@pytest.mark.parametrize(
    "method, path",
    [(m, p) for m, p, _ in console_writes() if p not in CAPABILITY_URLS],
    ids=lambda v: v,
)
@pytest.mark.parametrize(
    "csrf",
    [None, "forged-token", PLANTED],
    ids=["no token", "another token", "the planted cookie's own value"],
)
def test_a_signed_in_post_without_the_sessions_token_is_403(client, session, method, path, csrf):
    admin = make_user(session, role="admin")
    client.cookies.set(SESSION_COOKIE, auth(admin)["Authorization"].removeprefix("Bearer "))
    client.cookies.set(CSRF_COOKIE, PLANTED)  # a cookie another site (a sibling domain) set
    entries = session.scalar(select(func.count()).select_from(AuditEntry))
    form = {"csrf": csrf} if csrf else {}
    url = path.format(
        order_id=1, penalty_id=1, worker_id=1, user_id=admin.id, branch_id=1, kind="help",
        lang="ru", pattern_id=1, client_id=1, site_id=1, run_id=1, key_id=1, hook_id=1,
        how="disable", dispute_id=1, applicant_id=1, district_id=1, batch_id=1, invoice_id=1,
        organisation_id=1,
    )  # fmt: skip
    answer = client.request(method, url, data=form, follow_redirects=False)
    assert answer.status_code == 403, answer.text[:200]
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == entries


def test_a_planted_cookie_does_not_cancel_an_order_and_the_sessions_token_does(client, session):
    """The token is bound to the session: a csrf cookie planted with the same value in the
    form used to pass (double submit) and cancel the order."""
    branch = make_branch(session)
    order = make_order(session, site=make_site(session, client=make_client(session, branch=branch)))
    token = auth(make_user(session, role="dispatcher", branch=branch))["Authorization"][7:]
    client.cookies.set(SESSION_COOKIE, token)
    client.cookies.set(CSRF_COOKIE, PLANTED)
    url = f"/console/orders/{order.id}/cancel"
    forged = client.post(url, data={"csrf": PLANTED, "reason": "x"}, follow_redirects=False)
    assert forged.status_code == 403
    session.refresh(order)
    assert order.status != "cancelled"
    own = session_csrf(get_settings().secret_key, token)  # what the session's pages carry
    assert f'value="{own}"' in client.get(f"/console/orders/{order.id}").text
    done = client.post(url, data={"csrf": own, "reason": "x"}, follow_redirects=False)
    assert done.status_code == 303
    session.refresh(order)
    assert order.status == "cancelled"
