"""The office's side of approving client orders placed inside the lead time: the board lists
them first, under their own heading and badge; the order page approves (htmx) or declines with
a reason, refusals beside the buttons; no client, no form without its token."""

import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.clock import now
from core.tenancy import SYSTEM
from dispatch.models import Branch, Client, Order
from dispatch.orders import service as orders
from dispatch.orders.service import OrderInput
from dispatch.rates.agreed import AgreedRate, replace_rates
from dispatch.registry.staff import actor_of
from tests.api.console.helpers import htmx_headers, sign_in
from tests.api.console.test_dispatcher_pages import local, order_at
from tests.api.console.test_settings_pages import _policy_form
from tests.builders import make_branch_site, make_client_user, make_user


@pytest.fixture
def office(session):
    branch, site = make_branch_site(session, client_order_approval_h=48)
    rate = AgreedRate("loader", Decimal("300"), Decimal("150"))
    replace_rates(session, actor=SYSTEM, client_id=site.client_id, rates=[rate])
    client_user = make_client_user(session, client=session.get_one(Client, site.client_id))
    return site, make_user(session, role="dispatcher", branch=branch), client_user


def held(session, site, client_user, starts_at) -> Order:
    data = OrderInput(site.id, "loader", 2, starts_at, starts_at.replace(hour=17), None, None)
    order = orders.create_order(session, actor=actor_of(client_user), data=data, now=now())
    assert order.status == "awaiting_approval"
    return order


def test_the_board_lists_awaiting_orders_first_with_their_badge(client, session, office):
    site, dispatcher, client_user = office
    early = order_at(session, site, local(1, 8))  # the office's: never held
    waiting = held(session, site, client_user, local(1, 9))
    sign_in(client, dispatcher)
    page = client.get("/console/?lang=en").text
    top = re.search(r'<section aria-labelledby="awaiting-h".*?</section>', page, re.S)
    assert top and f'href="/console/orders/{waiting.id}"' in top.group(0)
    assert "awaiting approval" in top.group(0)
    assert f'href="/console/orders/{early.id}"' not in top.group(0)
    assert page.index('id="awaiting-h"') < page.index('id="day-0"')
    tomorrow = re.search(r'<section aria-labelledby="day-1">.*?</section>', page, re.S).group(0)
    assert tomorrow.index(f"order-{waiting.id}") < tomorrow.index(f"order-{early.id}")
    assert re.search(rf'id="order-{waiting.id}".*?badge warn">awaiting approval<', tomorrow, re.S)
    russian = client.get("/console/?lang=ru").text
    assert "Ждут одобрения" in russian and "ждёт одобрения" in russian


def test_the_dispatcher_approves_on_the_order_page_and_filling_starts(client, session, office):
    site, dispatcher, client_user = office
    order = held(session, site, client_user, local(1, 9))
    sign_in(client, dispatcher)
    page = client.get(f"/console/orders/{order.id}?lang=en").text
    assert 'id="approval"' in page and 'id="approve"' in page and 'id="decline-reason"' in page
    assert f'action="/console/orders/{order.id}/cancel"' not in page  # declined, not cancelled
    path = f"/console/orders/{order.id}/approve?lang=en"
    assert client.post(path, data={}).status_code == 403  # no form token
    answer = client.post(path, headers=htmx_headers(client))
    assert answer.status_code == 200
    assert 'id="approval-done"' in answer.text and "filling has started" in answer.text
    session.refresh(order)
    assert order.status == "open" and order.next_wave_at is not None
    actions = session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.actor_user_id == dispatcher.id)
        .order_by(AuditEntry.id)
    )
    assert "order.approve" in list(actions)
    again = client.post(path, headers=htmx_headers(client))
    assert again.status_code == 200  # htmx swaps 2xx only: the refusal is in the section
    assert 'id="approval-error"' in again.text and "no longer awaits approval" in again.text


def test_declining_needs_a_reason_then_cancels_the_order(client, session, office):
    site, dispatcher, client_user = office
    order = held(session, site, client_user, local(1, 9))
    form = sign_in(client, dispatcher)
    path = f"/console/orders/{order.id}/decline?lang=en"
    blank = client.post(path, data={**form, "reason": "  "})
    assert blank.status_code == 422
    assert re.search(r'id="decline-error"[^>]*>', blank.text) and "<details open>" in blank.text
    session.refresh(order)
    assert order.status == "awaiting_approval"
    done = client.post(path, data={**form, "reason": "no crew so soon"}, follow_redirects=False)
    assert done.status_code == 303
    session.refresh(order)
    assert order.status == "cancelled" and order.cancel_reason == "no crew so soon"


def test_approving_after_the_start_is_refused_beside_the_button(client, session, office):
    site, dispatcher, client_user = office
    order = held(session, site, client_user, local(1, 9))
    order.starts_at = now().replace(microsecond=0)  # its start passed while it waited
    session.flush()
    form = sign_in(client, dispatcher)
    answer = client.post(f"/console/orders/{order.id}/approve?lang=en", data=form)
    assert answer.status_code == 409
    assert re.search(r'id="approval-error"[^>]*>The shift\S* start has passed', answer.text)


def test_a_client_user_cannot_approve_from_the_console(client, session, office):
    site, _, client_user = office
    order = held(session, site, client_user, local(1, 9))
    form = sign_in(client, client_user)
    answer = client.post(f"/console/orders/{order.id}/approve", data=form, follow_redirects=False)
    assert answer.status_code in (303, 403, 404)
    session.refresh(order)
    assert order.status == "awaiting_approval"


def test_the_manager_sets_the_lead_time_on_the_settings_page(client, session, office):
    site, _, _ = office
    branch = session.get_one(Branch, session.get_one(Client, site.client_id).branch_id)
    manager = make_user(session, role="manager", branch=branch)
    form = sign_in(client, manager)
    url = f"/console/branches/{branch.id}/settings"
    page = client.get(url + "?lang=en").text
    assert 'id="f-client_order_approval_h"' in page and "from 0 to 168" in page
    refused = client.post(
        url + "?lang=en", data={**form, **_policy_form(branch, client_order_approval_h="-1")}
    )
    assert refused.status_code == 422
    assert re.search(r'id="err-client_order_approval_h"[^>]*>\S', refused.text)
    for typed, stored in (("6", 6), ("", 0)):
        data = {**form, **_policy_form(branch, client_order_approval_h=typed)}
        assert client.post(url, data=data, follow_redirects=False).status_code == 303
        session.refresh(branch)
        assert branch.client_order_approval_h == stored


def test_a_plain_post_approving_an_order_no_longer_awaiting_says_why(client, session, office):
    site, dispatcher, client_user = office
    order = held(session, site, client_user, local(1, 9))
    form = sign_in(client, dispatcher)
    path = f"/console/orders/{order.id}/approve?lang=en"
    assert client.post(path, data=form, follow_redirects=False).status_code == 303
    again = client.post(path, data=form)
    assert again.status_code == 409
    assert re.search(r'id="approval-error"[^>]*>The order no longer awaits approval', again.text)
