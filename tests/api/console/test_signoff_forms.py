"""The client's word on a closed order has one form body (api/console/verdicts/signing.py) for
the office (on the client's word) and the client's own users (the portal): the same input
gets the same answer on both, the refusal in the same words beside the same line."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from dispatch.client_models import TimesheetSignoff
from dispatch.models import Client
from rating.models import Review
from tests.api.console.helpers import sign_in
from tests.builders import (
    make_client_user,
    make_closed_through_api,
    make_user,
)

ALERT = re.compile(r'<p class="error" role="alert">([^<]*)</p>')


@pytest.fixture
def closed(client, session):
    branch, site, order, workers = make_closed_through_api(
        client, session, crew=2, started_ago=timedelta(hours=10), undo_window_s=0
    )
    users = {
        "office": make_user(session, role="dispatcher", branch=branch),
        "portal": make_client_user(session, client=session.get_one(Client, site.client_id)),
    }
    return order, workers, users


def _post(client, users, side, order, tail, data):
    form = sign_in(client, users[side])
    base = (
        f"/console/orders/{order.id}/timesheet"
        if side == "office"
        else f"/portal/orders/{order.id}"
    )
    return client.post(f"{base}{tail}?lang=en", data={**form, **data}, follow_redirects=False)


@pytest.mark.parametrize(
    "what, data",
    [
        ("review", {"stars": "9", "comment": "ok"}),
        ("review", {"stars": "", "comment": "ok"}),
        (
            "review",
            {"stars": "2", "complaint": "true", "complaint_reason": "bogus", "comment": "x"},
        ),
        ("review", {"stars": "2", "complaint": "true", "comment": " "}),
        ("dispute", {"reason": "  "}),
        ("dispute", {"reason": "x" * 1500}),
    ],
)
def test_a_refusal_is_the_same_on_both_sides(client, session, closed, what, data):
    order, (worker, _), users = closed
    answers = {
        side: _post(client, users, side, order, f"/lines/{worker.id}/{what}", data)
        for side in ("office", "portal")
    }
    office, portal = answers["office"], answers["portal"]
    assert office.status_code == portal.status_code == 422, (office.text[:300], portal.text[:300])
    assert ALERT.findall(office.text) == ALERT.findall(portal.text)
    assert len(ALERT.findall(office.text)) == 1 and f'id="line-{worker.id}"' in portal.text
    rows = (Review, TimesheetSignoff)
    assert [session.scalar(select(func.count()).select_from(m)) for m in rows] == [0, 0]


@pytest.mark.parametrize("side", ["office", "portal"])
def test_good_input_is_recorded_the_same_way_on_both_sides(client, session, closed, side):
    order, (w0, w1), users = closed
    review = {"stars": "4", "complaint": "true", "comment": " late ", "complaint_reason": ""}
    reviewed = _post(client, users, side, order, f"/lines/{w0.id}/review", review)
    assert reviewed.status_code == 303 and reviewed.headers["location"].endswith(f"#line-{w0.id}")
    disputed = _post(client, users, side, order, f"/lines/{w1.id}/dispute", {"reason": " 7 h "})
    assert disputed.status_code == 303
    approved = _post(client, users, side, order, "/approve", {})
    assert approved.status_code == 303
    made = session.scalars(select(Review).where(Review.order_id == order.id)).one()
    assert (made.stars, made.source, made.comment) == (4, "client", "late")
    states = dict(
        session.execute(
            select(TimesheetSignoff.worker_id, TimesheetSignoff.state).where(
                TimesheetSignoff.order_id == order.id
            )
        ).all()
    )
    assert states == {w0.id: "approved", w1.id: "disputed"}
