"""The console's named booking picker, top-up forms and the foreman's reviews page: what
each shows, what it does, refusals beside the field with values kept, other branches 404."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.clock import now
from dispatch.models import Offer
from rating.models import Review
from rating.service import get_event
from tests.api.console.helpers import htmx_headers, sign_in
from tests.builders import (
    MOSCOW,
    make_branch_site,
    make_offer,
    make_order,
    make_user,
    make_worker,
    offset,
)


@pytest.fixture
def place(session):
    branch, site = make_branch_site(session, undo_window_s=0)
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    foreman = make_user(session, role="foreman", branch=branch)
    site.foreman_id = foreman.id
    return branch, site, dispatcher, foreman


def test_the_picker_books_an_eligible_worker_and_says_why_not_for_another(client, session, place):
    branch, site, dispatcher, _ = place
    order = make_order(session, site=site, now=now())
    good = make_worker(session, branch=branch, full_name="Петров Пётр")
    make_worker(
        session,
        branch=branch,
        full_name="Петров Павел",
        suspended_until=now() + timedelta(days=3),
    )
    sign_in(client, dispatcher)
    page = client.get(f"/console/orders/{order.id}")
    assert page.status_code == 200 and 'id="book-q"' in page.text
    found = client.get(
        f"/console/orders/{order.id}/book",
        params={"book_q": "Петров"},
        headers=htmx_headers(client),
    )
    assert found.status_code == 200
    assert "Петров Пётр" in found.text and "отстранён(а)" in found.text
    done = client.post(
        f"/console/orders/{order.id}/book",
        data={"worker_id": good.id, "book_q": "Петров"},
        headers=htmx_headers(client),
    )
    assert done.status_code == 200 and "Петров Пётр записан(а)" in done.text
    offer = session.scalars(select(Offer).where(Offer.worker_id == good.id)).one()
    assert offer.status == "booked"


def test_a_refused_booking_is_said_beside_the_worker_in_english_too(client, session, place):
    branch, site, dispatcher, _ = place
    order = make_order(session, site=site, now=now())
    worker = make_worker(session, branch=branch, skills=["cashier"])
    sign_in(client, dispatcher)
    client.cookies.set("brigada_lang", "en")
    refused = client.post(
        f"/console/orders/{order.id}/book",
        data={"worker_id": worker.id, "book_q": worker.phone},
        headers=htmx_headers(client),
    )
    assert refused.status_code == 200  # htmx swaps 2xx only
    # beside the worker's row: every rule failed, in the reader's language
    assert f'id="book-err-{worker.id}"' in refused.text
    assert "cannot be booked on the order. does not have the skill" in refused.text
    assert f'name="worker_id" value="{worker.id}"' not in refused.text  # no button: not bookable
    plain = client.post(
        f"/console/orders/{order.id}/book",
        data={"worker_id": worker.id, "book_q": worker.phone, **sign_in(client, dispatcher)},
    )
    assert plain.status_code == 422 and "does not have the skill" in plain.text


def test_another_branchs_dispatcher_gets_404(client, session, place):
    _, site, _, _ = place
    order = make_order(session, site=site, now=now())
    other_branch, _ = make_branch_site(session)
    sign_in(client, make_user(session, role="dispatcher", branch=other_branch))
    assert client.get(f"/console/orders/{order.id}/book").status_code == 404
    answer = client.post(
        f"/console/orders/{order.id}/top-up",
        data={"topup_count": "1"},
        headers=htmx_headers(client),
    )
    assert answer.status_code == 404


def _started(session, site, branch):
    order = make_order(
        session,
        site=site,
        now=now() - timedelta(days=1),
        starts_in=timedelta(days=1) - timedelta(hours=1),
    )
    worker = make_worker(session, branch=branch, full_name="Сидоров Семён")
    make_offer(
        session,
        order=order,
        worker=worker,
        booked_at=now() - timedelta(days=1),
        attendance="arrived",
        arrived_at=order.starts_at,
    )
    make_worker(session, branch=branch, near=offset(MOSCOW, north_m=30_000))
    return order, worker


def test_top_up_from_the_order_page_and_the_foremans(client, session, place):
    branch, site, dispatcher, foreman = place
    order, _ = _started(session, site, branch)
    form = sign_in(client, dispatcher)
    bad = client.post(f"/console/orders/{order.id}/top-up", data={"topup_count": "x", **form})
    assert bad.status_code == 422 and 'aria-invalid="true"' in bad.text and 'value="x"' in bad.text
    done = client.post(
        f"/console/orders/{order.id}/top-up",
        data={"topup_count": "1", **form},
        follow_redirects=False,
    )
    assert done.status_code == 303
    session.refresh(order)
    assert order.headcount == 3 and order.topped_up_at is not None
    form = sign_in(client, foreman)
    page = client.get("/console/foreman")
    assert f'id="topup-count-{order.id}"' in page.text
    asked = client.post(
        f"/console/foreman/orders/{order.id}/top-up",
        data={"topup_count": "2", **form},
    )
    assert asked.status_code == 200 and "срочная рассылка ушла" in asked.text
    session.refresh(order)
    assert order.headcount == 5


def test_a_foreman_of_another_order_gets_404(client, session, place):
    branch, site, _, _ = place
    order, _ = _started(session, site, branch)
    form = sign_in(client, make_user(session, role="foreman", branch=branch))
    assert client.get(f"/console/foreman/orders/{order.id}/reviews").status_code == 404
    answer = client.post(
        f"/console/foreman/orders/{order.id}/top-up", data={"topup_count": "1", **form}
    )
    assert answer.status_code == 404


def test_the_foreman_reviews_and_complains_with_a_reason(client, session, place):
    branch, site, _, foreman = place
    order, worker = _started(session, site, branch)
    form = sign_in(client, foreman)
    page = client.get(f"/console/foreman/orders/{order.id}/reviews")
    assert page.status_code == 200 and "Сидоров Семён" in page.text
    url = f"/console/foreman/orders/{order.id}/reviews"
    no_stars = client.post(url, data={"worker_id": worker.id, "review_comment": "оставить", **form})
    assert no_stars.status_code == 422 and "Выберите оценку" in no_stars.text
    assert ">оставить</textarea>" in no_stars.text  # the value kept
    no_comment = client.post(
        url,
        data={"worker_id": worker.id, "review_stars": "2", "review_complaint": "true", **form},
    )
    assert no_comment.status_code == 422
    assert 'aria-invalid="true"' in no_comment.text and 'value="2" checked' in no_comment.text
    saved = client.post(
        url,
        data={
            "worker_id": worker.id,
            "review_stars": "2",
            "review_complaint": "true",
            "review_reason": "rude",
            "review_comment": "грубил бригадиру",
            **form,
        },
    )
    assert saved.status_code == 200 and "Оценка сохранена" in saved.text
    assert "жалоба: грубил(а)" in saved.text
    review = session.scalars(select(Review).where(Review.worker_id == worker.id)).one()
    assert (review.stars, review.complaint, review.complaint_reason) == (2, True, "rude")
    assert get_event(session, review.penalty_id).kind == "complaint"
