"""A client contact's number (the site's person, the client's own) is personal data: off its
record (the site's and the client's pages) every read path shows it masked to its last two
digits, to every role that reads the log, admins included (dispatch/access/privacy.py,
contact_phone_shown): the message log (API, console page, CSV) and the ratings (API, page).
A worker's number on the same log still follows the workers' rule."""

from datetime import timedelta

import pytest

from core.clock import now
from core.logmask import masked_phone
from dispatch.client_models import QualityReview
from sms import outbox
from tests.api.console.helpers import sign_in
from tests.builders import (
    auth,
    make_branch,
    make_client,
    make_order,
    make_site,
    make_user,
    make_worker,
)

CONTACT = "+79161234567"
STRANGER = "+79035550199"  # texted us, no worker's, no order's
WORKER_PHONE = "+79215550123"
ROLES = ("admin", "manager", "dispatcher")
PATHS = {
    "api messages": "/api/v1/messages",
    "console messages": "/console/messages",
    "console messages csv": "/console/messages.csv",
    "api reviews": "/api/v1/quality/reviews",
    "console reviews": "/console/quality",
}


@pytest.fixture
def world(session):
    branch = make_branch(session)
    site = make_site(session, client=make_client(session, branch=branch), contact_phone=CONTACT)
    worker = make_worker(session, branch=branch, phone=WORKER_PHONE)
    order = make_order(session, site=site, now=now() - timedelta(days=2))
    outbox.queue(
        session, kind="client_filled", worker_id=None, phone=CONTACT, body="filled",
        order_id=order.id,
    )  # fmt: skip
    outbox.queue(
        session, kind="offer", worker_id=worker.id, phone=WORKER_PHONE, body="work?",
        order_id=order.id,
    )  # fmt: skip
    outbox.queue(session, kind="help", worker_id=None, phone=STRANGER, body="help")
    session.add(
        QualityReview(
            order_id=order.id, branch_id=branch.id, phone=CONTACT, language="ru",
            asked_at=order.ends_at,
        )
    )  # fmt: skip
    session.flush()
    return branch


def _read(client, session, role, branch, url):
    user = make_user(session, role=role, branch=None if role == "admin" else branch)
    if url.startswith("/api/"):
        return client.get(url, headers=auth(user))
    sign_in(client, user)
    return client.get(url)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", PATHS)
def test_a_contacts_number_is_masked_to_every_reader(client, session, world, role, path):
    answer = _read(client, session, role, world, PATHS[path])
    assert answer.status_code == 200, answer.text
    text = answer.text
    assert CONTACT not in text and CONTACT.removeprefix("+") not in text
    assert masked_phone(CONTACT) in text
    assert STRANGER not in text  # a stranger's number, admins' log included
    if "messages" in path:
        assert WORKER_PHONE in text  # the home branch's worker: whole, as before
        if role == "admin":
            assert masked_phone(STRANGER) in text


def test_the_api_log_gives_the_contacts_line_masked(client, session, world):
    answer = _read(client, session, "dispatcher", world, "/api/v1/messages")
    [line] = [m for m in answer.json() if m["kind"] == "client_filled"]
    assert line["phone"] == masked_phone(CONTACT) and line["worker_id"] is None


def test_the_site_record_keeps_the_number_whole_for_the_office(client, session, world):
    dispatcher = make_user(session, role="dispatcher", branch=world)
    sites = client.get("/api/v1/sites", headers=auth(dispatcher)).json()
    assert [s["contact_phone"] for s in sites] == [CONTACT]
