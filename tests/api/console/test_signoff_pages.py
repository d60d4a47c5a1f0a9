"""The client's sign-off in the office console: an order's sign-off page (each line's state,
approve, dispute on the client's word), the branch's queue of disputes settled there, the
links from the order page and the nav, refusals in words, in Russian and English."""

import html
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from dispatch.client_models import TimesheetSignoff
from rating.models import Review
from tests.api.console.helpers import sign_in
from tests.builders import (
    KAZAN,
    auth,
    make_branch_site,
    make_closed_through_api,
    make_user,
)


@pytest.fixture
def closed(client, session):
    """A closed order of two workers who came on time, its foreman and a dispatcher."""
    branch, _, order, workers = make_closed_through_api(
        client, session, crew=2, started_ago=timedelta(hours=2), undo_window_s=0
    )
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    return {"branch": branch, "order": order, "workers": workers, "dispatcher": dispatcher}


def _state(session, order, worker):
    row = session.get(TimesheetSignoff, (order.id, worker.id))
    return row.state if row else "pending"


def test_the_order_page_links_to_the_sign_off_and_the_nav_to_the_queue(client, closed):
    order = closed["order"]
    sign_in(client, closed["dispatcher"])
    page = client.get(f"/console/orders/{order.id}?lang=en").text
    assert f'href="/console/orders/{order.id}/timesheet"' in page
    assert 'href="/console/disputes"' in page


def test_dispute_approve_and_settle_through_the_pages(client, session, closed):
    order, (w0, w1) = closed["order"], closed["workers"]
    form = sign_in(client, closed["dispatcher"])
    page = client.get(f"/console/orders/{order.id}/timesheet?lang=en")
    assert page.status_code == 200
    assert page.text.count('data-state="pending"') == 2
    sheet = client.get(f"/api/v1/orders/{order.id}/timesheet", headers=auth(closed["dispatcher"]))
    total = sheet.json()["totals"]["client_amount"]
    held = sheet.json()["lines"][[line["worker_id"] for line in sheet.json()["lines"]].index(w0.id)]
    rest = Decimal(total) - Decimal(held["client_amount"])
    assert Decimal(total) > 0
    # Pending lines wait for the client's approval (or invoice_after_days undisputed).
    assert "Billable to the client now: 0.00 RUB" in page.text

    path = f"/console/orders/{order.id}/timesheet/lines/{w0.id}/dispute"
    answer = client.post(path, data={**form, "reason": "he left at once"}, follow_redirects=False)
    assert answer.status_code == 303
    answer = client.post(
        f"/console/orders/{order.id}/timesheet/approve", data=form, follow_redirects=False
    )
    assert answer.status_code == 303
    assert (_state(session, order, w0), _state(session, order, w1)) == ("disputed", "approved")
    page = client.get(f"/console/orders/{order.id}/timesheet?lang=en").text
    assert 'data-state="disputed"' in page and "he left at once" in page
    assert "Lines held: 1" in page and f"Billable to the client now: {rest} RUB" in page

    queue = client.get("/console/disputes?lang=ru").text
    assert "he left at once" in queue and order.code in queue
    path = f"/console/orders/{order.id}/timesheet/lines/{w0.id}/settle"
    answer = client.post(
        path, data={**form, "note": "agreed half", "hours": "0,5"}, follow_redirects=False
    )
    assert answer.status_code == 303
    row = session.get(TimesheetSignoff, (order.id, w0.id))
    assert (row.state, str(row.settled_hours)) == ("settled", "0.50")
    assert "Открытых споров нет." in client.get("/console/disputes?lang=ru").text
    actions = set(
        session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.action.like("timesheet.%"))
            .order_by(AuditEntry.id)
        )
    )
    assert actions == {"timesheet.approve", "timesheet.dispute", "timesheet.settle"}


def test_refusals_are_said_in_the_pages_words(client, session, closed):
    order, (w0, _) = closed["order"], closed["workers"]
    form = sign_in(client, closed["dispatcher"])
    path = f"/console/orders/{order.id}/timesheet/lines/{w0.id}/dispute"
    answer = client.post(f"{path}?lang=en", data={**form, "reason": "  "})
    assert answer.status_code == 422
    assert "a reason is required" in answer.text
    assert _state(session, order, w0) == "pending"
    client.post(f"/console/orders/{order.id}/timesheet/approve", data=form)
    answer = client.post(f"{path}?lang=ru", data={**form, "reason": "поздно"})
    assert answer.status_code == 409
    assert "Строка уже подтверждена клиентом: оспорить её нельзя." in answer.text
    settle = f"/console/orders/{order.id}/timesheet/lines/{w0.id}/settle"
    answer = client.post(f"{settle}?lang=en", data={**form, "note": "x", "hours": "abc"})
    assert answer.status_code == 422 and "Hours: 0 to 24, to the hundredth." in answer.text


def test_another_branch_and_a_foreman_are_kept_out(client, session, closed):
    order = closed["order"]
    other, _ = make_branch_site(session, center=KAZAN)
    sign_in(client, make_user(session, role="dispatcher", branch=other))
    assert client.get(f"/console/orders/{order.id}/timesheet").status_code == 404
    assert f"/console/orders/{order.id}/timesheet" not in client.get("/console/disputes").text
    sign_in(client, make_user(session, role="foreman", branch=closed["branch"]))
    assert client.get("/console/disputes").status_code == 403


def test_the_foremans_timesheet_shows_each_lines_state(client, session, closed):
    order, (w0, _) = closed["order"], closed["workers"]
    form = sign_in(client, closed["dispatcher"])
    path = f"/console/orders/{order.id}/timesheet/lines/{w0.id}/dispute"
    client.post(path, data={**form, "reason": "short"})
    page = client.get(f"/console/foreman/orders/{order.id}/close?lang=en").text
    assert 'data-state="disputed"' in page and "disputed, held" in page
    assert 'data-state="pending"' in page


def test_the_clients_review_is_recorded_and_shown_on_the_sign_off_page(client, session, closed):
    order, (w0, _) = closed["order"], closed["workers"]
    form = sign_in(client, closed["dispatcher"])
    path = f"/console/orders/{order.id}/timesheet/lines/{w0.id}/review"
    body = {**form, "stars": "2", "complaint": "true", "comment": "slow all day"}
    assert client.post(path, data=body, follow_redirects=False).status_code == 303
    (review,) = session.scalars(select(Review).where(Review.order_id == order.id))
    assert (review.source, review.stars, review.complaint) == ("client", 2, True)
    assert review.penalty_id is not None  # a complaint is a penalty, the client's as well
    page = html.unescape(client.get(f"/console/orders/{order.id}/timesheet?lang=en").text)
    assert "The client's review: 2 of 5" in page
    again = client.post(f"{path}?lang=en", data=body)
    assert again.status_code == 409
    assert "This worker already has a review for this order." in again.text
