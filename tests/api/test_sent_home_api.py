"""Sent home through the API and on the foreman's card (issue 20): the reason is required for
sent_home and refused with any other mark (422 naming `reason`, nothing written), the roster
line shows it; on the card "Send home" comes after an arrival with a choice of reason, and a
tap with the reason holds the mark for the undo window."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry
from core.clock import now
from dispatch.models import Offer
from rating.models import PenaltyEvent
from tests.api.console.helpers import htmx_headers, sign_in
from tests.builders import auth, make_branch_site, make_offer, make_order, make_user, make_worker


@pytest.fixture
def shift(session):
    """A shift that started 2 h ago with two workers booked and arrived at the start."""
    branch, site = make_branch_site(session, undo_window_s=0)
    foreman = make_user(session, role="foreman", branch=branch)
    site.foreman_id = foreman.id
    order = make_order(
        session,
        site=site,
        now=now() - timedelta(days=1),
        starts_in=timedelta(days=1) - timedelta(hours=2),
        hours=8,
    )
    workers = [make_worker(session, branch=branch, language="en") for _ in range(2)]
    offers = []
    for worker in workers:
        offer = make_offer(session, order=order, worker=worker, booked_at=now() - timedelta(days=1))
        offer.attendance, offer.arrived_at = "arrived", order.starts_at
        offers.append(offer)
    session.flush()
    return {
        "branch": branch,
        "order": order,
        "workers": workers,
        "offers": offers,
        "foreman": foreman,
    }


def _post(client, shift, body):
    order = shift["order"]
    return client.post(
        f"/api/v1/orders/{order.id}/attendance", json=body, headers=auth(shift["foreman"])
    )


def _written(session):
    return tuple(
        session.scalar(select(func.count()).select_from(model))
        for model in (PenaltyEvent, AuditEntry)
    )


def test_sent_home_with_a_reason_is_on_the_roster_line(client, session, shift):
    worker = shift["workers"][0]
    answer = _post(
        client, shift, {"worker_id": worker.id, "status": "sent_home", "reason": "intoxicated"}
    )
    assert answer.status_code == 200, answer.text
    line = answer.json()
    assert (line["attendance"], line["sent_home_reason"]) == ("sent_home", "intoxicated")
    assert line["left_at"] is not None and line["pending_reason"] is None
    fined = session.scalars(select(PenaltyEvent).where(PenaltyEvent.worker_id == worker.id)).one()
    assert (fined.kind, fined.points, str(fined.fine)) == ("sent_home", 3, "300.00")


@pytest.mark.parametrize(
    "body",
    [
        {"status": "sent_home"},  # no reason
        {"status": "sent_home", "reason": None},
        {"status": "sent_home", "reason": "sleepy"},  # not on the list
        {"status": "left_early", "reason": "intoxicated"},  # a reason with another mark
    ],
)
def test_a_missing_wrong_or_stray_reason_is_422_naming_it(client, session, shift, body):
    worker = shift["workers"][0]
    before = _written(session)
    answer = _post(client, shift, {"worker_id": worker.id, **body})
    assert answer.status_code == 422, answer.text
    assert ["body", "reason"] in [e["loc"][:2] for e in answer.json()["detail"]], answer.text
    assert _written(session) == before
    session.expire_all()
    offer = session.get_one(Offer, shift["offers"][0].id)
    assert (offer.attendance, offer.sent_home_reason, offer.left_at) == ("arrived", None, None)


def test_the_card_offers_send_home_after_an_arrival_with_the_reasons(client, session, shift):
    order, (worker, _) = shift["order"], shift["workers"]
    sign_in(client, shift["foreman"])
    page = client.get("/console/foreman?lang=en").text
    start = page.index(f'id="w-{order.id}-{worker.id}"')
    row = page[start : page.find("</li>", start)]
    assert f'id="w-{order.id}-{worker.id}-sent_home"' in row and "Send home" in row
    assert '<select name="reason"' in row and "required" in row
    for reason, words in (
        ("intoxicated", "intoxicated"),
        ("no_safety_gear", "no safety gear"),
        ("refused_task", "refused the task"),
        ("other", "other reason"),
    ):
        assert f'<option value="{reason}">{words}</option>' in row


def test_a_tap_with_the_reason_is_held_then_undone_or_refused_without_one(client, session, shift):
    shift["branch"].undo_window_s = 120
    session.flush()
    order, (worker, other) = shift["order"], shift["workers"]
    sign_in(client, shift["foreman"])
    client.get("/console/foreman?lang=en")
    url = f"/console/foreman/orders/{order.id}/mark"
    # Without a reason (a browser that ignored `required`): refused in the card, nothing written.
    before = _written(session)
    bare = client.post(
        url, data={"worker_id": other.id, "status": "sent_home"}, headers=htmx_headers(client)
    )
    assert bare.status_code == 200 and 'role="alert"' in bare.text
    assert "Say why sent home." in bare.text
    assert _written(session)[0] == before[0]
    held = client.post(
        url,
        data={"worker_id": worker.id, "status": "sent_home", "reason": "no_safety_gear"},
        headers=htmx_headers(client),
    )
    assert held.status_code == 200
    assert "Marked sent home." in held.text and "(no safety gear)" in held.text
    assert "Undo the sent-home mark" in held.text
    offer = shift["offers"][0]
    session.refresh(offer)
    assert (offer.attendance, offer.pending_mark, offer.pending_reason) == (
        "arrived",
        "sent_home",
        "no_safety_gear",
    )
    assert (
        session.scalars(select(PenaltyEvent).where(PenaltyEvent.worker_id == worker.id)).all() == []
    )


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("ru", "отправлен(а) домой: в состоянии опьянения"),
        ("en", "sent home unfit: intoxicated"),
    ],
)
def test_the_console_says_the_ledger_reason_in_its_language(client, session, shift, language, said):
    from api.console.i18n import translator
    from api.console.registry.workers import reason_words

    worker = shift["workers"][0]
    _post(client, shift, {"worker_id": worker.id, "status": "sent_home", "reason": "intoxicated"})
    entry = session.scalars(select(PenaltyEvent).where(PenaltyEvent.worker_id == worker.id)).one()
    assert reason_words(translator(language), language, entry) == said
