"""What a client sees of its order (dispatch/orders/client_view.py): the cancel terms shown
before cancelling are what cancel_order then pays, and the day's few words."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.clock import now
from core.tenancy import SYSTEM
from dispatch.orders import client_view
from dispatch.orders import service as orders
from dispatch.orders.service import ORDER_BRANCH
from rating.models import PenaltyEvent
from tests.builders import make_branch_site, make_offer, make_order, make_worker


@pytest.mark.parametrize(
    ("starts_in", "late"), [(timedelta(hours=3), True), (timedelta(days=3), False)]
)
def test_the_terms_shown_are_what_the_cancellation_pays(session, starts_in, late):
    branch, site = make_branch_site(session)
    order = make_order(session, site=site, now=now(), starts_in=starts_in)
    for _ in range(2):
        make_offer(
            session, order=order, worker=make_worker(session, branch=branch), booked_at=now()
        )
    make_offer(session, order=order, worker=make_worker(session, branch=branch), status="standby")
    loaded = orders.get_order(session, order.id, actor=SYSTEM, options=ORDER_BRANCH)
    terms = client_view.cancel_terms(session, loaded, now())
    assert (terms.late, terms.window_h) == (late, branch.late_cancel_h)
    assert terms.paid_workers == (2 if late else 0)
    assert terms.total == branch.show_up_pay * terms.paid_workers
    orders.cancel_order(session, order.id, actor=SYSTEM, reason="no lorry", now=now())
    paid = session.scalars(
        select(PenaltyEvent.payout).where(
            PenaltyEvent.order_id == order.id, PenaltyEvent.kind == "compensation"
        )
    ).all()
    assert sum(paid, start=0) == terms.total and len(paid) == terms.paid_workers


@pytest.mark.parametrize(
    ("standing", "word"),
    [
        ("arrived", "arrived"),
        ("left_early", "arrived"),
        ("late", "late"),
        ("booked", "not_yet"),
        ("confirmed", "not_yet"),
        ("checked_in", "not_yet"),
        ("no_show", "absent"),
    ],
)
def test_the_day_in_the_clients_few_words(standing, word):
    assert client_view.day_word(standing) == word
